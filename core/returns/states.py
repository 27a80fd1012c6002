"""The return state machine, in one place.

    requested → approved → refunded
    requested → rejected

Every move is appended to the return's history with who made it and a note.
"""
from __future__ import annotations

from core.errors import AgoraError
from core.returns.models import ReturnStatusChange

STATUSES = ("requested", "approved", "rejected", "refunded")

TRANSITIONS: dict[str, frozenset[str]] = {
    "requested": frozenset({"approved", "rejected"}),
    "approved": frozenset({"refunded"}),
    "rejected": frozenset(),
    "refunded": frozenset(),
}


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS[current]:
        raise AgoraError(409, f"A return that is {current} cannot become {target}.", name="status")


def record_status(db, return_, status: str, note: str = "", actor_id: int | None = None) -> None:
    """Set the return's status and append it to its history (the caller checked the move)."""
    return_.status = status
    db.add(ReturnStatusChange(return_id=return_.id, status=status, note=note, actor_id=actor_id))
