"""What a manager's category write changed, for the audit log (``core.audit``).

The views take :func:`before` ahead of the domain call and :func:`record` after it, so the
row names old → new of ``name``, ``slug``, ``parent_id`` and ``is_active``; a change of parent
is ``category.moved``, any other ``category.updated``.
"""
from __future__ import annotations

from sqlalchemy import select

from core import audit
from core.catalog.models import Category

AUDITED = ("id", "name", "slug", "parent_id", "is_active")


def before(db, slug: str) -> dict:
    """The audited fields of the category ``slug`` now (``{}`` when there is none: the domain call 404s)."""
    category = db.execute(select(Category).where(Category.slug == slug)).scalar_one_or_none()
    return audit.snapshot(category, *AUDITED) if category is not None else {}


def record(request, action: str | None, category: Category, old: dict | None = None) -> None:
    """One row for ``category``: its values (``category.created``), or old → new (``action`` None:
    ``category.moved`` when the parent changed, else ``category.updated``)."""
    now = audit.snapshot(category, *AUDITED)
    changes = {k: v for k, v in now.items() if k != "id"} if old is None else audit.diff(old, now)
    action = action or ("category.moved" if "parent_id" in changes else "category.updated")
    audit.record_request(request, action, ("category", category.id), changes)
