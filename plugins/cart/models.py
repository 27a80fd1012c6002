"""Cart tables: one cart per user or per guest token, one item per size in it.

A guest cart has no user: ``token_hash`` (the SHA-256 of its token, unique) and ``expires_at``
instead (:mod:`plugins.cart.shoppers`).  Exactly one of ``user_id`` and ``token_hash`` is set.

``carts.user_id`` is unique and ``cart_items`` is unique on ``(cart_id, size_id)``: both are
written with upserts (``plugins.cart.cart``), so concurrent requests of one user can neither
create a second cart nor a second row for the same size.  No price is stored: prices are
always read from the current catalog.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.catalog.models import Size
from core.db import Base, UTCDateTime, utcnow

OWNER = {"info": {"owner": "cart"}}


class Cart(Base):
    __tablename__ = "carts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True,
                                                nullable=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (token_hash IS NULL)", name="one_owner"),
        OWNER,
    )


class CartItem(Base):
    """A size in a cart, with how many of it the shopper wants."""

    __tablename__ = "cart_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"))
    size_id: Mapped[int] = mapped_column(ForeignKey("sizes.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    size: Mapped[Size] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("cart_id", "size_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        OWNER,
    )

TABLES = ("carts", "cart_items")  # the tables this package owns (its alembic branch)
