"""Agora does not know the coupons extension: it plugs in from outside, through the contract only.

``examples/agora-coupons`` is a third-party package; core and the first-party plugins must work
(and be packaged) without it.  So nothing in ``core/``, ``plugins/``, ``config/``, ``migrations/``
or Agora's ``setup.cfg`` imports it, names its package, or names coupons in code.  Prose in
docstrings may use coupons as an example of what a hook is for (``agora_checkout_completed``)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ["core", "plugins", "config", "migrations"]
TEXT_SUFFIXES = {".py", ".md", ".txt", ".html", ".j2", ".ini", ".cfg", ".toml", ".json", ".mako", ".css", ".js"}


def agora_files() -> list[Path]:
    files = [ROOT / "setup.cfg"]
    for top in SCANNED:
        files += [p for p in (ROOT / top).rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES
                  and "__pycache__" not in p.parts]
    return sorted(files)


def docstring_nodes(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
                    first.value.value, str):
                found.add(id(first.value))
    return found


def code_mentions(path: Path) -> list[str]:
    """Identifiers, imports and string literals (docstrings aside) that name coupons."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = docstring_nodes(tree)
    hits = []
    for node in ast.walk(tree):
        words = []
        if isinstance(node, ast.Name):
            words.append(node.id)
        elif isinstance(node, ast.Attribute):
            words.append(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            words.append(node.name)
        elif isinstance(node, ast.alias):
            words.append(node.name)
        elif isinstance(node, ast.ImportFrom):
            words.append(node.module or "")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            words.append(node.value)
        hits += [f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}: {w!r}" for w in words
                 if "coupon" in w.lower()]
    return hits


def test_the_scan_sees_agora_and_the_extension_exists():
    files = agora_files()
    assert ROOT / "core" / "hooks.py" in files and ROOT / "plugins" / "cart" / "serialize.py" in files
    assert (ROOT / "examples" / "agora-coupons" / "agora_coupons" / "__init__.py").is_file()


@pytest.mark.parametrize("name", ["agora_coupons", "agora-coupons"])
def test_no_file_names_the_extension_package(name):
    offenders = [str(p.relative_to(ROOT)) for p in agora_files() if name in p.read_text(encoding="utf-8").lower()]
    assert offenders == []


def test_no_code_names_coupons():
    offenders = [hit for p in agora_files() if p.suffix == ".py" for hit in code_mentions(p)]
    assert offenders == []


def test_no_template_or_config_names_coupons():
    offenders = [str(p.relative_to(ROOT)) for p in agora_files()
                 if p.suffix != ".py" and "coupon" in p.read_text(encoding="utf-8").lower()]
    assert offenders == []


def test_agora_does_not_register_the_coupons_entry_point():
    from importlib import metadata

    agora = metadata.distribution("agora")
    assert not [ep for ep in agora.entry_points if ep.group == "agora.plugins" and "coupon" in ep.name]
