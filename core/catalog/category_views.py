"""Category management for managers and admins (permission ``manage``).

``POST /api/categories/`` creates; ``PUT``/``PATCH /api/categories/{slug}/`` rename, re-slug
or move (a move below itself or its own sub-tree is refused with 400); ``DELETE``
deactivates (products and order history keep pointing at it; the node and its sub-tree
leave the public tree).  Managers address inactive categories too, to reactivate them.
"""
from __future__ import annotations

from core.catalog import categories as tree
from core.catalog.models import Category
from core.catalog.schemas import CategoryIn, CategoryOut, CategoryPatch, SlugPath
from core.catalog.slugs import unique_slug
from core.catalog.views import categories_svc, category_svc
from core.errors import AgoraError, not_found
from core.openapi import responds
from core.validation import In, validate


def _by_slug(categories: list[Category], slug: str) -> Category | None:
    return next((c for c in categories if c.slug == slug), None)


def _parent(categories: list[Category], slug: str | None) -> Category | None:
    if slug is None:
        return None
    parent = _by_slug(categories, slug)
    if parent is None:
        raise AgoraError(400, f"No category '{slug}'.", name="parent")
    return parent


def _set_slug(db, category: Category, categories: list[Category], slug: str | None) -> None:
    if slug is None:
        if category.slug is None:
            category.slug = unique_slug(db, Category.slug, category.name, max_length=140)
        return
    owner = _by_slug(categories, slug)
    if owner is not None and owner is not category:
        raise AgoraError(400, f"The slug '{slug}' is taken.", name="slug")
    category.slug = slug


def apply_changes(db, category: Category, changes: dict, categories: list[Category]) -> None:
    """Apply ``name``, ``slug``, ``parent`` and ``is_active`` from ``changes`` (those present)."""
    if "name" in changes:
        category.name = changes["name"]
    if "parent" in changes:
        parent = _parent(categories, changes["parent"])
        tree.check_move(categories, category, parent)
        category.parent_id = parent.id if parent is not None else None
    if "is_active" in changes:
        category.is_active = changes["is_active"]
    _set_slug(db, category, categories, changes.get("slug"))


def _answer(db, category: Category) -> dict:
    db.flush()
    return tree.tree(tree.load_all(db, active_only=False), root=category)


@categories_svc.post(schema=In(body=CategoryIn), validators=(validate,), permission="manage")
@responds(201, CategoryOut)
@responds(409, description="The slug was taken at the same moment by another request")
def create_category(request):
    """Create a category (managers).

    ``slug`` is generated from the name when absent; ``parent`` is a slug or null (top level)."""
    db = request.db
    categories = tree.load_all(db, active_only=False)
    category = Category(name="", slug=None, is_active=True)
    apply_changes(db, category, request.validated["body"], categories)
    db.add(category)
    request.response.status = 201
    return _answer(db, category)


def _editable(request) -> tuple[Category, list[Category]]:
    slug = request.validated["path"]["slug"]
    categories = tree.load_all(request.db, active_only=False)
    category = _by_slug(categories, slug)
    if category is None:
        raise not_found(f"No category '{slug}'.", name="slug")
    return category, categories


@category_svc.put(schema=In(path=SlugPath, body=CategoryIn), validators=(validate,), permission="manage")
@responds(200, CategoryOut)
@responds(409, description="The slug was taken at the same moment by another request")
def replace_category(request):
    """Replace a category (managers).

    Rename, re-slug or move it; a move below itself or its own sub-tree is a 400."""
    category, categories = _editable(request)
    apply_changes(request.db, category, request.validated["body"], categories)
    return _answer(request.db, category)


@category_svc.patch(schema=In(path=SlugPath, body=CategoryPatch), validators=(validate,), permission="manage")
@responds(200, CategoryOut)
@responds(409, description="The slug was taken at the same moment by another request")
def update_category(request):
    """Change some fields of a category (managers).

    Fields left out keep their values; a move below itself or its own sub-tree is a 400."""
    category, categories = _editable(request)
    apply_changes(request.db, category, request.validated["body"], categories)
    return _answer(request.db, category)


@category_svc.delete(schema=In(path=SlugPath), validators=(validate,), permission="manage")
@responds(204, None)
def deactivate_category(request):
    """Deactivate a category (managers).

    Its products and order history keep pointing at it; it and its sub-tree leave the public tree."""
    category, _ = _editable(request)
    category.is_active = False
    response = request.response
    response.status = 204
    response.content_type = None  # a 204 carries no body, so no Content-Type either
    return response
