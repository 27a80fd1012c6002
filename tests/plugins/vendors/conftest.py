"""Fixtures of the vendors plugin's tests: vendors in each state, a category, product bodies,
image files, and a recorder of the vendor hooks."""
from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage

from core.catalog.models import Category
from core.hooks import hookimpl


class VendorEvents:
    """Records every vendor hook call as ``(hook name, vendor id, status, reason)``."""

    def __init__(self):
        self.calls: list[tuple] = []

    def names(self) -> list[str]:
        return [c[0] for c in self.calls]

    @hookimpl
    def agora_vendor_applied(self, vendor):
        self.calls.append(("applied", vendor.id, vendor.status, None))

    @hookimpl
    def agora_vendor_approved(self, vendor):
        self.calls.append(("approved", vendor.id, vendor.status, None))

    @hookimpl
    def agora_vendor_rejected(self, vendor, reason):
        self.calls.append(("rejected", vendor.id, vendor.status, reason))

    @hookimpl
    def agora_vendor_suspended(self, vendor, reason):
        self.calls.append(("suspended", vendor.id, vendor.status, reason))


@pytest.fixture
def vendor_events(loaded):
    recorder = VendorEvents()
    pm = loaded[1]
    pm.register(recorder, name=f"vendor-events-{id(recorder)}")
    yield recorder
    pm.unregister(recorder)


@pytest.fixture
def vendor(make_vendor):
    return make_vendor("approved", name="Blue Loom")


@pytest.fixture
def vendor_headers(vendor, auth_headers):
    return auth_headers(vendor.user)


@pytest.fixture
def category(db):
    shirts = Category(name="Shirts", slug="shirts")
    db.add(shirts)
    db.flush()
    return shirts


def body(**overrides) -> dict:
    """A valid product body: two colours with sizes, one external image."""
    data = {
        "name": "Linen Shirt",
        "description": "Breathable linen.",
        "category": "shirts",
        "price": "49.90",
        "variants": [
            {"name": "White", "images": [{"url": "https://cdn.example.com/white.jpg", "alt": "white"}],
             "sizes": [{"label": "S", "stock": 3}, {"label": "M", "stock": 5}]},
            {"name": "Navy", "price": "54.90", "sizes": [{"label": "M", "stock": 0}]},
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def product_body():
    return body


@pytest.fixture
def created_product(testapp, vendor_headers, category):
    """A product created through the API by ``vendor``: its detail answer."""
    return testapp.post_json("/api/vendor/products/", body(), headers=vendor_headers, status=201).json


def image_bytes(kind: str = "PNG", size=(32, 24)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()
