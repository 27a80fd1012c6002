"""Catalog: categories (a tree), vendors, products, variants (colours), sizes (stock), images.

Vendors are a core record because every product belongs to one; the *onboarding* of vendors
(apply, approve, suspend) and vendor product management are the ``vendors`` plugin's.

``products.min_price``, ``max_price``, ``in_stock`` and ``image_url`` are denormalized from
the product's active variants and sizes so that list pages filter and sort on indexed
columns; every write path that changes prices, stock or images calls
``core.catalog.summary.refresh_products`` in the same transaction.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime, utcnow

VENDOR_STATUSES = ("pending", "approved", "rejected", "suspended")


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"), index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Category | None] = relationship(remote_side="Category.id", lazy="raise")


class Vendor(Base):
    __tablename__ = "vendors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected', 'suspended')", name="status"),
    )


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="RESTRICT"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[int] = mapped_column(Integer)  # minor units
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Denormalized from the active variants/sizes/images (see module docstring).
    min_price: Mapped[int] = mapped_column(Integer, default=0)
    max_price: Mapped[int] = mapped_column(Integer, default=0)
    in_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    image_url: Mapped[str | None] = mapped_column(String(500), nullable=True)

    category: Mapped[Category] = relationship(lazy="raise")
    vendor: Mapped[Vendor | None] = relationship(lazy="raise")
    variants: Mapped[list[Variant]] = relationship(
        back_populates="product", order_by="Variant.position, Variant.id", lazy="raise")

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        Index("ix_products_active_created", "is_active", "created_at"),
        Index("ix_products_active_min_price", "is_active", "min_price"),
        Index("ix_products_active_name", "is_active", "name"),
    )


class Variant(Base):
    """A colour (or style) of a product; may override the product's price."""

    __tablename__ = "variants"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    hex_code: Mapped[str | None] = mapped_column(String(7), nullable=True)
    sku: Mapped[str] = mapped_column(String(80))
    price: Mapped[int | None] = mapped_column(Integer, nullable=True)  # override, minor units
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)  # False: retired, kept for orders

    product: Mapped[Product] = relationship(back_populates="variants", lazy="raise")
    sizes: Mapped[list[Size]] = relationship(
        back_populates="variant", order_by="Size.position, Size.id", lazy="raise")
    images: Mapped[list[Image]] = relationship(
        back_populates="variant", order_by="Image.position, Image.id", lazy="raise")

    __table_args__ = (CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),)


class Size(Base):
    """A size of a variant: the unit that is bought and that has stock."""

    __tablename__ = "sizes"

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="RESTRICT"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    sku: Mapped[str] = mapped_column(String(80))
    stock: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    variant: Mapped[Variant] = relationship(back_populates="sizes", lazy="raise")

    __table_args__ = (CheckConstraint("stock >= 0", name="stock_not_negative"),)


def unit_price(product: Product, variant: Variant) -> int:
    """What a size of ``variant`` costs, in minor units: the variant's override, else the product's."""
    return product.price if variant.price is None else variant.price


class Image(Base):
    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    alt: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Set for uploaded files (relative to agora.media_dir); None for external URLs.
    file_name: Mapped[str | None] = mapped_column(String(200), nullable=True)

    variant: Mapped[Variant] = relationship(back_populates="images", lazy="raise")
