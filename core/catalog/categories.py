"""The category tree: reading it, finding a sub-tree, and changing it without a cycle.

Categories are few (hundreds at most), so the tree is read whole in one statement and
assembled in Python; product filtering uses a recursive CTE instead (see
:func:`subtree_ids`) so that it adds no statement to a product list.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from core.catalog.models import Category
from core.catalog.slugs import unique_slug
from core.errors import AgoraError, not_found


def subtree_ids(slug: str):
    """A recursive CTE of the ids of the active category ``slug`` and its active descendants."""
    tree = (
        select(Category.id).where(Category.slug == slug, Category.is_active.is_(True))
        .cte("category_subtree", recursive=True)
    )
    child = select(Category.id).where(Category.parent_id == tree.c.id, Category.is_active.is_(True))
    return tree.union_all(child)


def load_all(db, active_only: bool = True) -> list[Category]:
    query = select(Category).order_by(Category.name, Category.id)
    if active_only:
        query = query.where(Category.is_active.is_(True))
    return list(db.execute(query).scalars())


def tree(categories: list[Category], root: Category | None = None) -> list[dict] | dict:
    """Nest ``categories`` (children sorted by name): the roots, or the node ``root``.

    A category whose parent is missing from ``categories`` (an inactive parent) is dropped
    with its sub-tree, so deactivating a node hides everything below it."""
    by_id = {c.id: c for c in categories}
    children = defaultdict(list)
    for category in categories:
        children[category.parent_id].append(category)

    def node(category: Category) -> dict:
        parent = by_id.get(category.parent_id)
        return {
            "id": category.id,
            "name": category.name,
            "slug": category.slug,
            "parent": parent.slug if parent is not None else None,
            "is_active": bool(category.is_active),
            "children": [node(c) for c in children[category.id]],
        }

    if root is not None:
        return node(root)
    return [node(c) for c in children[None]]


def public_subtree(db, slug: str) -> dict:
    """The active category ``slug`` with its active sub-tree; 404 when it or an ancestor is inactive."""
    categories = load_all(db)
    found = _by_slug(categories, slug)
    if found is None or not is_reachable(categories, found):
        raise not_found(f"No category '{slug}'.", name="slug")
    return tree(categories, root=found)


def is_reachable(categories: list[Category], category: Category) -> bool:
    """True when ``category`` and all its ancestors are in ``categories`` (the active ones)."""
    active = {c.id: c.parent_id for c in categories}
    current, seen = category.id, set()
    while current is not None and current not in seen:
        if current not in active:
            return False
        seen.add(current)
        current = active[current]
    return True


def check_move(categories: list[Category], category: Category, new_parent: Category | None) -> None:
    """Refuse (400 on ``parent``) a move that would put ``category`` below itself."""
    if new_parent is None:
        return
    parents = {c.id: c.parent_id for c in categories}
    current, seen = new_parent.id, set()
    while current is not None and current not in seen:
        if current == category.id:
            raise AgoraError(400, "A category cannot be moved below itself or one of its sub-categories.",
                             name="parent")
        seen.add(current)
        current = parents.get(current)


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
    """Apply ``name``, ``slug``, ``parent`` and ``is_active`` from ``changes`` (those present).

    An unknown parent, a taken slug or a move below itself is a 400 naming the field."""
    if "name" in changes:
        category.name = changes["name"]
    if "parent" in changes:
        parent = _parent(categories, changes["parent"])
        check_move(categories, category, parent)
        category.parent_id = parent.id if parent is not None else None
    if "is_active" in changes:
        category.is_active = changes["is_active"]
    _set_slug(db, category, categories, changes.get("slug"))


def _editable(db, slug: str) -> tuple[Category, list[Category]]:
    categories = load_all(db, active_only=False)
    category = _by_slug(categories, slug)
    if category is None:
        raise not_found(f"No category '{slug}'.", name="slug")
    return category, categories


def create(db, values: dict) -> Category:
    """Create a category from ``values`` (``name``, ``slug`` or generated, ``parent`` slug or None)."""
    categories = load_all(db, active_only=False)
    category = Category(name="", slug=None, is_active=True)
    apply_changes(db, category, values, categories)
    db.add(category)
    db.flush()
    return category


def change(db, slug: str, changes: dict) -> Category:
    """Rename, re-slug, move or (de)activate the category ``slug`` (inactive ones too): 404 if none."""
    category, categories = _editable(db, slug)
    apply_changes(db, category, changes, categories)
    db.flush()
    return category


def deactivate(db, slug: str) -> None:
    """Take the category ``slug`` and its sub-tree out of the public tree; products keep it."""
    category, _ = _editable(db, slug)
    category.is_active = False
