"""docs/plugins.md keeps up with the code (Datasette's documented-hooks test).

Every hook specification in core/hooks.py has a section ``### `agora_name(arguments)` `` with the
same arguments and an example implementing it; no section documents a hook that does not
exist; every name in the "What is stable" list can be imported."""
from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from core import hooks

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
HEADING = re.compile(r"^### `(agora_\w+)\(([^)]*)\)`\s*$", re.MULTILINE)


def specifications() -> dict[str, list[str]]:
    """Core's hooks and the hooks first-party plugins declare of their own."""
    from plugins.payouts import hookspecs as payout_hooks
    from plugins.vendors import hookspecs as vendor_hooks

    return {name: list(inspect.signature(func).parameters)
            for module in (hooks, vendor_hooks, payout_hooks) for name, func in vars(module).items()
            if name.startswith("agora_") and hasattr(func, f"{hooks.PROJECT}_spec")}


def documented() -> dict[str, list[str]]:
    return {m.group(1): [a.strip() for a in m.group(2).split(",") if a.strip()]
            for m in HEADING.finditer(DOC.read_text(encoding="utf-8"))}


def section(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = re.search(rf"^### `{name}\(", text, re.MULTILINE).start()
    following = re.compile(r"^##", re.MULTILINE).search(text, start + 4)
    return text[start:following.start() if following else len(text)]


def test_the_hooks_module_declares_hooks():
    assert len(specifications()) > 20


@pytest.mark.parametrize("name", sorted(specifications()))
def test_every_hook_is_documented_with_its_arguments(name):
    docs = documented()
    assert name in docs, f"{name} is missing from docs/plugins.md (add a '### `{name}(...)`' section)"
    assert docs[name] == specifications()[name], f"docs/plugins.md shows {name} with other arguments"


@pytest.mark.parametrize("name", sorted(specifications()))
def test_every_hook_has_an_example(name):
    body = section(name)
    assert "**When**" in body, f"say when {name} is called"
    assert "@hookimpl" in body and f"def {name}(" in body, f"give an example implementing {name}"


def test_no_documented_hook_is_missing_from_the_code():
    assert sorted(set(documented()) - set(specifications())) == []


def stable_names() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    part = text[text.index("## What is stable"):]
    return sorted({n for n in re.findall(r"`((?:core|config)(?:\.\w+)+)`", part)})


@pytest.mark.parametrize("dotted", stable_names())
def test_every_stable_name_exists(dotted):
    module_name, _, attribute = dotted.rpartition(".")
    try:
        module = importlib.import_module(dotted)  # a module itself (core.testing)
    except ImportError:
        module = getattr(importlib.import_module(module_name), attribute)
    assert module is not None


ROOT = Path(__file__).resolve().parents[2]
OWN_DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted(ROOT.glob("plugins/*/README.md"))]


@pytest.mark.parametrize("doc", OWN_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_docs_link_only_to_files_in_the_repository(doc):
    text = doc.read_text(encoding="utf-8")
    assert "API.md" not in text, "the REST reference is docs/api.md"
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" in target:
            continue
        assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which is not in the repository"


def test_the_rest_reference_lists_every_documented_path(testapp):
    reference = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    paths = [p for p in testapp.get("/api/openapi.json").json["paths"] if not p.startswith("/api/testplugin/")]
    missing = [p for p in paths if p not in reference]
    assert missing == [], f"docs/api.md does not describe {missing}"
