"""Factories for the objects tests need: users of each role, vendors, products with variants and sizes.

One factory per domain object, one signature. Each is a function of a session
(``new_user(db, ...)``, ``new_vendor(db, ...)``, ``new_product(db, ...)``: for rows committed on
another session, e.g. races on a scratch database) and a fixture that is the same function bound to
the test's ``db`` (``make_user(...)``, ``make_vendor(...)``, ``make_product(...)``):

* ``make_user(role="customer", verified=True, email=None, password=TEST_PASSWORD, **columns)`` → User;
* ``make_vendor(status="approved", name=None, user=None)`` → Vendor, ``vendor.user`` its owner (a new
  user of role ``vendor`` when approved, else ``customer``, unless ``user`` is given);
* ``make_product(price=1999, stock=5, sizes=("M",), variants=("Red",), ...)`` → Product (see
  :func:`new_product`); ``sizes_of(db, product)`` gives its sizes in order.
"""
from __future__ import annotations

import functools
import secrets
from datetime import timedelta

import pytest

TEST_PASSWORD = "correct horse battery staple"

ADDRESS = {"name": "Ada Lovelace", "line1": "12 Analytical St", "city": "London", "postal_code": "N1 9GU",
           "country": "GB"}


@functools.cache
def _test_password_hash() -> str:
    from core.accounts.passwords import hash_password

    return hash_password(TEST_PASSWORD)


def new_user(db, role: str = "customer", verified: bool = True, email: str | None = None,
             password: str = TEST_PASSWORD, **columns):
    """A User of ``role`` (active and verified unless ``verified=False``); ``columns`` set the rest."""
    from core.accounts.models import User
    from core.accounts.passwords import hash_password

    user = User(email=email or f"{role}-{secrets.token_hex(4)}@example.com",
                password_hash=_test_password_hash() if password == TEST_PASSWORD else hash_password(password),
                role=role, is_active=verified, email_verified=verified, **columns)
    db.add(user)
    db.flush()
    return user


def new_vendor(db, status: str = "approved", name: str | None = None, user=None):
    """A Vendor of ``status`` owned by ``user`` (a new user when not given), as ``vendor.user``."""
    from core.catalog.models import Vendor

    user = user or new_user(db, "vendor" if status == "approved" else "customer")
    tag = secrets.token_hex(3)
    name = name or f"Store {tag}"
    vendor = Vendor(user_id=user.id, name=name, slug=f"{name.lower().replace(' ', '-')}-{tag}",
                    description="", status=status)
    db.add(vendor)
    db.flush()
    vendor.user = user
    return vendor


def new_product(db, *, price: int = 1999, stock: int = 5, sizes=("M",), variants=("Red",), variant_price=None,
                images: int = 0, vendor=None, category=None, name: str | None = None, slug: str | None = None,
                description: str = "", currency: str = "USD", is_active: bool = True, age_days: float = 0):
    """A Product with its variants, sizes and images, its summary columns refreshed.

    Prices are minor units. ``variants`` are names, each variant with ``variant_price``, ``images``
    images and ``sizes``: labels (each with ``stock`` units) or ``{label: stock}``. A variant that
    differs is a dict of those keys (``{"name", "price", "sizes", "stock", "images", "active"}``), e.g.
    ``variants=[{"price": 2500, "sizes": {"S": 0, "M": 3}, "images": 2}, {"active": False}]``.
    ``category`` defaults to a new one; ``age_days`` dates the product back; the slug and SKUs are
    unique unless ``slug`` is given.
    """
    from core.catalog.models import Category, Image, Product, Size, Variant
    from core.catalog.summary import refresh_products
    from core.db import utcnow

    tag = secrets.token_hex(3)
    if category is None:
        category = Category(name=f"Category {tag}", slug=f"cat-{tag}")
        db.add(category)
        db.flush()
    name = name or f"Product {tag}"
    slug = slug or f"{name.lower().replace(' ', '-')}-{tag}"
    created = utcnow() - timedelta(days=age_days)
    product = Product(name=name, slug=slug, description=description, price=price, currency=currency,
                      category_id=category.id, vendor_id=vendor.id if vendor is not None else None,
                      is_active=is_active, created_at=created, updated_at=created)
    db.add(product)
    db.flush()
    # Rows linked by ids, not relationships: no reference cycle keeps stale rows alive in the session.
    for position, spec in enumerate(variants):
        spec = {"name": spec} if isinstance(spec, str) else spec
        labels = spec.get("sizes", sizes)
        stocks = labels if isinstance(labels, dict) else dict.fromkeys(labels, spec.get("stock", stock))
        variant = Variant(product_id=product.id, name=spec.get("name", f"Colour {position}"),
                          sku=f"{slug}-{position}", price=spec.get("price", variant_price), position=position,
                          is_active=spec.get("active", True))
        db.add(variant)
        db.flush()
        db.add_all([Size(variant_id=variant.id, label=label, sku=f"{variant.sku}-{label}", stock=units, position=index)
                    for index, (label, units) in enumerate(stocks.items())])
        db.add_all([Image(variant_id=variant.id, url=f"https://img.example/{variant.sku}/{index}.jpg", alt=name,
                          position=index) for index in range(spec.get("images", images))])
    db.flush()
    refresh_products(db, [product.id])
    db.refresh(product, ["min_price", "max_price", "in_stock", "image_url"])
    return product


@pytest.fixture
def make_user(db):
    """``make_user(role="customer", verified=True, email=None, password=TEST_PASSWORD)`` → User."""
    return functools.partial(new_user, db)


@pytest.fixture
def customer(make_user):
    return make_user("customer")


@pytest.fixture
def manager(make_user):
    return make_user("manager")


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def make_vendor(db):
    """``make_vendor(status="approved", name=None, user=None)`` → Vendor (``vendor.user``: its owner)."""
    return functools.partial(new_vendor, db)


@pytest.fixture
def make_product(db):
    """``make_product(price=1999, stock=5, sizes=("M",), variants=("Red",), ...)`` → Product (see
    :func:`new_product`)."""
    return functools.partial(new_product, db)


def sizes_of(db, product) -> list:
    """The Size rows of a product, in variant/size order."""
    from sqlalchemy import select

    from core.catalog.models import Size, Variant

    return db.execute(select(Size).join(Variant).where(Variant.product_id == product.id)
                      .order_by(Variant.position, Size.position)).scalars().all()


def committed_size(url: str, stock: int, price: int = 1000) -> int:
    """A product with one variant and one size of ``stock`` units, committed for real on the
    scratch database ``url`` (for races); returns the size id."""
    from core.testing.database import committed_session

    with committed_session(url) as db, db.begin():
        return sizes_of(db, new_product(db, price=price, stock=stock))[0].id
