"""Process set-up that must happen before Prefect is imported."""

from __future__ import annotations

import os

from assay.settings import Settings


def configure_prefect(settings: Settings, *, quiet: bool = True) -> None:
    """Keep Prefect's local state under ASSAY_HOME and its telemetry off, unless the user chose otherwise.

    A real Prefect server is used when PREFECT_API_URL is set; otherwise Prefect
    starts a temporary local one (about 10 s per process).
    """
    (settings.home / "prefect").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_HOME", str(settings.home / "prefect"))
    if quiet:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "ERROR")
