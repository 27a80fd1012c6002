"""Catalog rows for cart and wishlist tests: a product with one variant and its sizes."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from core.accounts.models import User
from core.catalog.models import Category, Product, Size, Variant, Vendor
from core.catalog.summary import refresh_products
from core.money import to_minor


@dataclass
class Made:
    product: Product
    variant: Variant
    sizes: list[Size]

    @property
    def size(self) -> Size:
        return self.sizes[0]


def make_vendor(db, status: str = "approved") -> Vendor:
    tag = secrets.token_hex(4)
    user = User(email=f"vendor-{tag}@example.com", password_hash="x", role="vendor",
                is_active=True, email_verified=True)
    db.add(user)
    db.flush()
    vendor = Vendor(user_id=user.id, name=f"Vendor {tag}", slug=f"vendor-{tag}", status=status)
    db.add(vendor)
    db.flush()
    return vendor


def make_product(db, *, price: str = "19.99", variant_price: str | None = None, stock: int = 10,
                 labels: tuple[str, ...] = ("M",), vendor: Vendor | None = None, is_active: bool = True,
                 currency: str = "USD") -> Made:
    """A product sold in ``labels`` sizes, each with ``stock``; prices are decimal strings."""
    tag = secrets.token_hex(4)
    category = Category(name=f"Cat {tag}", slug=f"cat-{tag}")
    db.add(category)
    db.flush()
    product = Product(name=f"Shirt {tag}", slug=f"shirt-{tag}", category_id=category.id,
                      vendor_id=vendor.id if vendor else None, price=to_minor(price, currency),
                      currency=currency, is_active=is_active)
    db.add(product)
    db.flush()
    variant = Variant(product_id=product.id, name="Blue", sku=f"SKU-{tag}",
                      price=None if variant_price is None else to_minor(variant_price, currency))
    db.add(variant)
    db.flush()
    sizes = [Size(variant_id=variant.id, label=label, sku=f"SKU-{tag}-{label}", stock=stock, position=i)
             for i, label in enumerate(labels)]
    db.add_all(sizes)
    db.flush()
    refresh_products(db, [product.id])
    db.refresh(product)
    return Made(product, variant, sizes)


def bearer(app, user) -> dict:
    """Log ``user`` in on a WebTest ``app`` and return its Authorization header."""
    from core.testing import TEST_PASSWORD

    token = app.post_json("/api/auth/login/", {"email": user.email, "password": TEST_PASSWORD}).json["access"]
    return {"Authorization": f"Bearer {token}"}
