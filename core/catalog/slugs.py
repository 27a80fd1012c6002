"""URL-safe, unique slugs generated from names.

``slugify("Café Crème, 2 L")`` → ``"cafe-creme-2-l"``.  A slug is made once, when the row is
created without one, and then stays: renaming a product or a category keeps its URLs
working.  :func:`unique_slug` appends ``-2``, ``-3`` … when the slug is taken, with one query.
"""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 100, fallback: str = "item") -> str:
    """Lower-case ASCII words joined by ``-`` (accents folded, everything else dropped)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_ALNUM.sub("-", ascii_text.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or fallback


def is_valid_slug(value: str) -> bool:
    return bool(SLUG_RE.match(value))


def unique_slug(db, column, name: str, *, exclude_id=None, max_length: int = 100) -> str:
    """A slug for ``name`` not yet used in ``column`` (e.g. ``Category.slug``).

    ``exclude_id`` ignores the row being edited.  A concurrent insert of the same slug still
    hits the unique index (answered 409), which is the right outcome for a race."""
    base = slugify(name, max_length=max_length)
    table_id = column.class_.id
    query = select(column).where((column == base) | column.like(f"{base}-%"))
    if exclude_id is not None:
        query = query.where(table_id != exclude_id)
    taken = set(db.execute(query).scalars())
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
