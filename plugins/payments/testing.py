"""Test kit of the payments plugin: a real localstripe server (a local, stateful Stripe stand-in).

Load it beside Agora's fixtures: ``pytest -p core.testing -p plugins.payments.testing``; it gives
the session-scoped ``localstripe_url`` fixture and :func:`start_localstripe` for scripts
(benchmarks).  localstripe is a test extra (``pip install agora[test]``).
"""
from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time

import pytest

from core.testing.concurrency import free_port

# localstripe persists its whole store to the fixed path /tmp/localstripe.pickle on every write
# and loads it at start: servers of parallel test runs corrupt each other's file, and a truncated
# one stops the next start.  This server keeps its store in memory only.
LOCALSTRIPE = """
import sys
from localstripe import resources
from localstripe.server import start
resources.Store.try_load_from_disk = lambda self: None
resources.Store.dump_to_disk = lambda self: None
sys.argv = ["localstripe", "--port", sys.argv[1]]
start()
"""


def start_localstripe() -> tuple[subprocess.Popen, str]:
    """localstripe (a local Stripe stand-in) on a free port, its store in memory only.

    Output goes to a temporary file (a pipe nobody reads fills up and blocks the server).
    Retried on a new port if it dies early."""
    problems = []
    for _ in range(3):
        port = free_port()
        log = tempfile.TemporaryFile()
        proc = subprocess.Popen([sys.executable, "-c", LOCALSTRIPE, str(port)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc, f"http://127.0.0.1:{port}"
            except OSError:
                time.sleep(0.1)
        proc.kill()
        proc.wait()
        log.seek(0)
        problems.append(f"exit {proc.returncode}: {log.read()[-500:]!r}")
    raise RuntimeError("localstripe did not start: " + " | ".join(problems))


@pytest.fixture(scope="session")
def localstripe_url():
    """The base URL of a localstripe server shared by the whole test run."""
    proc, url = start_localstripe()
    yield url
    proc.terminate()
    proc.wait(timeout=10)
