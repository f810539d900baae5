"""What each benchmark does first: a throwaway ASSAY_HOME that still uses the installed models,
Prefect configured for it; and the helpers they share to ingest the sample and print targets."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLE_FEED = REPO / "samples" / "rare-earth-exchanges.xml"


def fresh_home(prefix: str = "assay-bench-") -> Any:
    """Point ASSAY_HOME at a new temporary folder (removed at exit); returns the settings. Models stay
    in the machine's cache, where `make setup` put them."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    os.environ["ASSAY_HOME"] = str(home / "home")
    from assay.runtime import configure_prefect
    from assay.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    configure_prefect(settings)
    return settings


def ingest_sample(settings: Any) -> Any:
    """The sample feed through the application API, without analysis."""
    from assay import api

    return api.ingest([str(SAMPLE_FEED)], settings, analyse=False).ingest


def print_targets(targets: dict[str, bool]) -> None:
    for target, met in targets.items():
        print(f"target {'met' if met else 'MISSED'}: {target}")
