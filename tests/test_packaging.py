"""What `pip install` puts in site-packages: the assay package and its subpackages, nothing top-level besides."""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
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


# What the package reads beside its code, through links in assay/data to the top-level folders.
PACKAGED_FOLDERS = {"prompts": REPO / "prompts", "samples": REPO / "samples"}


def _package_data() -> list[str]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["assay"]


def test_every_prompt_and_sample_file_is_package_data():
    """Seen here: `pip install .` (not editable) carried no prompts and no sample feed, read beside the package:
    every analysis failed on a missing `prompts/release.yaml` and `assay demo` ingested nothing."""
    from assay.articles import SAMPLE_FEED
    from assay.prompts import PROMPTS_DIR

    for name, folder in PACKAGED_FOLDERS.items():
        link = REPO / "assay" / "data" / name
        assert link.is_symlink() and link.resolve() == folder  # one copy, the top-level one
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                packaged = (Path("data") / name / path.relative_to(folder)).as_posix()
                assert any(fnmatch.fnmatchcase(packaged, pattern) and packaged.count("/") == pattern.count("/")
                           for pattern in _package_data()), f"{packaged} is not package data: a wheel would lack it"
    assert PROMPTS_DIR == REPO / "prompts" and SAMPLE_FEED.parent == REPO / "samples"


@pytest.mark.slow
def test_a_wheel_installed_elsewhere_runs_the_demo_from_its_own_files(tmp_path, extractive_llm):
    """The wheel a worker's image installs: built offline from a copy of the tree, installed apart from this
    checkout, `assay demo` from it ingests its own sample feed and analyses with its own prompts."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "assay", "flows", "store", "evals", "prompts", "samples"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy2
        kwargs = {"symlinks": True, "ignore": shutil.ignore_patterns("__pycache__")} if (REPO / name).is_dir() else {}
        copy(REPO / name, source / name, **kwargs)
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = wheels.glob("assay-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"assay/data/prompts/release.yaml", "assay/data/samples/rare-earth-exchanges.xml", "assay/data/statement-classifiers.json",
            "assay/evals/gate.yaml", "assay/store/migrations/env.py"} <= names
    assert {f"assay/data/prompts/{p.relative_to(REPO / 'prompts').as_posix()}" for p in (REPO / "prompts").rglob("*.yaml")} <= names
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ASSAY_"))} | {
        "ASSAY_HOME": str(tmp_path / "home"), "PYTHONPATH": str(site), "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "ASSAY_LLM": "openai", "ASSAY_LLM_BASE_URL": extractive_llm.url, "ASSAY_LLM_MODEL": "extractive", "OPENAI_API_KEY": "test-key"}
    demo = subprocess.run([sys.executable, "-c", "from assay.console import main; main()", "demo", "--analyse", "1"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    printed = demo.stdout.replace("\n", "")
    assert f"Ingesting the sample corpus: {site}/assay/data/samples/rare-earth-exchanges.xml" in printed  # its own copy
    assert "25 new, 0 updated, 0 unchanged, 0 duplicate, 0 failed" in printed
    assert "analysis: 1 analysed, 0 unchanged, 0 failed" in printed and extractive_llm.calls >= 1

    # A prompt change as an installed user makes one: the new version in their data folder, the package's untouched.
    def assay(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "from assay.console import main; main()", *args],
                              env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)

    shipped = {p: p.read_bytes() for p in (site / "assay" / "data" / "prompts").rglob("*") if p.is_file()}
    made = assay("prompts", "new", "summary", "--json")
    assert made.returncode == 0, made.stderr[-2000:]
    version = json.loads(made.stdout)["version"]
    assert json.loads(made.stdout)["path"] == str(tmp_path / "home" / "prompts" / "summary" / f"v{version}.yaml")
    first = json.loads(assay("articles", "--json", "--limit", "1").stdout)[0]["id"]
    tried = assay("analyse", first, "--prompt", f"summary@{version}", "--json")
    assert tried.returncode == 0 and json.loads(tried.stdout)["counts"]["analysed"] == 1, tried.stderr[-2000:]
    assert {p: p.read_bytes() for p in (site / "assay" / "data" / "prompts").rglob("*") if p.is_file()} == shipped
