"""The `assay` console script. It imports the CLI inside its own handling: the import (Chroma, LangChain,
Prefect's settings) takes about two seconds, and Ctrl-C in them had printed a traceback of Python's import
machinery (seen here), where every other moment gets one line; so had a fault while loading, which the CLI's
own one-line faults cannot catch before it is loaded."""

from __future__ import annotations

import os
import sys

STOPPED_BEFORE = "interrupted before it began: nothing was done"


def main() -> None:
    keep_printing()
    try:
        from assay.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write(STOPPED_BEFORE + "\n")
        raise SystemExit(130) from None
    except Exception as exc:  # noqa: BLE001 - the CLI's own fault handling is not loaded yet
        if "--debug" in sys.argv[1:]:
            raise
        sys.stderr.write(f"error: {start_fault(exc)}\n")
        raise SystemExit(1) from None
    run()


def keep_printing() -> None:
    """A terminal whose encoding is not UTF-8 (an ISO-8859-1 or C locale with UTF-8 mode off, a Windows console) gets
    what it cannot show as escapes: every article's "·", "—" and curly quotes had ended `assay show` in
    "UnicodeEncodeError: 'ascii' codec can't encode character" (seen with LC_ALL=C PYTHONUTF8=0)."""
    for stream in (sys.stdout, sys.stderr):
        if not writes_utf8(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def writes_utf8(stream: object) -> bool:
    return (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def start_fault(exc: Exception) -> str:
    """One line for a fault while Assay loads: its cause and the fix."""
    return loading_fault(exc) or f"Assay cannot start ({type(exc).__name__}: {exc}): run with --debug for the traceback"


def loading_fault(exc: BaseException) -> str | None:
    """One line for a package that did not load, or that cannot load here: its cause and the fix; None for any other
    fault. Said as Assay starts, and by the CLI for the packages a command imports when it first needs them."""
    if isinstance(exc, RuntimeError) and "home directory" in str(exc):
        # Chroma asks for the home folder as it is imported. Seen with HOME unset for a user id that has no entry
        # in the user database (a container run under an arbitrary id, `env -i`).
        uid = os.getuid() if hasattr(os, "getuid") else "?"
        return (f"Assay cannot start without a home folder: HOME is unset and user id {uid} has none in the user "
                "database: set HOME to a folder this user may write (e.g. HOME=/tmp)")
    if isinstance(exc, ImportError):
        name = f"{exc.name}: " if exc.name else ""
        return (f"Assay cannot start: a package it needs did not load ({name}{exc}): reinstall it "
                "(`make setup`, or pip install -c constraints.txt .), or run with --debug for the traceback")
    return None
