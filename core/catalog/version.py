"""The catalog version: one counter bumped in every transaction that changes what public
catalog lists could show, so that list counts and the category tree can be cached per
worker and still be exact.

The bump happens automatically: a session listener sees products, categories, vendors,
variants, images and sizes being written (ORM flushes, and ORM ``update``/``delete``
statements such as ``refresh_products``) and increments the counter in the same transaction.
Stock moves alone do not bump it (a size whose only changed column is ``stock``, or an ORM
``update`` of sizes that sets only ``stock``): lists see stock only through
``products.in_stock``, which changes through ``refresh_products``, and the product detail
reads its sizes' stock live (:mod:`core.catalog.detail`).  Readers pay one primary-key lookup
per request; every worker's cache entry for an older version is simply never asked for again.

What a cached value belongs to: the version is read on the *same session* (the same
connection and, on a replica, the same snapshot) as the rows the value is built from, so a
value is always stored under the version of the data it holds (see ``core.db`` › replicas).
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import BigInteger, Integer, event, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.catalog.models import Category, Image, Product, Size, Variant, Vendor
from core.db import Base

WATCHED = (Product, Category, Vendor, Variant, Image, Size)
LIVE_COLUMNS = {Size: {"stock"}}  # columns that move without a version bump (read live)


class CatalogVersion(Base):
    __tablename__ = "catalog_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


def current(db) -> int:
    return db.execute(select(CatalogVersion.version).where(CatalogVersion.id == 1)).scalar() or 0


def bump(connection_or_session) -> None:
    connection_or_session.execute(
        update(CatalogVersion.__table__).where(CatalogVersion.__table__.c.id == 1)
        .values(version=CatalogVersion.__table__.c.version + 1))


# Every write bumps (not once per transaction): a count cached between two writes of one
# transaction is then keyed by a version nobody will ask for after the second write.
@event.listens_for(Session, "after_flush")
def _after_flush(session, context):
    if any(isinstance(obj, WATCHED) for group in (session.new, session.deleted) for obj in group) or \
            any(isinstance(obj, WATCHED) and _shape_changed(obj) for obj in session.dirty):
        bump(session.connection())


def _shape_changed(obj) -> bool:
    """Whether a dirty ``obj`` changed a column other than those read live (a size's stock)."""
    live = LIVE_COLUMNS.get(type(obj))
    if not live:
        return True
    state = sa_inspect(obj)
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in live)


def _sets_only_live(state) -> bool:
    live = LIVE_COLUMNS.get(state.bind_mapper.class_)
    values = getattr(state.statement, "_values", None)
    if not live or not values or not state.is_update:
        return False
    names = {getattr(key, "key", getattr(key, "name", key)) for key in values}
    return names <= live


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state):
    if state.is_update or state.is_delete:
        mapper = state.bind_mapper
        if mapper is not None and issubclass(mapper.class_, WATCHED) and not _sets_only_live(state):
            bump(state.session.connection())


class VersionedCache:
    """A small per-worker LRU keyed by (catalog version, key)."""

    def __init__(self, size: int = 2048):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.versions_held: dict = {}  # key -> how many versions of it are held
        self.lock = threading.Lock()

    def knows(self, key) -> bool:
        """Whether some version of ``key`` is held: if not, no version can be found (the fast
        answers then skip their statement)."""
        return key in self.versions_held

    def peek(self, version: int, key):
        """The entry of ``(version, key)`` or None, never computing it."""
        with self.lock:
            return self.entries.get((version, key))

    def get_or_compute(self, version: int, key, compute):
        full = (version, key)
        with self.lock:
            if full in self.entries:
                self.entries.move_to_end(full)
                return self.entries[full]
        value = compute()
        with self.lock:
            if full not in self.entries:
                self.versions_held[key] = self.versions_held.get(key, 0) + 1
            self.entries[full] = value
            while len(self.entries) > self.size:
                (_, dropped), _ = self.entries.popitem(last=False)
                held = self.versions_held.pop(dropped) - 1
                if held:
                    self.versions_held[dropped] = held
        return value


SIZES = {"pages": 512, "details": 4096}  # whole list pages are ~8 KB each; counts and the tree are tiny


def cache_of(request, name: str) -> VersionedCache:
    return registry_cache(request.registry, name)


def registry_cache(registry, name: str) -> VersionedCache:
    """The worker's cache ``name`` (made on first use)."""
    key = f"agora.catalog.cache.{name}"
    if key not in registry:
        registry[key] = VersionedCache(SIZES.get(name, 2048))
    return registry[key]
