"""Which orders a caller may see: their own, or every order for staff."""
from __future__ import annotations

from sqlalchemy import func, select

from core.errors import not_found
from core.orders.models import Order


def is_staff(user) -> bool:
    return user.role in ("manager", "admin")


def visible_order(db, user, order_id: int, lock: bool = False) -> Order:
    """The order if ``user`` may see it (its buyer or staff), else 404; ``lock`` takes its row lock
    in the same statement."""
    order = db.get(Order, order_id, with_for_update=lock or None)
    if order is None or (order.user_id != user.id and not is_staff(user)):
        raise not_found("No such order.", name="id")
    return order


def list_filters(user, status: str | None, user_id: int | None) -> list:
    """The WHERE clauses of an order list: a customer's own orders; staff may filter by user."""
    where = []
    if is_staff(user):
        if user_id is not None:
            where.append(Order.user_id == user_id)
    else:
        where.append(Order.user_id == user.id)
    if status is not None:
        where.append(Order.status == status)
    return where


def count(db, where: list) -> int:
    return db.execute(select(func.count(Order.id)).where(*where)).scalar_one()


def page_ids(db, where: list, offset: int, limit: int) -> list[int]:
    """Ids of one page of orders, newest first."""
    return db.execute(select(Order.id).where(*where).order_by(Order.created_at.desc(), Order.id.desc())
                      .offset(offset).limit(limit)).scalars().all()
