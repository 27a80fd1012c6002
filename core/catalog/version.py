"""The catalog version: one counter bumped in every transaction that changes what public
catalog lists could show, so that list counts and the category tree can be cached per
worker and still be exact.

The bump happens automatically: a session listener sees products, categories and vendors
being written (ORM flushes, and ORM ``update``/``delete`` statements such as
``refresh_products``) and increments the counter in the same transaction.  Stock moves alone
do not bump it: lists see stock only through ``products.in_stock``, which changes through
``refresh_products``.  Readers pay one primary-key lookup per request; every worker's cache
entry for an older version is simply never asked for again.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import BigInteger, Integer, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.catalog.models import Category, Product, Vendor
from core.db import Base

WATCHED = (Product, Category, Vendor)


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
    if any(isinstance(obj, WATCHED) for group in (session.new, session.dirty, session.deleted) for obj in group):
        bump(session.connection())


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state):
    if state.is_update or state.is_delete:
        mapper = state.bind_mapper
        if mapper is not None and issubclass(mapper.class_, WATCHED):
            bump(state.session.connection())


class VersionedCache:
    """A small per-worker LRU keyed by (catalog version, key)."""

    def __init__(self, size: int = 2048):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get_or_compute(self, version: int, key, compute):
        full = (version, key)
        with self.lock:
            if full in self.entries:
                self.entries.move_to_end(full)
                return self.entries[full]
        value = compute()
        with self.lock:
            self.entries[full] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value


SIZES = {"pages": 512}  # whole list pages are ~8 KB each; counts and the tree are tiny


def cache_of(request, name: str) -> VersionedCache:
    registry = request.registry
    key = f"agora.catalog.cache.{name}"
    if key not in registry:
        registry[key] = VersionedCache(SIZES.get(name, 2048))
    return registry[key]
