"""Keep the denormalized product columns (min/max price, in_stock, image) true.

Call :func:`refresh_products` in the same transaction as any write that changes a product's
variants, sizes, stock, prices or images (vendor edits, checkout, cancellation), and when stock
reservations change (:mod:`core.orders.reservations`): ``in_stock`` counts only units nobody
holds for a payment."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, case, exists, func, select, update

from core.catalog.models import Image, Product, Size, Variant


def refresh_products(db, product_ids: Iterable[int]) -> None:
    from core.orders.reservations import reserved_units  # core.orders imports this module

    ids = sorted(set(product_ids))
    if not ids:
        return
    db.flush()
    effective = case((Variant.price.is_(None), Product.price), else_=Variant.price)
    active_variant = and_(Variant.product_id == Product.id, Variant.is_active.is_(True))
    min_price = select(func.min(effective)).where(active_variant).correlate(Product).scalar_subquery()
    max_price = select(func.max(effective)).where(active_variant).correlate(Product).scalar_subquery()
    in_stock = exists(
        select(Size.id).join(Variant, Size.variant_id == Variant.id)
        .where(active_variant, Size.is_active.is_(True),
               Size.stock - reserved_units(Size.id) > 0)
    ).correlate(Product)
    image = (
        select(Image.url).join(Variant, Image.variant_id == Variant.id)
        .where(active_variant).order_by(Variant.position, Variant.id, Image.position, Image.id)
        .limit(1).correlate(Product).scalar_subquery()
    )
    db.execute(
        update(Product).where(Product.id.in_(ids)).values(
            min_price=func.coalesce(min_price, Product.price),
            max_price=func.coalesce(max_price, Product.price),
            in_stock=in_stock,
            image_url=image,
        ).execution_options(synchronize_session=False)
    )
