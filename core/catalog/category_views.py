"""Category management for managers and admins (permission ``manage``).

``POST /api/categories/`` creates; ``PUT``/``PATCH /api/categories/{slug}/`` rename, re-slug
or move (a move below itself or its own sub-tree is refused with 400); ``DELETE``
deactivates (products and order history keep pointing at it; the node and its sub-tree
leave the public tree).  Managers address inactive categories too, to reactivate them.
The rules live in :mod:`core.catalog.categories`.
"""
from __future__ import annotations

from core.catalog import categories
from core.catalog.schemas import CategoryIn, CategoryOut, CategoryPatch, SlugPath
from core.catalog.serialize import category_node
from core.catalog.views import categories_svc, category_svc
from core.openapi import responds
from core.validation import In, validate


@categories_svc.post(schema=In(body=CategoryIn), validators=(validate,), permission="manage")
@responds(201, CategoryOut)
@responds(409, description="The slug was taken at the same moment by another request")
def create_category(request):
    """Create a category (managers).

    ``slug`` is generated from the name when absent; ``parent`` is a slug or null (top level)."""
    category = categories.create(request.db, request.validated["body"])
    request.response.status = 201
    return category_node(request.db, category)


@category_svc.put(schema=In(path=SlugPath, body=CategoryIn), validators=(validate,), permission="manage")
@responds(200, CategoryOut)
@responds(409, description="The slug was taken at the same moment by another request")
def replace_category(request):
    """Replace a category (managers).

    Rename, re-slug or move it; a move below itself or its own sub-tree is a 400."""
    category = categories.change(request.db, request.validated["path"]["slug"], request.validated["body"])
    return category_node(request.db, category)


@category_svc.patch(schema=In(path=SlugPath, body=CategoryPatch), validators=(validate,), permission="manage")
@responds(200, CategoryOut)
@responds(409, description="The slug was taken at the same moment by another request")
def update_category(request):
    """Change some fields of a category (managers).

    Fields left out keep their values; a move below itself or its own sub-tree is a 400."""
    category = categories.change(request.db, request.validated["path"]["slug"], request.validated["body"])
    return category_node(request.db, category)


@category_svc.delete(schema=In(path=SlugPath), validators=(validate,), permission="manage")
@responds(204, None)
def deactivate_category(request):
    """Deactivate a category (managers).

    Its products and order history keep pointing at it; it and its sub-tree leave the public tree."""
    categories.deactivate(request.db, request.validated["path"]["slug"])
    response = request.response
    response.status = 204
    response.content_type = None  # a 204 carries no body, so no Content-Type either
    return response
