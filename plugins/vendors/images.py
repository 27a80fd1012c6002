"""Uploaded product images: verified by decoding, stored under ``agora.media_dir``.

An upload is accepted only when Pillow identifies it as JPEG, PNG or WebP *and* decodes it
completely (``verify()`` checks the structure, ``load()`` decodes every pixel, so a truncated
file or a script renamed ``.png`` is refused whatever its name or declared type says).
Decompression bombs are refused too.  The file is stored under a random name with the
extension of its real format, and served at ``agora.media_url`` + name.

Files follow the transaction: a stored file is removed again when the transaction aborts,
and the file of a deleted image is removed only after the deletion commits.

Production and object storage
-----------------------------
Storage is a directory, so production points ``agora.media_dir`` (env ``AGORA_MEDIA_DIR``)
at a mounted bucket (S3 through ``mountpoint-s3``/``s3fs``, GCS through ``gcsfuse``, or an NFS
share) that every worker writes to, and ``agora.media_url`` (env ``AGORA_MEDIA_URL``) at the
CDN or bucket URL that serves it, e.g. ``https://media.example.com/``.  When the media URL is
absolute the app serves nothing itself (no static view is registered) and URLs are built
from it.  Replacing the directory with an SDK upload would change only :func:`store` and
:func:`remove_file`.
"""
from __future__ import annotations

import io
import os
import secrets
import warnings
from pathlib import Path

from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from sqlalchemy import func, select

from core.catalog.models import Image, Variant
from core.catalog.summary import refresh_products
from core.errors import AgoraError, not_found

FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
MAX_PIXELS = 50_000_000


def read_upload(field, max_size: int) -> bytes:
    """The uploaded bytes of a multipart ``file`` field, at most ``max_size`` (else 413)."""
    if field is None or not hasattr(field, "file"):
        raise AgoraError(400, "Send the image as the multipart field 'file'.", name="file")
    data = field.file.read(max_size + 1)
    if len(data) > max_size:
        raise AgoraError(413, f"The image is larger than {max_size // (1024 * 1024)} MB.", name="file")
    if not data:
        raise AgoraError(400, "The file is empty.", name="file")
    return data


def verify_image(data: bytes) -> str:
    """The file extension of ``data``'s real format; 415 for another type, 400 for a damaged image."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            with PILImage.open(io.BytesIO(data)) as image:
                kind = image.format
                if kind not in FORMATS:
                    raise AgoraError(415, f"{kind} images are not accepted; send JPEG, PNG or WebP.", name="file")
                if image.width * image.height > MAX_PIXELS:
                    raise AgoraError(400, "The image has too many pixels.", name="file")
                image.verify()
            with PILImage.open(io.BytesIO(data)) as image:
                image.load()  # decodes every pixel: truncated data fails here
        except UnidentifiedImageError:
            raise AgoraError(415, "The file is not an image; send JPEG, PNG or WebP.", name="file") from None
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise AgoraError(400, "The image has too many pixels.", name="file") from None
        except AgoraError:
            raise
        except Exception:  # Pillow raises OSError, SyntaxError, ValueError... for broken files
            raise AgoraError(400, "The image is damaged or truncated and cannot be decoded.", name="file") from None
    return FORMATS[kind]


def store(media_dir: str, data: bytes, extension: str, transaction) -> str:
    """Write ``data`` under a random name and return it; removed again if ``transaction`` aborts."""
    directory = Path(media_dir)
    directory.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + extension
    partial = directory / f".{name}.part"
    partial.write_bytes(data)
    os.replace(partial, directory / name)  # never a half-written file under the served name
    transaction.addAfterCommitHook(_remove_unless_committed, args=(media_dir, name))
    transaction.addAfterAbortHook(remove_file, args=(media_dir, name))
    return name


def remove_after_commit(media_dir: str, names: list[str], transaction) -> None:
    """Delete the files of deleted images once (and only if) the deletion commits."""
    if names:
        transaction.addAfterCommitHook(_remove_if_committed, args=(media_dir, list(names)))


def remove_file(media_dir: str, name: str) -> None:
    path = Path(media_dir) / name
    if path.parent.resolve() == Path(media_dir).resolve():  # never outside the media directory
        path.unlink(missing_ok=True)


def _remove_unless_committed(committed: bool, media_dir: str, name: str) -> None:
    if not committed:
        remove_file(media_dir, name)


def _remove_if_committed(committed: bool, media_dir: str, names: list[str]) -> None:
    if committed:
        for name in names:
            remove_file(media_dir, name)


def public_url(media_url: str, name: str) -> str:
    return media_url.rstrip("/") + "/" + name


def add_image(db, variant: Variant, url: str, alt: str, file_name: str) -> Image:
    """A new image at the end of the variant's images; the product summary is refreshed."""
    position = db.scalar(select(func.coalesce(func.max(Image.position) + 1, 0)).where(Image.variant_id == variant.id))
    image = Image(variant_id=variant.id, url=url, alt=alt, position=position, file_name=file_name)
    db.add(image)
    refresh_products(db, [variant.product_id])
    return image


def remove_image(db, variant: Variant, image_id: int) -> Image:
    """Delete one of the variant's images (404 for any other); the product summary is refreshed."""
    image = db.get(Image, image_id)
    if image is None or image.variant_id != variant.id:
        raise not_found("No such image of this variant.", name="image_id")
    db.delete(image)
    refresh_products(db, [variant.product_id])
    return image
