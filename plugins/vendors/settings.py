"""The vendors plugin's settings (typed keys, validated by core at start-up).

``agora.media_dir`` (env ``AGORA_MEDIA_DIR``): where uploaded images are stored;
``agora.media_url`` (env ``AGORA_MEDIA_URL``): the URL prefix they are served at (a path is served
by Agora itself; an absolute URL points at a CDN or bucket);
``agora.max_upload_size``: the largest image accepted, in bytes (default 5 MiB).
"""
from __future__ import annotations

from config import Key, positive_int

MEDIA_DIR = "agora.media_dir"
MEDIA_URL = "agora.media_url"
MAX_UPLOAD = "agora.max_upload_size"

KEYS = [
    Key(MEDIA_DIR, "var/media", str, "AGORA_MEDIA_DIR"),
    Key(MEDIA_URL, "/media/", str, "AGORA_MEDIA_URL"),
    Key(MAX_UPLOAD, 5 * 1024 * 1024, positive_int),
]
