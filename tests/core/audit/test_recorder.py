"""The helper (core.audit): secrets never reach ``changes``, a rolled-back write leaves no row,
and rows cannot be updated or deleted (triggers on both databases)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DatabaseError

from core import audit
from core.audit.models import AuditEntry
from core.testing import audit_trail

SECRETS = ["whsec_c2VjcmV0IHNpZ25pbmcga2V5IGZvciB3ZWJob29rcw==", "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
           "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "correct horse battery staple",
           "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"]


def test_secret_keys_and_secret_looking_values_are_redacted_at_any_depth():
    changes = {"password": SECRETS[3], "new_password": SECRETS[3], "secret": SECRETS[0], "password_hash": SECRETS[4],
               "refresh": SECRETS[2], "token": "abc", "api_key": SECRETS[1],
               "nested": {"client_secret": "pi_1_secret_2", "list": [SECRETS[0], {"access_token": "x"}]},
               "note": SECRETS[1], "url": "https://user:hunter22@hooks.example.com/in", "name": "Lamp"}
    scrubbed = audit.scrub(changes)
    dumped = json.dumps(scrubbed)
    for secret in [*SECRETS, "hunter22", "pi_1_secret_2"]:
        assert secret not in dumped
    assert scrubbed["name"] == "Lamp" and scrubbed["url"] == "https://[redacted]@hooks.example.com/in"
    assert scrubbed["password"] == audit.REDACTED and scrubbed["nested"]["list"][1]["access_token"] == audit.REDACTED


def test_record_writes_the_snapshot_of_the_actor(db, manager):
    context = audit.AuditContext(audit.Actor.of(manager), "req-12345678", "198.51.100.4")
    context.record(db, "example.done", ("thing", 7), {"status": {"old": "a", "new": "b"}, "secret": "s"})
    db.flush()
    [row] = audit_trail(db, "example.done")
    assert (row.actor_id, row.actor_email, row.actor_role) == (manager.id, manager.email, "manager")
    assert (row.target_type, row.target_id, row.request_id, row.ip) == ("thing", "7", "req-12345678", "198.51.100.4")
    assert row.changes == {"status": {"old": "a", "new": "b"}, "secret": audit.REDACTED}
    assert row.at is not None


def test_snapshot_and_diff_name_only_what_changed(db, manager):
    before = audit.snapshot(manager, "first_name", "role")
    manager.first_name = "Grace"
    assert audit.diff(before, audit.snapshot(manager, "first_name", "role")) == {
        "first_name": {"old": before["first_name"], "new": "Grace"}}
    assert audit.scrub(audit.snapshot(manager))["password_hash"] == audit.REDACTED


def test_a_rolled_back_transaction_leaves_no_row(db):
    nested = db.begin_nested()
    audit.record(db, actor=None, action="example.rolled_back", target=("thing", 1))
    db.flush()
    assert len(audit_trail(db, "example.rolled_back")) == 1
    nested.rollback()
    assert audit_trail(db, "example.rolled_back") == []


def test_a_refused_vendor_decision_rolls_its_row_back(testapp, db, manager, make_vendor, auth_headers):
    vendor = make_vendor("rejected", name="Refused")
    # the view records before deciding; the decision's 409 aborts the whole transaction
    testapp.post(f"/api/manager/vendors/{vendor.id}/suspend/", headers=auth_headers(manager), status=409)
    assert audit_trail(db) == []


@pytest.mark.parametrize("statement", [
    update(AuditEntry).values(action="forged"),
    delete(AuditEntry),
])
def test_rows_cannot_be_updated_or_deleted(db, statement):
    audit.record(db, actor=None, action="example.kept", target=("thing", 1))
    db.flush()
    nested = db.begin_nested()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(statement.execution_options(synchronize_session=False))
    nested.rollback()
    assert [row.action for row in audit_trail(db, "example.kept")] == ["example.kept"]


@pytest.mark.postgresql_only
def test_the_table_cannot_be_truncated_on_postgresql(db):
    nested = db.begin_nested()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("TRUNCATE audit_log"))
    nested.rollback()


def test_the_code_has_no_update_or_delete_path():
    """Append-only by construction too: no UPDATE/DELETE of the model or the table in core or plugins
    (the migration's trigger text lives in migrations/, outside this scan)."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[3]
    pattern = re.compile(r"(update|delete)\(\s*AuditEntry|(UPDATE|DELETE FROM)\s+audit_log", re.I)
    offenders = [str(path) for folder in ("core", "plugins") for path in (root / folder).rglob("*.py")
                 if pattern.search(path.read_text())]
    assert offenders == []
