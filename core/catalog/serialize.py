"""Products as JSON (docs/api.md › Catalog): the one place that turns product rows into answers.

Other subsystems (the vendors plugin, the cart, the wishlist) call these two functions so that
every product in every answer looks the same.  Both issue a *constant* number of SQL
statements however many products, variants, sizes or images there are:

* :func:`product_summaries` — none when each product's ``category`` and ``vendor`` are already
  loaded (``contains_eager``/``joinedload``), else one ``IN`` query for all of them;
* :func:`product_detail` — that, plus one query each for the active variants, their active
  sizes and their images.

Prices come from the denormalized ``products.min_price`` (kept by ``core.catalog.summary``);
a variant's price is its override or the product's base price.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import and_, inspect, select

from core.catalog.categories import load_all, tree
from core.catalog.models import Category, Image, Product, Size, Variant, Vendor, unit_price
from core.money import format_minor
from core.orders.reservations import available_column


def _labels(db, products: Sequence[Product]) -> dict[int, tuple[dict, dict | None]]:
    """``{product id: (category, vendor|None)}`` as ``{slug, name}`` dicts, in ≤ 1 statement."""
    labels: dict[int, tuple[dict, dict | None]] = {}
    missing = []
    for product in products:
        unloaded = inspect(product).unloaded
        if "category" in unloaded or "vendor" in unloaded:
            missing.append(product.id)
            continue
        vendor = product.vendor
        labels[product.id] = (
            {"slug": product.category.slug, "name": product.category.name},
            None if vendor is None else {"slug": vendor.slug, "name": vendor.name},
        )
    if missing:
        rows = db.execute(
            select(Product.id, Category.slug, Category.name, Vendor.slug, Vendor.name)
            .join(Category, Category.id == Product.category_id)
            .outerjoin(Vendor, Vendor.id == Product.vendor_id)
            .where(Product.id.in_(missing))
        )
        for pid, cat_slug, cat_name, vendor_slug, vendor_name in rows:
            vendor = None if vendor_slug is None else {"slug": vendor_slug, "name": vendor_name}
            labels[pid] = ({"slug": cat_slug, "name": cat_name}, vendor)
    return labels


def _summary(product: Product, labels: tuple[dict, dict | None]) -> dict:
    category, vendor = labels
    return {
        "id": product.id,
        "slug": product.slug,
        "name": product.name,
        "price": format_minor(product.min_price, product.currency),
        "currency": product.currency,
        "category": category,
        "vendor": vendor,
        "image": product.image_url,
        "in_stock": bool(product.in_stock),
    }


def product_summaries(db, products: Sequence[Product]) -> list[dict]:
    """docs/api.md product summaries, in the order given."""
    labels = _labels(db, products)
    return [_summary(p, labels[p.id]) for p in products]


def _variants_json(db, product: Product, public: bool = True) -> list[dict]:
    """The active variants of ``product`` with their active sizes (one statement) and images (one)."""
    # ``stock`` is what a buyer may still take: units held for others' payments are not in it.
    rows = db.execute(
        select(Variant, Size, available_column() if public else Size.stock)
        .outerjoin(Size, and_(Size.variant_id == Variant.id, Size.is_active.is_(True)))
        .where(Variant.product_id == product.id, Variant.is_active.is_(True))
        .order_by(Variant.position, Variant.id, Size.position, Size.id)
    ).all()
    variants = list({variant.id: variant for variant, _size, _units in rows}.values())
    sizes: dict[int, list[dict]] = defaultdict(list)
    images: dict[int, list[dict]] = defaultdict(list)
    for variant, size, units in rows:
        if size is None:
            continue
        units = max(0, int(units))
        sizes[variant.id].append({
            "id": size.id, "label": size.label, "sku": size.sku,
            "stock": units, "in_stock": units > 0,
        })
    if variants:
        for image in db.execute(
            select(Image).where(Image.variant_id.in_([v.id for v in variants])).order_by(Image.position, Image.id)
        ).scalars():
            images[image.variant_id].append({"id": image.id, "url": image.url, "alt": image.alt})
    currency = product.currency
    return [{
        "id": v.id,
        "name": v.name,
        "hex_code": v.hex_code,
        "sku": v.sku,
        "price": format_minor(unit_price(product, v), currency),
        "images": images[v.id],
        "sizes": sizes[v.id],
    } for v in variants]


def product_detail(db, product: Product, public: bool = True) -> dict:
    """docs/api.md product detail: the summary plus description, active variants (with active sizes
    and images), timestamps and ``is_active`` (≤ 3 statements).  ``public``: a size's ``stock`` is
    what a buyer may take (stock − live reservations); False (the vendor's own view) shows the
    stored stock, the number a vendor edits."""
    detail = product_summaries(db, [product])[0]
    detail.update({
        "description": product.description,
        "is_active": bool(product.is_active),
        "variants": _variants_json(db, product, public),
        "created_at": product.created_at.isoformat(),
        "updated_at": product.updated_at.isoformat(),
    })
    return detail


def vendor_json(vendor) -> dict:
    """A vendor (application or store) as the vendor and manager services show it."""
    return {
        "id": vendor.id,
        "user_id": vendor.user_id,
        "store_name": vendor.name,
        "name": vendor.name,
        "slug": vendor.slug,
        "description": vendor.description,
        "status": vendor.status,
        "status_reason": vendor.status_reason,
        "created_at": vendor.created_at.isoformat(),
        "decided_at": vendor.decided_at.isoformat() if vendor.decided_at else None,
    }


def category_node(db, category: Category) -> dict:
    """``category`` with its sub-tree as a manager sees it (inactive nodes too), in one statement."""
    return tree(load_all(db, active_only=False), root=category)
