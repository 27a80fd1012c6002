"""The order state machine, in one place.

    pending_payment → paid → processing → shipped → delivered
    cancelled from pending_payment, paid, processing;  refunded after cancelled

``paid → shipped`` is allowed too: when every vendor has shipped its lines of a paid order
that nobody moved to processing, the order is shipped.
"""
from __future__ import annotations

from core.errors import AgoraError
from core.orders.models import OrderStatusChange

STATUSES = ("pending_payment", "paid", "processing", "shipped", "delivered", "cancelled", "refunded")

TRANSITIONS: dict[str, frozenset[str]] = {
    "pending_payment": frozenset({"paid", "cancelled"}),
    "paid": frozenset({"processing", "shipped", "cancelled"}),
    "processing": frozenset({"shipped", "cancelled"}),
    "shipped": frozenset({"delivered"}),
    "delivered": frozenset(),
    "cancelled": frozenset({"refunded"}),
    "refunded": frozenset(),
}

CANCELLABLE = frozenset(s for s, targets in TRANSITIONS.items() if "cancelled" in targets)


def check_transition(current: str, target: str) -> None:
    if target not in STATUSES:
        raise AgoraError(400, f"Unknown status {target!r}.", name="status")
    if target not in TRANSITIONS[current]:
        raise AgoraError(409, f"An order cannot go from {current} to {target}.", name="status")


def record_status(db, order, status: str, note: str = "") -> None:
    """Set the order's status and append it to its history (the caller checked the move)."""
    order.status = status
    db.add(OrderStatusChange(order_id=order.id, status=status, note=note))
