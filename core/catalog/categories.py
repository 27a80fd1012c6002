"""The category tree: reading it, finding a sub-tree, and moving a node without a cycle.

Categories are few (hundreds at most), so the tree is read whole in one statement and
assembled in Python; product filtering uses a recursive CTE instead (see
:func:`subtree_ids`) so that it adds no statement to a product list.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from core.catalog.models import Category
from core.errors import AgoraError


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
