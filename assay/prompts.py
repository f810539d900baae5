"""Versioned prompt files: `prompts/<name>/v<version>.yaml`, and `prompts/release.yaml` naming the live ones."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel, Field

# Read through the package (assay/data/prompts links to the top-level prompts/), so that an installed wheel
# carries them: read beside the package, every analysis of a `pip install .` (a Prefect worker's image) failed.
PROMPTS_DIR = (Path(__file__).resolve().parent / "data" / "prompts").resolve()


class PromptFile(BaseModel):
    name: str
    version: str
    description: str
    schema_ref: str = Field(alias="schema", description="module:Class of the pydantic model the answer fills")
    messages: list[dict[str, str]]

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    def logged(self, config: RunnableConfig | None) -> RunnableConfig:
        """`config` with this prompt's name and version in its metadata, for the call log: a probe asked
        after another prompt's messages is logged as itself, not as that prompt."""
        config = config or {}
        return {**config, "metadata": {**(config.get("metadata") or {}), "prompt": self.name, "prompt_version": self.version}}

    def template(self) -> ChatPromptTemplate:
        return ChatPromptTemplate.from_messages([(m["role"], m["content"]) for m in self.messages])

    def reply_schema(self) -> type[BaseModel]:
        module, _, attribute = self.schema_ref.partition(":")
        return getattr(importlib.import_module(module), attribute)


def released(prompts_dir: Path = PROMPTS_DIR) -> dict[str, str]:
    return {k: str(v) for k, v in yaml.safe_load((prompts_dir / "release.yaml").read_text()).items()}


def parse_ref(ref: str) -> tuple[str, str]:
    """'summary@2' -> ('summary', '2')."""
    name, sep, version = ref.partition("@")
    if not sep or not name or not version:
        raise ValueError(f"{ref!r}: expected NAME@VERSION, e.g. summary@2")
    return name, version.removeprefix("v")


def load_prompt(name: str, version: str | None = None, prompts_dir: Path = PROMPTS_DIR) -> PromptFile:
    """The given version, or the released one."""
    version = version or released(prompts_dir).get(name)
    if version is None:
        raise KeyError(f"prompt {name!r} has no released version in {prompts_dir / 'release.yaml'}")
    path = prompts_dir / name / f"v{version}.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"no prompt file {path}")
    prompt = PromptFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    if (prompt.name, prompt.version) != (name, version):
        raise ValueError(f"{path} says it is {prompt.key}")
    return prompt


def load_prompts(overrides: list[str] | None = None, prompts_dir: Path = PROMPTS_DIR) -> dict[str, PromptFile]:
    """Every released prompt, with `NAME@VERSION` overrides applied."""
    chosen = released(prompts_dir) | dict(parse_ref(ref) for ref in overrides or [])
    return {name: load_prompt(name, version, prompts_dir) for name, version in chosen.items()}
