"""The `assay` console script. It imports the CLI inside its own Ctrl-C handling: the import (Chroma,
LangChain, Prefect's settings) takes about two seconds, and Ctrl-C in them had printed a traceback of
Python's import machinery (seen here), where every other moment gets one line."""

from __future__ import annotations

import sys

STOPPED_BEFORE = "interrupted before it began: nothing was done"


def main() -> None:
    try:
        from assay.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write(STOPPED_BEFORE + "\n")
        raise SystemExit(130) from None
    run()
