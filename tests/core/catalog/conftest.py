"""Catalog fixtures: categories, vendors and products built straight in the test session."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from core.catalog.models import Category, Image, Product, Size, Variant, Vendor
from core.catalog.summary import refresh_products

_seq = itertools.count(1)


@pytest.fixture
def make_category(db):
    """``make_category("Shoes", parent=None, active=True)`` → Category (slug from the name)."""

    def make(name: str, parent: Category | None = None, active: bool = True, slug: str | None = None):
        category = Category(name=name, slug=slug or f"{name.lower().replace(' ', '-')}",
                            parent_id=parent.id if parent else None, is_active=active)
        db.add(category)
        db.flush()
        return category

    return make


@pytest.fixture
def make_vendor(db, make_user):
    """``make_vendor("Acme", status="approved")`` → Vendor with its own vendor user."""

    def make(name: str = "Acme", status: str = "approved"):
        n = next(_seq)
        vendor = Vendor(user_id=make_user("vendor").id, name=name, slug=f"{name.lower()}-{n}", status=status)
        db.add(vendor)
        db.flush()
        return vendor

    return make


@pytest.fixture
def make_product(db):
    """``make_product(category, "Red shoe", price=1999, variants=[{"price": None, "stocks": [3, 0],
    "images": 2}], description="", vendor=None, active=True, age_days=0)`` → Product with its
    denormalized columns refreshed."""

    def make(category, name, *, price=1000, variants=None, description="", vendor=None,
             active=True, age_days=0, slug=None):
        n = next(_seq)
        created = datetime.now(UTC) - timedelta(days=age_days, seconds=n)
        product = Product(category_id=category.id, vendor_id=vendor.id if vendor else None, name=name,
                          slug=slug or f"p{n}-{name.lower().replace(' ', '-')}", description=description,
                          price=price, currency="USD", is_active=active, created_at=created, updated_at=created)
        db.add(product)
        db.flush()
        for position, spec in enumerate(variants if variants is not None else [{}]):
            variant = Variant(product_id=product.id, name=spec.get("name", f"Colour {position}"),
                              sku=f"SKU-{n}-{position}", price=spec.get("price"), position=position,
                              is_active=spec.get("active", True))
            db.add(variant)
            db.flush()
            for i, stock in enumerate(spec.get("stocks", [5])):
                db.add(Size(variant_id=variant.id, label=f"S{i}", sku=f"SKU-{n}-{position}-{i}", stock=stock,
                            position=i))
            for i in range(spec.get("images", 1)):
                db.add(Image(variant_id=variant.id, url=f"https://img.example/{n}/{position}/{i}.jpg",
                             alt=name, position=i))
        refresh_products(db, [product.id])
        db.expire(product)
        return product

    return make


@pytest.fixture
def statements(engine):
    """A list that records every SQL statement run while the test executes."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)
