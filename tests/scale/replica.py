"""A private PostgreSQL primary and a streaming replica of it, for the replica tests.

The machine's server has ``wal_level=replica`` but no ``replication`` line in its
``pg_hba.conf``, so the test does not reconfigure it: it starts a primary of its own
(``initdb`` into a temporary directory, trust on 127.0.0.1 for connections and replication,
a free port), then ``pg_basebackup -R -X stream`` of it into a second directory and a
``postgres`` on another free port — a hot standby that streams from the primary.  PostgreSQL
refuses to run as root: as root, the binaries run as the ``postgres`` OS user.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager

from core.testing import free_port


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    if not found or not found[-1]:
        raise FileNotFoundError(name)
    return found[-1]


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str]) -> None:
    subprocess.run(_as_owner(cmd), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def available() -> str | None:
    """Why a replica cannot be started here, or None."""
    try:
        for name in ("initdb", "pg_ctl", "pg_basebackup"):
            pg_bin(name)
    except FileNotFoundError as exc:
        return f"{exc} not found"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres user"
    return None


@contextmanager
def primary_and_replica():
    """Yields ``(primary_port, replica_port)``; both servers trust user postgres on 127.0.0.1."""
    root = tempfile.mkdtemp(prefix="agora-replica-")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    primary, replica = os.path.join(root, "primary"), os.path.join(root, "replica")
    p_port, r_port = free_port(), free_port()
    started = []
    try:
        _run([pg_bin("initdb"), "-D", primary, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"])
        with open(os.path.join(primary, "postgresql.conf"), "a") as conf:
            conf.write(f"\nport = {p_port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{primary}'\n"
                       "wal_level = replica\nmax_wal_senders = 4\nfsync = off\nsynchronous_commit = off\n"
                       "full_page_writes = off\nshared_buffers = 32MB\nmax_connections = 60\n")
        with open(os.path.join(primary, "pg_hba.conf"), "a") as hba:
            hba.write("\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n")
        _run([pg_bin("pg_ctl"), "-D", primary, "-l", os.path.join(root, "primary.log"), "-w", "start"])
        started.append(primary)
        _run([pg_bin("pg_basebackup"), "-D", replica, "-R", "-X", "stream", "-h", "127.0.0.1", "-p", str(p_port),
              "-U", "postgres", "--no-sync"])
        with open(os.path.join(replica, "postgresql.conf"), "a") as conf:
            conf.write(f"\nport = {r_port}\nunix_socket_directories = '{replica}'\nhot_standby = on\n")
        _run([pg_bin("pg_ctl"), "-D", replica, "-l", os.path.join(root, "replica.log"), "-w", "start"])
        started.append(replica)
        yield p_port, r_port
    finally:
        for data in reversed(started):
            subprocess.run(_as_owner([pg_bin("pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)


def wait_replayed(primary_engine, replica_engine, timeout: float = 30) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    from sqlalchemy import text

    with primary_engine.connect() as conn:
        target = str(conn.execute(text("SELECT pg_current_wal_lsn()")).scalar())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with replica_engine.connect() as conn:
            if conn.execute(text("SELECT pg_last_wal_replay_lsn() >= CAST(:t AS pg_lsn)"), {"t": target}).scalar():
                return
        time.sleep(0.05)
    raise TimeoutError("the replica did not catch up")
