"""What `pip install` puts in site-packages: the assay package and its subpackages, nothing top-level besides."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from setuptools import find_packages

from tests.conftest import REPO


def test_every_subpackage_is_installed_under_assay_and_nothing_else_at_the_top():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    found = set(find_packages(str(REPO), include=config["include"]))
    on_disk = {
        ".".join(Path(folder).relative_to(REPO).parts)
        for folder, _, files in os.walk(REPO / "assay", followlinks=True)
        if "__init__.py" in files
    }
    assert found == on_disk
    assert {"assay.flows", "assay.store", "assay.evals", "assay.readers"} <= found
    assert not {name for name in found if not name.startswith("assay")}  # no `flows`, `store` or `evals` at the top
