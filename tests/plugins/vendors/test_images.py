"""Variant image upload and removal (docs/api.md › Vendors › .../variants/{variant_id}/images/)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from core.catalog.models import Image
from tests.plugins.vendors.conftest import body, image_bytes


@pytest.fixture
def media_dir(loaded) -> Path:
    return Path(loaded[0]["agora.media_dir"])


@pytest.fixture
def images_url(created_product):
    variant = created_product["variants"][0]
    return f"/api/vendor/products/{created_product['id']}/variants/{variant['id']}/images/"


def upload(testapp, url, headers, content: bytes, filename="photo.png", status=201, alt="A photo"):
    return testapp.post(url, {"alt": alt}, upload_files=[("file", filename, content)],
                        headers=headers, status=status)


@pytest.mark.parametrize("kind, extension", [("PNG", ".png"), ("JPEG", ".jpg"), ("WEBP", ".webp")])
def test_an_uploaded_image_is_stored_under_a_random_name_and_served(
        testapp, vendor_headers, images_url, media_dir, kind, extension):
    content = image_bytes(kind)
    answer = upload(testapp, images_url, vendor_headers, content, filename="../../etc/passwd").json
    name = answer["url"].rsplit("/", 1)[1]
    assert answer["url"] == f"/media/{name}" and name.endswith(extension) and len(name) > 30
    assert (answer["alt"], answer["position"]) == ("A photo", 1)  # after the external image
    assert (media_dir / name).read_bytes() == content
    assert testapp.get(answer["url"]).body == content


def test_the_upload_appears_in_the_products_images(testapp, vendor_headers, images_url, created_product):
    answer = upload(testapp, images_url, vendor_headers, image_bytes()).json
    detail = testapp.get(f"/api/vendor/products/{created_product['id']}/", headers=vendor_headers).json
    assert [i["url"] for i in detail["variants"][0]["images"]][-1] == answer["url"]


def test_a_php_script_renamed_png_is_refused(testapp, vendor_headers, images_url, media_dir):
    before = set(os.listdir(media_dir)) if media_dir.exists() else set()
    answer = upload(testapp, images_url, vendor_headers, b"<?php system($_GET['c']); ?>\n", status=415)
    assert answer.json["errors"][0]["name"] == "file"
    assert (set(os.listdir(media_dir)) if media_dir.exists() else set()) == before


def test_other_image_types_are_refused(testapp, vendor_headers, images_url):
    upload(testapp, images_url, vendor_headers, image_bytes("GIF"), filename="a.gif", status=415)


def test_a_truncated_jpeg_is_refused(testapp, vendor_headers, images_url):
    content = image_bytes("JPEG", size=(400, 300))
    answer = upload(testapp, images_url, vendor_headers, content[: len(content) // 2], filename="a.jpg", status=400)
    assert "truncated" in answer.json["errors"][0]["description"]


def test_a_6_mb_image_is_too_large(testapp, vendor_headers, images_url):
    content = image_bytes("PNG") + b"\0" * (6 * 1024 * 1024)
    upload(testapp, images_url, vendor_headers, content, status=413)


def test_a_file_just_over_the_limit_is_too_large(testapp, vendor_headers, images_url, loaded):
    limit = loaded[0]["agora.max_upload_size"]
    answer = upload(testapp, images_url, vendor_headers, b"\xff" * (limit + 1), status=413)
    assert answer.json["errors"][0]["name"] == "file"


def test_an_upload_needs_multipart_and_a_file(testapp, vendor_headers, images_url):
    testapp.post_json(images_url, {"file": "x"}, headers=vendor_headers, status=415)
    testapp.post(images_url, {"alt": "no file"}, headers=vendor_headers, status=415)
    testapp.post(images_url, {"alt": "no file"}, content_type="multipart/form-data",
                 headers=vendor_headers, status=400)


def test_uploads_to_others_products_or_unknown_variants_are_not_found(
        testapp, make_vendor, auth_headers, vendor_headers, images_url, created_product):
    upload(testapp, images_url, auth_headers(make_vendor().user), image_bytes(), status=404)
    other = testapp.post_json("/api/vendor/products/", body(), headers=vendor_headers, status=201).json
    foreign_variant = other["variants"][0]["id"]
    url = f"/api/vendor/products/{created_product['id']}/variants/{foreign_variant}/images/"
    upload(testapp, url, vendor_headers, image_bytes(), status=404)


def test_uploads_need_an_approved_vendor(testapp, customer, auth_headers, images_url):
    upload(testapp, images_url, {}, image_bytes(), status=401)
    upload(testapp, images_url, auth_headers(customer), image_bytes(), status=403)


def test_deleting_an_image_removes_the_row_and_the_file(testapp, db, vendor_headers, images_url, media_dir):
    answer = upload(testapp, images_url, vendor_headers, image_bytes()).json
    path = media_dir / answer["url"].rsplit("/", 1)[1]
    assert path.exists()
    testapp.delete(f"{images_url}{answer['id']}/", headers=vendor_headers, status=204)
    assert not path.exists()
    assert db.scalar(select(Image.id).where(Image.id == answer["id"])) is None
    testapp.delete(f"{images_url}{answer['id']}/", headers=vendor_headers, status=404)


def test_another_vendor_cannot_delete_an_image(testapp, make_vendor, auth_headers, vendor_headers, images_url):
    answer = upload(testapp, images_url, vendor_headers, image_bytes()).json
    testapp.delete(f"{images_url}{answer['id']}/", headers=auth_headers(make_vendor().user), status=404)


def test_an_image_dropped_from_the_body_loses_its_file(testapp, vendor_headers, images_url, created_product,
                                                      media_dir):
    answer = upload(testapp, images_url, vendor_headers, image_bytes()).json
    white = created_product["variants"][0]
    testapp.patch_json(f"/api/vendor/products/{created_product['id']}/",
                       {"variants": [{"id": white["id"], "images": [{"url": "https://cdn.example.com/new.jpg"}]}]},
                       headers=vendor_headers, status=200)
    assert not (media_dir / answer["url"].rsplit("/", 1)[1]).exists()
