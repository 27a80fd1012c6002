"""Factories for the objects tests need: users of each role, products with variants and sizes.

One factory per domain object, sensible defaults: ``make_user(role=...)``,
``make_vendor(status=..., name=...)``,
``make_product(price=..., stock=..., sizes=..., variants=..., vendor=..., category=...)``.
"""
from __future__ import annotations

import secrets

import pytest

TEST_PASSWORD = "correct horse battery staple"

ADDRESS = {"name": "Ada Lovelace", "line1": "12 Analytical St", "city": "London", "postal_code": "N1 9GU",
           "country": "GB"}


@pytest.fixture
def make_user(db):
    """``make_user(role="customer", verified=True, email=None, password=TEST_PASSWORD)`` → User."""
    from core.accounts.models import User
    from core.accounts.passwords import hash_password

    hashed = hash_password(TEST_PASSWORD)

    def make(role: str = "customer", verified: bool = True, email: str | None = None,
             password: str = TEST_PASSWORD, **fields):
        user = User(email=email or f"{role}-{secrets.token_hex(4)}@example.com",
                    password_hash=hashed if password == TEST_PASSWORD else hash_password(password),
                    role=role, is_active=verified, email_verified=verified, **fields)
        db.add(user)
        db.flush()
        return user

    return make


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
def make_vendor(db, make_user):
    """``make_vendor(status="approved", name=None)`` → a Vendor row with its own user (``vendor.user``;
    role ``vendor`` when approved, else ``customer``)."""
    from core.catalog.models import Vendor

    def make(status: str = "approved", name: str | None = None) -> Vendor:
        user = make_user("vendor" if status == "approved" else "customer")
        tag = secrets.token_hex(3)
        name = name or f"Store {tag}"
        vendor = Vendor(user_id=user.id, name=name, slug=f"{name.lower().replace(' ', '-')}-{tag}",
                        description="", status=status)
        db.add(vendor)
        db.flush()
        vendor.user = user
        return vendor

    return make


@pytest.fixture
def make_product(db):
    """``make_product(price=1999, stock=5, sizes=("M",), variants=("Red",), vendor=None, category=None,
    variant_price=None, name=None)`` → Product with its variants and sizes (summary columns refreshed)."""
    from core.catalog.models import Category, Product, Size, Variant
    from core.catalog.summary import refresh_products

    def make(price: int = 1999, stock: int = 5, sizes=("M",), variants=("Red",), vendor=None, category=None,
             variant_price=None, name=None, is_active=True):
        if category is None:
            slug = f"cat-{secrets.token_hex(4)}"
            category = Category(name=slug, slug=slug)
            db.add(category)
            db.flush()
        name = name or f"Product {secrets.token_hex(3)}"
        product = Product(name=name, slug=name.lower().replace(" ", "-") + "-" + secrets.token_hex(2),
                          description=f"About {name}", price=price, currency="USD", category_id=category.id,
                          vendor_id=vendor.id if vendor is not None else None, is_active=is_active)
        db.add(product)
        db.flush()
        for position, variant_name in enumerate(variants):
            variant = Variant(product_id=product.id, name=variant_name, sku=f"{product.slug}-{position}",
                              price=variant_price, position=position)
            db.add(variant)
            db.flush()
            for index, label in enumerate(sizes):
                db.add(Size(variant_id=variant.id, label=label, sku=f"{variant.sku}-{label}", stock=stock,
                            position=index))
        db.flush()
        refresh_products(db, [product.id])
        db.refresh(product)
        return product

    return make


def sizes_of(db, product) -> list:
    """The Size rows of a product, in variant/size order."""
    from sqlalchemy import select

    from core.catalog.models import Size, Variant

    return db.execute(select(Size).join(Variant).where(Variant.product_id == product.id)
                      .order_by(Variant.position, Size.position)).scalars().all()


def committed_size(url: str, stock: int, price: int = 1000) -> int:
    """A product with one variant and one size of ``stock`` units, committed for real on the
    scratch database ``url`` (for races); returns the size id."""
    import uuid

    from core.catalog.models import Category, Product, Size, Variant
    from core.catalog.summary import refresh_products
    from core.testing.database import committed_session

    with committed_session(url) as db, db.begin():
        slug = f"c-{uuid.uuid4().hex[:8]}"
        category = Category(name=slug, slug=slug)
        db.add(category)
        db.flush()
        product = Product(name="Race tee", slug=f"race-{slug}", price=price, category_id=category.id)
        db.add(product)
        db.flush()
        variant = Variant(product_id=product.id, name="Black", sku=f"{slug}-b")
        db.add(variant)
        db.flush()
        size = Size(variant_id=variant.id, label="M", sku=f"{slug}-b-m", stock=stock)
        db.add(size)
        db.flush()
        refresh_products(db, [product.id])
        return size.id
