"""Vendor product management: create, replace (PUT), change (PATCH) and deactivate products
with their variants, sizes and images in one validated body.

Rules (docs/api.md › Vendors):

* a variant or size with ``id`` is updated, one without is created, and one left out of its
  list is *retired* (``is_active = False``): never deleted, because order lines refer to it;
  a size's stock is only changed when ``stock`` is sent;
* SKUs are unique per vendor (retired rows included); missing ones are generated from the
  product slug, the variant name and the size label;
* amounts are converted with the shop currency (``agora.currency``); another currency → 400;
* every problem is reported at once with its dotted name before anything is written.

After each write the denormalized product columns are refreshed in the same transaction.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from core.catalog.models import Category, Image, Product, Size, Variant, Vendor
from core.catalog.serialize import product_summaries
from core.catalog.slugs import slugify, unique_slug
from core.catalog.summary import refresh_products
from core.errors import AgoraError, not_found
from core.money import to_minor
from plugins.vendors.skus import SkuPlan


class Problems:
    """Collects 400 problems so that the client sees all of them in one answer."""

    def __init__(self):
        self.errors: list[dict] = []

    def add(self, name: str, description: str) -> None:
        self.errors.append({"location": "body", "name": name, "description": description})

    def raise_any(self) -> None:
        if self.errors:
            raise AgoraError(400, self.errors[0]["description"], errors=self.errors)


def owned_product(db, vendor: Vendor, product_id: int) -> Product:
    """The vendor's product ``product_id``; another vendor's is answered as not found."""
    product = db.get(Product, product_id)
    if product is None or product.vendor_id != vendor.id:
        raise not_found("No such product among yours.", name="id")
    return product


def owned_variant(db, product: Product, variant_id: int) -> Variant:
    """The variant of ``product`` with that id; 404 for any other (another product's included)."""
    variant = db.get(Variant, variant_id)
    if variant is None or variant.product_id != product.id:
        raise not_found("No such variant in this product.", name="variant_id")
    return variant


def count_products(db, vendor_id: int) -> int:
    return db.scalar(select(func.count()).select_from(Product).where(Product.vendor_id == vendor_id))


def page_of_products(db, vendor_id: int, offset: int, limit: int) -> list[Product]:
    """The vendor's products, newest first (active or not)."""
    return db.execute(select(Product).where(Product.vendor_id == vendor_id)
                      .order_by(Product.created_at.desc(), Product.id.desc()).offset(offset).limit(limit)).scalars().all()


def summaries_json(db, rows: list[Product]) -> list[dict]:
    """The catalog's product summaries plus ``is_active`` (a vendor sees its inactive products)."""
    return [dict(summary, is_active=row.is_active) for summary, row in zip(product_summaries(db, rows), rows)]


def create_product(db, vendor: Vendor, data: dict, currency: str) -> Product:
    product = Product(vendor_id=vendor.id, currency=currency, is_active=data.get("is_active", True))
    return _write(db, vendor, product, data, currency, new=True)[0]


def update_product(db, vendor: Vendor, product: Product, data: dict, currency: str) -> tuple[Product, list[str]]:
    """PUT and PATCH alike: the schema decides which fields are present (PUT: all).

    Returns the product and the uploaded image files it no longer shows (to delete after
    commit)."""
    return _write(db, vendor, product, data, currency, new=False)


def deactivate(db, product: Product) -> None:
    """DELETE: the product leaves the catalog; its rows stay for order history."""
    product.is_active = False
    db.flush()


def _write(db, vendor, product, data, currency, *, new: bool) -> tuple[Product, list[str]]:
    problems = Problems()
    values = _top_level(db, product, data, currency, problems)
    variants = data.get("variants")
    plan = None
    if variants is not None:
        existing = _existing_rows(db, product) if not new else ({}, {})
        plan = _plan_variants(db, vendor, product, variants, existing, values.get("slug", product.slug),
                              currency, problems)
    problems.raise_any()
    for key, value in values.items():
        setattr(product, key, value)
    product.currency = currency
    if new:
        db.add(product)
    db.flush()
    removed_files: list[str] = []
    if plan is not None:
        removed_files = _apply_variants(db, product, plan)
    refresh_products(db, [product.id])
    db.refresh(product)
    return product, removed_files


def _top_level(db, product, data, currency, problems) -> dict:
    values: dict = {}
    for key in ("name", "description", "is_active"):
        if key in data:
            values[key] = data[key]
    if "currency" in data and data["currency"].upper() != currency:
        problems.add("currency", f"This shop sells in {currency} only.")
    if "price" in data:
        values["price"] = _minor(data["price"], currency, "price", problems)
    if "category" in data:
        category_id = db.scalar(select(Category.id).where(Category.slug == data["category"],
                                                          Category.is_active.is_(True)))
        if category_id is None:
            problems.add("category", f"No active category {data['category']!r}.")
        values["category_id"] = category_id
    if "slug" in data and data["slug"] != product.slug:
        if db.scalar(select(Product.id).where(Product.slug == data["slug"])) is not None:
            problems.add("slug", f"The slug {data['slug']!r} is already used by another product.")
        values["slug"] = data["slug"]
    elif product.slug is None and "name" in data:
        values["slug"] = unique_slug(db, Product.slug, data["name"], max_length=200)
    return values


def _minor(amount: Decimal, currency: str, name: str, problems: Problems) -> int | None:
    try:
        minor = to_minor(amount, currency)
    except ValueError as exc:
        problems.add(name, f"Not a valid {currency} amount: {exc}.")  # incl. beyond the 32-bit column
        return None
    return minor


def _existing_rows(db, product) -> tuple[dict[int, Variant], dict[int, Size]]:
    variants = {v.id: v for v in db.execute(select(Variant).where(Variant.product_id == product.id)).scalars()}
    sizes = {s.id: s for s in db.execute(select(Size).where(Size.variant_id.in_(list(variants)))).scalars()} \
        if variants else {}
    return variants, sizes


def _plan_variants(db, vendor, product, variants, existing, product_slug, currency, problems) -> dict:
    """Check ids, prices and SKUs of the body; return what to write (nothing written yet)."""
    known_variants, known_sizes = existing
    skus = SkuPlan(db, vendor.id)
    plan = []
    for i, vdata in enumerate(variants):
        where = f"variants.{i}"
        variant = known_variants.get(vdata["id"]) if "id" in vdata else None
        if "id" in vdata and variant is None:
            problems.add(f"{where}.id", f"Variant {vdata['id']} is not a variant of this product.")
        price = vdata.get("price")
        if price is not None:
            vdata["price"] = _minor(price, currency, f"{where}.price", problems)
        name = vdata.get("name") or (variant.name if variant else "")
        skus.want(f"{where}.sku", ("variant", variant.id if variant else None), vdata.get("sku"),
                  current=variant.sku if variant else None,
                  base=f"{product_slug}-{slugify(name, 30, 'v')}")
        for j, sdata in enumerate(vdata.get("sizes") or []):
            size = known_sizes.get(sdata["id"]) if "id" in sdata else None
            if "id" in sdata and (size is None or variant is None or size.variant_id != variant.id):
                problems.add(f"{where}.sizes.{j}.id", f"Size {sdata['id']} is not a size of this variant.")
                size = None
            label = sdata.get("label") or (size.label if size else "")
            skus.want(f"{where}.sizes.{j}.sku", ("size", size.id if size else None), sdata.get("sku"),
                      current=size.sku if size else None,
                      base_of=f"{where}.sku", suffix=slugify(label, 20, "s"))
            sdata["_row"] = size
        plan.append({"data": vdata, "row": variant})
    assigned = skus.resolve(problems) if not problems.errors else {}
    if assigned:
        for i, entry in enumerate(plan):
            entry["sku"] = assigned[f"variants.{i}.sku"]
            for j, sdata in enumerate(entry["data"].get("sizes") or []):
                sdata["_sku"] = assigned[f"variants.{i}.sizes.{j}.sku"]
    plan_retire = [v for vid, v in known_variants.items()
                   if vid not in {e["row"].id for e in plan if e["row"] is not None}]
    return {"entries": plan, "retire": plan_retire}


def _apply_variants(db, product, plan) -> list[str]:
    """Write the checked plan; returns uploaded image files that were dropped."""
    removed: list[str] = []
    for variant in plan["retire"]:
        variant.is_active = False
    for position, entry in enumerate(plan["entries"]):
        vdata, variant = entry["data"], entry["row"]
        if variant is None:
            variant = Variant(product_id=product.id, price=None)
            db.add(variant)
        variant.is_active = True
        variant.position = position
        variant.sku = entry["sku"]
        for key in ("name", "hex_code", "price"):
            if key in vdata:
                setattr(variant, key, vdata[key])
        db.flush()
        if "sizes" in vdata:
            _apply_sizes(db, variant, vdata["sizes"])
        if "images" in vdata:
            removed += _apply_images(db, variant, vdata["images"])
    return removed


def _apply_sizes(db, variant: Variant, sizes: list[dict]) -> None:
    kept = set()
    for position, sdata in enumerate(sizes):
        size = sdata["_row"]
        if size is None:
            size = Size(variant_id=variant.id, stock=0)
            db.add(size)
        size.is_active = True
        size.position = position
        size.sku = sdata["_sku"]
        for key in ("label", "stock"):
            if key in sdata:
                setattr(size, key, sdata[key])
        db.flush()
        kept.add(size.id)
    for size in db.execute(select(Size).where(Size.variant_id == variant.id)).scalars():
        if size.id not in kept:
            size.is_active = False


def _apply_images(db, variant: Variant, images: list[dict]) -> list[str]:
    """The variant's images become exactly ``images`` (matched by URL, uploads included)."""
    current = {img.url: img for img in db.execute(select(Image).where(Image.variant_id == variant.id)).scalars()}
    removed = []
    wanted = set()
    for position, idata in enumerate(images):
        image = current.get(idata["url"])
        if image is None:
            image = Image(variant_id=variant.id, url=idata["url"])
            db.add(image)
        image.alt = idata["alt"]
        image.position = position
        wanted.add(idata["url"])
    for url, image in current.items():
        if url not in wanted:
            if image.file_name:
                removed.append(image.file_name)
            db.delete(image)
    db.flush()
    return removed

