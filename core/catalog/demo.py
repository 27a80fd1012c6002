"""``agora CONFIG demo-data``: a realistic demo catalog, loaded fast.

Approved vendors (with ``vendor`` users), a two-level category tree and ``n_products``
products with 1-4 colours × 3-6 sizes, stock, prices and image URLs.  Rows go in with Core
``INSERT … executemany`` in batches (ids come back through ``RETURNING``), and the
denormalized product columns are computed here rather than by ``refresh_products``, so
100 000 products load into PostgreSQL in a couple of minutes.  Deterministic for a given
``seed`` (slugs carry a run tag, so the command can be run again).

Every run (also ``--if-empty`` on a loaded database) makes sure one ready account per role
exists, all with the password ``demo-password-1234`` (:data:`DEMO_ACCOUNTS`): a manager, an
approved vendor that owns part of the catalog, and a customer; the other demo vendors are
``vendor{N}-{runtag}@demo.agora.test``.
"""
from __future__ import annotations

import random
import secrets
import time
from datetime import timedelta

from sqlalchemy import func, insert, select

from core.accounts.models import User
from core.accounts.passwords import hash_password
from core.catalog.models import Category, Image, Product, Size, Variant, Vendor
from core.catalog.slugs import slugify
from core.catalog.version import bump
from core.db import engine_from_settings, utcnow

BATCH = 2000
DEMO_PASSWORD = "demo-password-1234"
DEMO_ACCOUNTS = {"manager": "manager@demo.agora.test", "vendor": "vendor@demo.agora.test",
                 "customer": "customer@demo.agora.test"}
DEMO_VENDOR_NAME = "Agora Demo Vendor"
TREE = {
    "Women": ["Dresses", "Tops", "Jeans", "Shoes"], "Men": ["Shirts", "Trousers", "Jackets", "Shoes"],
    "Kids": ["Baby", "Boys", "Girls"], "Accessories": ["Bags", "Hats", "Scarves", "Belts"],
}
SIZES = {"Shoes": [str(n) for n in range(36, 46)], "Baby": ["0-3m", "3-6m", "6-12m", "12-18m", "18-24m"],
         "Hats": ["S", "M", "L"], "Belts": ["80", "85", "90", "95", "100", "105"]}
CLOTHING = ["XXS", "XS", "S", "M", "L", "XL", "XXL"]
COLOURS = [("Black", "#000000"), ("White", "#ffffff"), ("Navy", "#1f2a44"), ("Red", "#c0392b"),
           ("Olive", "#708238"), ("Beige", "#d8c3a5"), ("Grey", "#808080"), ("Mustard", "#e1ad01")]
ADJECTIVES = ["Classic", "Relaxed", "Slim", "Organic", "Vintage", "Everyday", "Premium", "Lightweight",
              "Cosy", "Tailored", "Oversized", "Recycled"]
MATERIALS = ["cotton", "linen", "wool", "denim", "leather", "silk", "cashmere", "canvas", "suede"]
VENDOR_WORDS = ["North", "Atelier", "Urban", "Field", "Harbor", "Maple", "Studio", "Loom", "Cedar", "Echo"]


def load_demo_data(settings, n_products: int, if_empty: bool = False, vendors: int = 8, seed: int = 42) -> int:
    """Load the demo catalog; returns how many products were created (0 when skipped)."""
    rng = random.Random(seed)
    engine = engine_from_settings(settings)
    tag = secrets.token_hex(3)
    started = time.monotonic()
    try:
        with engine.begin() as conn:
            demo_vendor_id = ensure_demo_accounts(conn)
            if if_empty and conn.execute(select(func.count()).select_from(Product)).scalar_one():
                print("demo-data: products exist, nothing to do (--if-empty)")
                print_demo_accounts()
                return 0
            leaves = _categories(conn)
            vendor_ids = [demo_vendor_id] + _vendors(conn, rng, max(vendors - 1, 0), tag)
            print(f"demo-data: {len(leaves)} categories, {len(vendor_ids)} vendors")
            done = 0
            while done < n_products:
                size = min(BATCH, n_products - done)
                _products(conn, rng, done, size, leaves, vendor_ids, tag)
                done += size
                print(f"demo-data: {done}/{n_products} products ({time.monotonic() - started:.1f} s)", flush=True)
            bump(conn)  # Core inserts bypass the session listener: tell running workers' caches
    finally:
        engine.dispose()
    print_demo_accounts()
    return n_products


def ensure_demo_accounts(conn) -> int:
    """Create the missing :data:`DEMO_ACCOUNTS` (verified, active) and the demo vendor's approved
    shop; returns the shop's vendor id.  Existing accounts are left as they are."""
    existing = dict(conn.execute(select(User.email, User.id).where(User.email.in_(DEMO_ACCOUNTS.values()))).all())
    missing = [(role, email) for role, email in DEMO_ACCOUNTS.items() if email not in existing]
    if missing:
        hashed, now = hash_password(DEMO_PASSWORD), utcnow()
        for role, email in missing:
            existing[email] = conn.execute(insert(User).values(
                email=email, password_hash=hashed, first_name="Demo", last_name=role.capitalize(), role=role,
                is_active=True, email_verified=True, date_joined=now).returning(User.id)).scalar_one()
    owner = existing[DEMO_ACCOUNTS["vendor"]]
    vendor_id = conn.execute(select(Vendor.id).where(Vendor.user_id == owner)).scalar()
    if vendor_id is None:
        now = utcnow()
        vendor_id = conn.execute(insert(Vendor).values(
            user_id=owner, name=DEMO_VENDOR_NAME, slug=slugify(DEMO_VENDOR_NAME), status="approved",
            description="The demo vendor's own shop.", status_reason="", created_at=now, decided_at=now,
        ).returning(Vendor.id)).scalar_one()
    return vendor_id


def print_demo_accounts() -> None:
    print(f"demo-data: ready accounts, password {DEMO_PASSWORD}:")
    for role, email in DEMO_ACCOUNTS.items():
        print(f"    {role:<9} {email}")


def _categories(conn) -> list[tuple[int, str]]:
    """Get or create the tree; returns the leaves as ``(id, sizing key)``."""
    existing = {slug: id_ for slug, id_ in conn.execute(select(Category.slug, Category.id))}
    leaves = []
    for root, children in TREE.items():
        root_id = existing.get(slugify(root)) or _insert_category(conn, root, slugify(root), None)
        for child in children:
            slug = slugify(f"{root} {child}")
            leaves.append((existing.get(slug) or _insert_category(conn, child, slug, root_id), child))
    return leaves


def _insert_category(conn, name, slug, parent_id) -> int:
    return conn.execute(insert(Category).values(name=name, slug=slug, parent_id=parent_id, is_active=True,
                                                created_at=utcnow()).returning(Category.id)).scalar_one()


def _vendors(conn, rng, count: int, tag: str) -> list[int]:
    if count <= 0:
        return []
    hashed, now = hash_password(DEMO_PASSWORD), utcnow()
    users = [{"email": f"vendor{i + 1}-{tag}@demo.agora.test", "password_hash": hashed, "first_name": "Demo",
              "last_name": f"Vendor {i + 1}", "role": "vendor", "is_active": True, "email_verified": True,
              "date_joined": now} for i in range(count)]
    user_ids = conn.execute(insert(User).returning(User.id, sort_by_parameter_order=True), users).scalars().all()
    rows = []
    for i, user_id in enumerate(user_ids):
        name = f"{rng.choice(VENDOR_WORDS)} {rng.choice(VENDOR_WORDS)} Co {i + 1}"
        rows.append({"user_id": user_id, "name": name, "slug": f"{slugify(name)}-{tag}",
                     "description": f"{name} makes clothes that last.", "status": "approved",
                     "status_reason": "", "created_at": now, "decided_at": now})
    return conn.execute(insert(Vendor).returning(Vendor.id, sort_by_parameter_order=True), rows).scalars().all()


def _products(conn, rng, start: int, count: int, leaves, vendor_ids, tag: str) -> None:
    """Insert ``count`` products with their variants, sizes and images."""
    now = utcnow()
    products, plans = [], []
    for i in range(start, start + count):
        category_id, kind = rng.choice(leaves)
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(MATERIALS)} {kind.lower().rstrip('s')} {i + 1}"
        price = rng.randrange(999, 19999, 100)
        colours = rng.sample(COLOURS, rng.randint(1, 4))
        labels = SIZES.get(kind, CLOTHING)
        n_sizes = min(len(labels), rng.randint(3, 6))
        plan = [(c, None if rng.random() < 0.7 else price + rng.choice([-500, 500, 1000]),
                 [rng.choice([0, 0, 2, 5, 10, 25]) for _ in range(n_sizes)]) for c in colours]
        prices = [p if p is not None else price for _, p, _ in plan]
        created = now - timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        image = f"https://picsum.photos/seed/{tag}-{i + 1}-0/600/800"
        products.append({
            "vendor_id": rng.choice(vendor_ids), "category_id": category_id, "name": name,
            "slug": f"{slugify(name)}-{tag}", "currency": "USD", "is_active": True, "price": price,
            "description": f"A {name.lower()} in soft {rng.choice(MATERIALS)}. Made to be worn every day.",
            "created_at": created, "updated_at": created, "min_price": min(prices), "max_price": max(prices),
            "in_stock": any(s > 0 for _, _, stocks in plan for s in stocks), "image_url": image,
        })
        plans.append((i, plan, labels[:n_sizes]))
    product_ids = conn.execute(insert(Product).returning(Product.id, sort_by_parameter_order=True),
                               products).scalars().all()
    variants, children = [], []
    for product_id, (i, plan, labels) in zip(product_ids, plans):
        for position, ((colour, hex_code), price, stocks) in enumerate(plan):
            sku = f"D{product_id}-{position}"
            variants.append({"product_id": product_id, "name": colour, "hex_code": hex_code, "sku": sku,
                             "price": price, "position": position, "is_active": True})
            children.append((i, position, sku, labels, stocks))
    variant_ids = conn.execute(insert(Variant).returning(Variant.id, sort_by_parameter_order=True),
                               variants).scalars().all()
    sizes, images = [], []
    for variant_id, (i, position, sku, labels, stocks) in zip(variant_ids, children):
        sizes += [{"variant_id": variant_id, "label": label, "sku": f"{sku}-{label}", "stock": stock,
                   "position": n, "is_active": True} for n, (label, stock) in enumerate(zip(labels, stocks))]
        images += [{"variant_id": variant_id, "url": f"https://picsum.photos/seed/{tag}-{i + 1}-{position}{suffix}/600/800",
                    "alt": f"Photo {n + 1}", "position": n, "file_name": None}
                   for n, suffix in enumerate(["", "-b"])]
    conn.execute(insert(Size), sizes)
    conn.execute(insert(Image), images)
