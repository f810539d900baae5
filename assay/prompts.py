"""Versioned prompt files, `<name>/v<version>.yaml`, and `release.yaml` naming the live ones, in two
folders: the ones Assay ships, and the user's own (`ASSAY_PROMPTS_DIR`, default `ASSAY_HOME/prompts`),
where a new version is written, tried with `--prompt NAME@VERSION` and released."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel, Field, ValidationError

from assay.settings import Settings

# Read through the package (assay/data/prompts links to the top-level prompts/), so that an installed wheel
# carries them: read beside the package, every analysis of a `pip install .` (a Prefect worker's image) failed.
PROMPTS_DIR = (Path(__file__).resolve().parent / "data" / "prompts").resolve()

RELEASE_HEADER = """\
# The live version of each prompt in this folder, over the versions Assay ships.
# `assay release NAME@VERSION` changes this file only when the eval gate passes.
"""


class PromptError(ValueError):
    """A prompt that cannot be found or read, said with the fix."""


class PromptFile(BaseModel):
    name: str
    version: str
    description: str
    schema_ref: str = Field(alias="schema", description="module:Class of the pydantic model the answer fills")
    messages: list[dict[str, str]]
    live: bool = Field(False, exclude=True, description="Set by the library: this is the released version, not a candidate.")

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


class PromptVersion(BaseModel):
    """One version on file, for `assay prompts`."""

    name: str
    version: str
    path: Path
    own: bool  # in the user's folder, not shipped
    live: bool


def parse_ref(ref: str) -> tuple[str, str]:
    """'summary@2' -> ('summary', '2')."""
    name, sep, version = ref.partition("@")
    if not sep or not name or not version:
        raise PromptError(f"{ref!r}: expected NAME@VERSION, e.g. summary@2")
    return name, version.removeprefix("v")


def _version_order(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (0, version)


@dataclass(frozen=True)
class PromptLibrary:
    """The shipped prompts, and over them the user's own folder (None: shipped only, as in tests).

    An installed package's prompts belong to pip: a version written or released there is lost at the
    next upgrade, and site-packages is often not writable (`assay release` failed there). So the
    user's versions and releases live in their own folder; a source checkout's release of a shipped
    version still writes the shipped `release.yaml`, which is versioned with the code."""

    own: Path | None = None
    shipped: Path = PROMPTS_DIR

    def _folders(self) -> list[Path]:
        return [folder for folder in (self.own, self.shipped) if folder is not None]

    def _is_own(self, path: Path) -> bool:
        return self.own is not None and path.is_relative_to(self.own)

    def released(self) -> dict[str, str]:
        live: dict[str, str] = {}
        for folder in reversed(self._folders()):  # the user's folder read last: its releases win
            live |= self._release_entries(folder)
        return live

    def pinned(self) -> dict[str, tuple[str, str]]:
        """The prompts your release file makes live over another shipped release: name -> (yours, shipped). After an
        upgrade that ships a newer release, yours still wins until its line is deleted."""
        if self.own is None:
            return {}
        shipped, own = self._release_entries(self.shipped), self._release_entries(self.own)
        return {name: (version, shipped[name]) for name, version in own.items() if name in shipped and shipped[name] != version}

    @staticmethod
    def _release_entries(folder: Path) -> dict[str, str]:
        path = folder / "release.yaml"
        if not path.is_file():
            return {}
        entries = _read_yaml(path) or {}
        if not isinstance(entries, dict):
            raise PromptError(f"{path} should map each prompt to its live version (summary: \"5\"); fix the file")
        return {str(k): str(v) for k, v in entries.items()}

    def path(self, name: str, version: str) -> Path | None:
        """The version's file: the user's if they wrote one, else the shipped one."""
        for folder in self._folders():
            if (candidate := folder / name / f"v{version}.yaml").is_file():
                return candidate
        return None

    def load(self, name: str, version: str | None = None, *, live_versions: dict[str, str] | None = None) -> PromptFile:
        """The given version, or the released one (`live_versions`: `released()`, when the caller has read it)."""
        live = (self.released() if live_versions is None else live_versions).get(name)
        version = version or live
        if version is None:
            names = sorted({v.name for v in self.versions()})
            if name not in names:
                raise PromptError(f"no prompt named {name!r}: the prompts are {', '.join(names)} (`assay prompts` lists their versions)")
            raise PromptError(f"prompt {name!r} has no released version in {' or '.join(str(f / 'release.yaml') for f in self._folders())}: "
                              f"name one, e.g. --prompt {name}@VERSION, or release one")
        path = self.path(name, version)
        if path is None:
            known = ", ".join(f"{name}@{v.version}" for v in self.versions() if v.name == name) or "none"
            if version == live:  # its file deleted or renamed after it was released
                named_in = next(f / "release.yaml" for f in self._folders() if name in self._release_entries(f))
                raise PromptError(f"{named_in} makes {name}@{version} live, and no such file is on file (on file: {known}): "
                                  f"put the file back, or name another version there")
            raise PromptError(f"no prompt {name}@{version} in {' or '.join(str(f) for f in self._folders())} (on file: {known}); "
                              f"`assay prompts new {name}` writes the next version to edit")
        try:
            prompt = PromptFile.model_validate(_read_yaml(path))
        except ValidationError as exc:
            first = exc.errors()[0]
            raise PromptError(f"{path} is no prompt file: {'.'.join(map(str, first['loc'])) or 'it'}: {first['msg']}; fix the file") from None
        if (prompt.name, prompt.version) != (name, version):
            raise PromptError(f"{path} says it is {prompt.key}: its name and version must match its path")
        try:  # checked now: a wrong `schema:` line had failed every article, one by one, as "AttributeError: …"
            schema: object = prompt.reply_schema()
        except (ImportError, AttributeError, ValueError):
            schema = None
        if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
            raise PromptError(f"{path}: schema {prompt.schema_ref!r} names no reply model (module:Class of a pydantic model, "
                              "as in the version it was copied from); fix the file")
        self._not_shadowing(path, name, version)
        self._fills(prompt, path)
        return prompt.model_copy(update={"live": version == live})

    def _fills(self, prompt: PromptFile, path: Path) -> None:
        """A user's version may use only the placeholders Assay fills for that prompt (the shipped versions'): a new
        `{date}`, or a JSON example's braces read as one, had failed every call, one article at a time, as a KeyError."""
        if not self._is_own(path):
            return
        try:
            used = set(prompt.template().input_variables)
        except (ValueError, KeyError) as exc:  # an unbalanced brace
            raise PromptError(f"{path}: its messages cannot be read as a template ({exc}); write a literal brace as {{{{ or }}}}") from None
        shipped = _placeholders(self.shipped, prompt.name)
        if unknown := sorted(used - shipped) if shipped else []:
            raise PromptError(f"{path} uses {', '.join('{' + u + '}' for u in unknown)}, which Assay does not fill for {prompt.name} "
                              f"(it fills {', '.join('{' + v + '}' for v in sorted(shipped))}): write a literal brace as {{{{ or }}}}")

    def load_all(self, overrides: list[str] | None = None) -> dict[str, PromptFile]:
        """Every released prompt, with `NAME@VERSION` overrides applied."""
        live = self.released()
        chosen = live | dict(parse_ref(ref) for ref in overrides or [])
        return {name: self.load(name, version, live_versions=live) for name, version in chosen.items()}

    def _not_shadowing(self, path: Path, name: str, version: str) -> None:
        """A user's file with a shipped version's number but other text would make provenance
        ("summary@5") name two prompts; refused rather than silently preferred."""
        shipped = self.shipped / name / f"v{version}.yaml"
        if self._is_own(path) and shipped.is_file() and shipped.read_bytes() != path.read_bytes():
            raise PromptError(f"{path} has the number of a shipped prompt, {name}@{version}, and other text: give it a version of its own "
                             f"(rename it, and its `version:` line, to the next free number; `assay prompts` lists them)")

    def versions(self) -> list[PromptVersion]:
        live = self.released()
        found: dict[tuple[str, str], PromptVersion] = {}
        for folder in reversed(self._folders()):
            for path in sorted(folder.glob("*/v*.yaml")):
                name, version = path.parent.name, path.stem.removeprefix("v")
                found[name, version] = PromptVersion(name=name, version=version, path=path, own=folder == self.own,
                                                     live=live.get(name) == version)
        return sorted(found.values(), key=lambda v: (v.name, _version_order(v.version)))

    def new_version(self, name: str, source: str | None = None) -> PromptVersion:
        """Copy `name`'s live version (or `source`) into the user's folder as the next free version, to edit."""
        if self.own is None:
            raise PromptError("no folder of your own for prompts: set ASSAY_PROMPTS_DIR or ASSAY_HOME")
        base = self.load(name, source)
        original = (self.path(name, base.version) or Path()).read_text(encoding="utf-8")
        taken = [int(v.version) for v in self.versions() if v.name == name and v.version.isdigit()]
        number = max(taken, default=0) + 1
        (self.own / name).mkdir(parents=True, exist_ok=True)
        while True:
            text, replaced = re.subn(r'(?m)^version:.*$', f'version: "{number}"', original, count=1)
            if not replaced:
                raise PromptError(f"{name}@{base.version} has no `version:` line to renumber")
            target = self.own / name / f"v{number}.yaml"
            try:
                with target.open("x", encoding="utf-8") as out:  # never over a file: another `prompts new` may have taken it
                    out.write(text)
            except FileExistsError:
                number += 1
                continue
            return PromptVersion(name=name, version=str(number), path=target, own=True, live=False)

    def release_file(self, ref: str) -> Path:
        """Where releasing `ref` is written: beside a shipped version in a source checkout (its release file
        is the code's), else in the user's folder."""
        name, version = parse_ref(ref)
        path = self.path(name, version)
        if self.own is None or (path is not None and path.parent.parent == self.shipped and _in_checkout(self.shipped)):
            return self.shipped / "release.yaml"
        return self.own / "release.yaml"

    def write_release(self, ref: str) -> Path:
        """Make `ref` live, keeping the release file's comments; a release in the shipped file also drops the
        user's own release of that name, which would otherwise still win."""
        name, version = parse_ref(ref)
        target = self.release_file(ref)
        _set_line(target, name, f'{name}: "{version}"')
        if self.own is not None and target != self.own / "release.yaml" and (self.own / "release.yaml").is_file():
            _set_line(self.own / "release.yaml", name, None)
        return target


@cache
def _placeholders(shipped: Path, name: str) -> frozenset[str]:
    """What Assay fills for prompt `name`: the placeholders of its shipped versions (read once a process)."""
    return frozenset(v for path in sorted(shipped.glob(f"{name}/v*.yaml"))
                     for v in PromptFile.model_validate(_read_yaml(path)).template().input_variables)


def _in_checkout(folder: Path) -> bool:
    """A source checkout: the project file beside the prompts folder (an installed wheel has none)."""
    return (folder.parent / "pyproject.toml").is_file() and (folder.parent / "assay").is_dir()


def _set_line(path: Path, name: str, entry: str | None) -> None:
    text = path.read_text(encoding="utf-8") if path.is_file() else RELEASE_HEADER
    line = re.compile(rf"^{re.escape(name)}:.*\n?", re.M)
    if entry is None:
        text = line.sub("", text)
    else:
        text = line.sub(entry + "\n", text) if line.search(text) else text.rstrip("\n") + f"\n{entry}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)  # whole or not at all: a release file cut short would un-release every prompt


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise PromptError(f"{path} is not valid YAML{where}: {getattr(exc, 'problem', None) or exc}; fix the file") from None


SHIPPED = PromptLibrary()


def prompt_library(settings: Settings) -> PromptLibrary:
    """The shipped prompts under the user's own folder."""
    return PromptLibrary(own=settings.own_prompts_dir)


def released(library: PromptLibrary = SHIPPED) -> dict[str, str]:
    return library.released()


def load_prompt(name: str, version: str | None = None, library: PromptLibrary = SHIPPED) -> PromptFile:
    return library.load(name, version)


def load_prompts(overrides: list[str] | None = None, library: PromptLibrary = SHIPPED) -> dict[str, PromptFile]:
    return library.load_all(overrides)
