"""The sha256 of a report file: how the register knows a file it has read.

A leaf module, so that `hmic ingest`'s parent can skip files it has already
read without importing the PDF libraries."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
