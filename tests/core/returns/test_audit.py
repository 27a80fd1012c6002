"""Return decisions and refunds by a vendor or a manager are in the audit log (core.audit)."""
from __future__ import annotations

from core.testing import AS_CLIENT, audit_trail, audited


def _h(headers: dict) -> dict:
    return {**headers, **AS_CLIENT["headers"]}


def test_approve_receive_and_reject_are_recorded(testapp, db, shop, manager):
    order = shop.buy(testapp, [(shop.sizes[0], 3)])
    first = shop.ask(testapp, order, [(0, 1)]).json
    second = shop.ask(testapp, order, [(0, 1)]).json
    assert audit_trail(db, "return.approved") == []  # the customer's request is not a staff write
    vendor = shop.vendors[0].user
    testapp.post_json(f"/api/returns/{first['id']}/approve/", {"note": "send it"}, headers=_h(shop.headers["vendor_a"]),
                      extra_environ=AS_CLIENT["environ"])
    audited(db, "return.approved", actor=vendor, target=("return", first["id"]),
            changes={"status": {"old": "requested", "new": "approved"}, "note": "send it"})
    testapp.post_json(f"/api/returns/{first['id']}/receive/", {"restock": True}, headers=_h(shop.headers["manager"]),
                      extra_environ=AS_CLIENT["environ"])
    audited(db, "return.refunded", actor=manager, target=("return", first["id"]),
            changes={"status": {"old": "approved", "new": "refunded"}, "refund_amount": 2000, "restock": True})
    testapp.post_json(f"/api/returns/{second['id']}/reject/", {"reason": "worn"}, headers=_h(shop.headers["manager"]),
                      extra_environ=AS_CLIENT["environ"])
    audited(db, "return.rejected", actor=manager, target=("return", second["id"]),
            changes={"status": {"old": "requested", "new": "rejected"}, "reason": "worn"})
    # deciding again is a 409 and writes nothing
    testapp.post_json(f"/api/returns/{second['id']}/approve/", {"note": ""}, headers=shop.headers["manager"], status=409)
    assert len(audit_trail(db, "return.approved")) == 1
