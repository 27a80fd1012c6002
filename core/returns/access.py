"""Who sees a return, and who decides it.

* Seeing: its customer (the buyer), the vendor of any of its lines, managers and admins.  Anyone
  else is told it does not exist (404).
* Deciding (approve, reject, receive): the vendor of **every** line of the return, or a manager
  or admin.  A return whose lines belong to two vendors (or to the shop itself, a line without
  a vendor) is decided by a manager: each vendor sees it, but only a manager can act on it
  (403 for the vendors).  The customer sees their return but cannot decide it (403).

Core learns a line's vendor from the order's item snapshot (``order_items.vendor_id``) and the
caller's vendor from core's ``vendors`` table (``vendors.user_id``); it never asks the vendors
plugin.
"""
from __future__ import annotations

from sqlalchemy import or_, select

from core.catalog.models import Vendor
from core.errors import AgoraError, not_found
from core.orders.models import Order, OrderItem
from core.returns.models import Return, ReturnItem

STAFF = ("manager", "admin")


def is_staff(user) -> bool:
    return user.role in STAFF


def vendor_id_of(db, user) -> int | None:
    """The vendor the caller runs, if they are a vendor."""
    if user.role != "vendor":
        return None
    return db.execute(select(Vendor.id).where(Vendor.user_id == user.id)).scalar_one_or_none()


def with_lines_of(vendor_id: int):
    """A clause: the return has a line sold by ``vendor_id``."""
    return Return.id.in_(select(ReturnItem.return_id).join(OrderItem, OrderItem.id == ReturnItem.order_item_id)
                         .where(OrderItem.vendor_id == vendor_id))


def list_filters(db, user, status: str | None) -> list:
    """The WHERE clauses of the caller's return list."""
    where = []
    if not is_staff(user):
        vendor_id = vendor_id_of(db, user)
        mine = Return.user_id == user.id
        where.append(or_(mine, with_lines_of(vendor_id)) if vendor_id is not None else mine)
    if status is not None:
        where.append(Return.status == status)
    return where


def line_vendors(db, return_id: int) -> set[int | None]:
    """The vendors of a return's lines (None: a line the shop sells itself)."""
    return set(db.execute(select(OrderItem.vendor_id).join(ReturnItem, ReturnItem.order_item_id == OrderItem.id)
                          .where(ReturnItem.return_id == return_id)).scalars())


def visible_return(db, user, return_id: int) -> Return:
    """The return if ``user`` may see it, else 404."""
    found = db.get(Return, return_id)
    if found is None or not (is_staff(user) or found.user_id == user.id
                             or _sells_a_line(db, user, found.id)):
        raise not_found("No such return.", name="id")
    return found


def _sells_a_line(db, user, return_id: int) -> bool:
    vendor_id = vendor_id_of(db, user)
    return vendor_id is not None and vendor_id in line_vendors(db, return_id)


def check_decider(db, user, return_: Return) -> None:
    """403 unless ``user`` may approve, reject and receive ``return_`` (see the module doc)."""
    if is_staff(user):
        return
    vendor_id = vendor_id_of(db, user)
    vendors = line_vendors(db, return_.id)
    if vendor_id is not None and vendors == {vendor_id}:
        return
    if vendor_id is not None and vendor_id in vendors:
        raise AgoraError(403, "This return has lines of several sellers: a manager decides it.",
                         location="header")
    raise AgoraError(403, "A return is decided by the vendor of its lines or by a manager.", location="header")


def lock_for_decision(db, user, return_id: int) -> tuple[Order, Return]:
    """The order and the return, row-locked in that order (like a new return of the same order,
    so two decisions, two receipts, or a receipt and a request never wait in opposite orders),
    after checking the caller may see (404) and decide (403) it."""
    found = visible_return(db, user, return_id)
    check_decider(db, user, found)
    order = db.get(Order, found.order_id, with_for_update=True, populate_existing=True)
    locked = db.execute(select(Return).where(Return.id == return_id).with_for_update()
                        .execution_options(populate_existing=True)).scalar_one()
    return order, locked


def count(db, where: list) -> int:
    from sqlalchemy import func

    return db.execute(select(func.count(Return.id)).where(*where)).scalar_one()


def page_ids(db, where: list, offset: int, limit: int) -> list[int]:
    """Ids of one page of returns, newest first."""
    return db.execute(select(Return.id).where(*where).order_by(Return.created_at.desc(), Return.id.desc())
                      .offset(offset).limit(limit)).scalars().all()
