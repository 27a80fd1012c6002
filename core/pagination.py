"""Page-number pagination as docs/api.md specifies it.

``?page=1&page_size=24``; page_size above the cap is capped, not refused; page_size ≤ 0 or
not a number → 400; a page past the end → 404 (page 1 of an empty list is an empty 200).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from marshmallow import ValidationError, fields

from core.errors import AgoraError
from core.validation import BaseSchema

DEFAULT_PAGE_SIZE = 24
MAX_PAGE_SIZE = 100


class PageSize(fields.Integer):
    def _deserialize(self, value, attr, data, **kw):
        number = super()._deserialize(value, attr, data, **kw)
        if number <= 0:
            raise ValidationError("Must be a positive integer.")
        return min(number, MAX_PAGE_SIZE)


class PageQuery(BaseSchema):
    """Base for every paginated list's querystring schema."""

    page = fields.Integer(load_default=1, validate=lambda n: n >= 1 or _fail("Must be 1 or more."), metadata={
        "minimum": 1, "description": "Page number, from 1; a page past the last one is a 404"})
    page_size = PageSize(load_default=DEFAULT_PAGE_SIZE, metadata={
        "minimum": 1, "maximum": MAX_PAGE_SIZE,
        "description": f"Items per page (default {DEFAULT_PAGE_SIZE}); at most {MAX_PAGE_SIZE}: a larger value "
                       f"is treated as {MAX_PAGE_SIZE}"})


def _fail(message: str):
    raise ValidationError(message)


def page_url(request, page: int | None) -> str | None:
    if page is None:
        return None
    params = {k: v for k, v in request.GET.items() if k != "page"}
    params["page"] = str(page)
    return request.current_route_url(_query=params)


def paginate(request, count: int, fetch: Callable[[int, int], Sequence], render: Callable) -> dict:
    """Answer one page.  ``fetch(offset, limit)`` loads the page's rows; ``render`` maps rows to
    JSON (it receives the whole page so it can batch-load relations)."""
    query = request.validated.get("querystring", {})
    page = query.get("page", 1)
    size = query.get("page_size", DEFAULT_PAGE_SIZE)
    last_page = max(1, -(-count // size))
    if page > last_page:
        raise AgoraError(404, f"Page {page} is past the end (last page is {last_page}).",
                         name="page", location="querystring")
    rows = fetch((page - 1) * size, size) if count else []
    return {
        "count": count,
        "next": page_url(request, page + 1 if page < last_page else None),
        "previous": page_url(request, page - 1 if page > 1 else None),
        "results": render(rows),
    }
