"""Typed clients from /api/openapi.json work under strict type checking, as a storefront team uses them.

Against a live server (a scratch PostgreSQL database, the real app under wsgiref in a thread):

1. the document is fetched from the server;
2. openapi-typescript generates TypeScript types and ``tsc --strict --noEmit`` compiles
   ``storefront.ts``, a purchase flow written against them;
3. openapi-python-client generates the ``agora_client`` package, ``mypy --strict`` checks
   ``storefront.py`` with it, and the script runs the purchase flow against the server: log in,
   list, detail, add to cart, payment intent (manual provider, with an Idempotency-Key), checkout,
   read the order, asserting on typed fields.

The npm tools live in ``.cache/typed-clients`` (``make typed-clients``, run by ``make test``);
the test runs in the PostgreSQL pass only, so once per ``make test``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from core.testing import TEST_PASSWORD, committed_session, scratch_database

pytestmark = pytest.mark.postgresql_only

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
NODE_BIN = ROOT / ".cache" / "typed-clients" / "node_modules" / ".bin"
VENV_BIN = Path(sys.executable).parent
TIMEOUT = 300


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # the access log of every request is noise here
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@pytest.fixture(scope="module")
def node_tools() -> Path:
    for tool in ("openapi-typescript", "tsc"):
        if not (NODE_BIN / tool).exists():
            pytest.fail(f"{NODE_BIN / tool} is missing: run `make typed-clients` (make test does)")
    return NODE_BIN


def _shop(url: str) -> dict:
    """A verified customer and an approved vendor's product with stock, really committed."""
    from core.testing import new_product, new_user, new_vendor

    session = committed_session(url)
    customer = new_user(session, email="shopper@example.com", first_name="Ada")
    vendor = new_vendor(session, name="Typed Threads", user=new_user(session, "vendor", email="seller@example.com"))
    new_product(session, name="Strict Shirt", slug="strict-shirt", description="Compiles first time", price=2499,
                vendor=vendor, variants=("Navy",))
    session.commit()
    session.bind.dispose()
    return {"email": customer.email, "password": TEST_PASSWORD}


@pytest.fixture(scope="module")
def live_server(enabled_plugins):
    """``(base URL, shopper credentials)`` of the real app on a free port, on its own database."""
    with scratch_database(enabled_plugins) as (url, app):
        shopper = _shop(url)
        server = make_server("127.0.0.1", 0, app, server_class=_ThreadingServer, handler_class=_Quiet)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", shopper
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)


@pytest.fixture(scope="module")
def spec_file(live_server, tmp_path_factory) -> Path:
    base, _ = live_server
    with urllib.request.urlopen(f"{base}/api/openapi.json", timeout=30) as answer:
        document = json.load(answer)
    path = tmp_path_factory.mktemp("spec") / "openapi.json"
    path.write_text(json.dumps(document))
    return path


def run(args: list, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run a tool; a failure shows its whole output (the type errors)."""
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, **env})
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done


def test_typescript_storefront_compiles_strictly_against_the_generated_types(spec_file, node_tools, tmp_path):
    for name in ("storefront.ts", "tsconfig.json"):
        shutil.copy(HERE / name, tmp_path / name)
    # --default-non-nullable false: a body field with a default stays optional to send (the
    # generator's default makes it mandatory, which would be wrong for our request schemas).
    run([node_tools / "openapi-typescript", spec_file, "-o", tmp_path / "api.d.ts", "--default-non-nullable", "false"],
        cwd=tmp_path)
    types = (tmp_path / "api.d.ts").read_text()
    assert "vendor: components[\"schemas\"][\"VendorRef\"] | null;" in types
    run([node_tools / "tsc", "-p", tmp_path / "tsconfig.json"], cwd=tmp_path)


def test_python_client_passes_mypy_strict_and_buys_against_a_live_server(spec_file, live_server, tmp_path):
    base, shopper = live_server
    tools = {"PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # the generator runs ruff
    run([VENV_BIN / "openapi-python-client", "generate", "--path", spec_file, "--output-path",
         tmp_path / "agora_client", "--meta", "none"], cwd=tmp_path, **tools)
    for name in ("storefront.py", "mypy.ini"):
        shutil.copy(HERE / name, tmp_path / name)
    run([VENV_BIN / "mypy", "--config-file", "mypy.ini", "--no-incremental", "storefront.py"], cwd=tmp_path)

    done = run([sys.executable, "storefront.py", base, shopper["email"], shopper["password"]], cwd=tmp_path,
               PYTHONPATH=str(tmp_path))
    receipt = json.loads(done.stdout.strip().splitlines()[-1])
    assert receipt["sold_by"] == receipt["vendor_line"] == "Typed Threads"
    assert receipt["total"] == "49.98" and receipt["quantity"] == 2  # 2 × 24.99, no shipping or tax set
    assert receipt["status"] == "pending_payment" and receipt["order"].startswith("AG-")
