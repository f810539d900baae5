"""Room on the device that holds a store: asked before writes that a full disk would hang or waste (`store/vectors.py`,
`Registry.too_full`) and when a fault nobody foresaw may be the disk's (`assay.cli.fault_line`)."""

from __future__ import annotations

import shutil
from pathlib import Path


def free_bytes(path: Path) -> int | None:
    """Bytes free on the device holding `path` (or the folder it would be made in); None where that cannot be read."""
    try:
        return shutil.disk_usage(path if path.exists() else path.parent).free
    except OSError:
        return None
