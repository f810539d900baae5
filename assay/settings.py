"""Settings: environment variables `ASSAY_*`, then an optional TOML file, then defaults.

`ASSAY_HOME` is the data folder; everything embedded (Chroma, the SQLite registry,
models) lives under it unless a URL points elsewhere, which is how the same code
scales out to a Chroma server and a SQL database server.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

MAX_FETCH_CONCURRENCY = 32  # threads of the ingest flow's task runner: the ceiling of fetch_concurrency


def _default_models_dir() -> Path:
    """Model files are large and the same for every data folder: one copy per machine, in the user's cache."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "assay" / "models"


def _default_home() -> Path:
    return Path(os.environ.get("ASSAY_HOME") or Path.home() / ".assay")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSAY_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="Data folder: registry, Chroma, models.")
    prefect_history_days: int = Field(
        30, ge=1, description="Days of finished runs (and their task runs and logs) Assay's own Prefect server keeps; a server of yours keeps its own settings.")
    prompts_dir: Path | None = Field(
        None, description="Your own prompt versions and releases, over the shipped ones; default: ASSAY_HOME/prompts.")
    models_dir: Path = Field(
        default_factory=_default_models_dir, description="Local model files, shared by every data folder; default: $XDG_CACHE_HOME/assay/models."
    )
    chroma_url: str | None = Field(None, description="A Chroma server (http://host:port) instead of the embedded one.")
    chroma_collection: str = Field("assay_chunks", description="Chroma collection holding article chunks.")
    chroma_ef_search: int = Field(
        400, ge=1, description="Candidates Chroma's HNSW index explores per search (its ef_search): more is slower and nearer exact.")
    chroma_wait_s: float = Field(
        600, ge=0, description="Seconds a command waits while another process uses the embedded chunk store (one process at a time) before giving up.")
    database_url: SecretStr | None = Field(
        None, description="(Kept secret: flows record their parameters.) SQLAlchemy URL of the registry database; default: SQLite file under home."
    )

    llm: Literal["local", "openai"] = Field("local", description="local: llama.cpp in process; openai: any OpenAI-compatible server.")
    llm_model: str | None = Field(None, description="Model name for the openai backend (default gpt-4o-mini).")
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint: vLLM, Ollama, llama.cpp server.")
    llm_model_path: Path | None = Field(None, description="GGUF for the local backend; default: the installed Qwen model.")
    llm_context_tokens: int = Field(8192, ge=512, description="Context window of the local model.")
    llm_max_tokens: int = Field(1024, ge=16, description="Most tokens one answer may have.")
    llm_timeout_s: float = Field(120.0, gt=0, description="Per-call timeout for the openai backend.")
    llm_retries: int = Field(3, ge=0, description="Retries of an LLM call on rate limits, 5xx, timeouts and lost connections (backoff 4, 8, 16 s...).")
    llm_concurrency: int = Field(1, ge=1, description="Calls at once to an LLM server (ASSAY_LLM=openai), across all workers where a Prefect server runs (a Prefect global limit), else within each process; a local model is each process's own.")
    analysis_lease_s: float = Field(
        300.0, gt=0, description="How long a worker's claim on an article it analyses lasts unrenewed (renewed every third of it while it works); a dead worker's article is taken again after this."
    )
    llm_threads: int | None = Field(None, ge=1, description="CPU threads for llama.cpp; default: all cores.")
    kind_decider: Literal["classifier", "llm"] = Field(
        "classifier", description="Which decider labels statements (kind, attribution, evidence): the fitted classifiers, or the configured LLM through the kinds prompt; the eval chooses per backend."
    )

    fetch_timeout_s: float = Field(20.0, gt=0, description="Per-request timeout for feeds and pages.")
    fetch_retries: int = Field(3, ge=0, description="Retries on network errors, timeouts and HTTP 5xx.")
    fetch_backoff_s: float = Field(2.0, ge=0, description="First retry delay; doubles each retry, with jitter.")
    fetch_concurrency: int = Field(8, ge=1, le=MAX_FETCH_CONCURRENCY, description="Pages fetched at once.")
    max_source_bytes: int = Field(5_000_000, gt=0, description="Larger feeds, pages or files are refused.")
    fetch_private_links: bool = Field(
        False, description="Let links found inside feeds reach loopback, private or link-local addresses (URLs you name are always fetched)."
    )
    contact_email: str | None = Field(
        None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        description="Your email address, sent in the User-Agent to sec.gov only: the SEC refuses automated requests that name no contact.",
    )
    full_page_below_chars: int = Field(
        500, ge=0, description="A feed item whose text is shorter than this is fetched from its link instead."
    )

    chunk_size: int = Field(900, gt=100, description="Characters per chunk (MiniLM reads at most 256 tokens).")
    chunk_overlap: int = Field(120, ge=0, description="Characters shared by neighbouring chunks.")
    embed_group_chunks: int = Field(
        256, ge=1, description="Chunks embedded per group; each group is written to Chroma while the next embeds."
    )
    embed_batch_size: int = Field(
        8, ge=1, description="Chunks per embedding forward pass (8 measured fastest on 2 cores: less padding)."
    )

    kind_min_confidence: float = Field(
        0.5, ge=0, le=1,
        description="A kind whose calibrated probability is below this is shown as uncertain and left out of the rhetoric share.",
    )

    ask_k: int = Field(5, ge=1, le=20, description="Chunks an answer is drawn from.")
    # The labelled questions have 4-21 words. The model reads the question once per passage (the answerability
    # probes) and again to answer: a pasted 4,500-word "question" ran for over five minutes and answered nothing.
    ask_max_question_words: int = Field(120, ge=5, description="Words a question may have; a longer text is better ingested and checked as an article.")
    # Measured on the 125 answerable labelled questions: best similarity 0.244 at the lowest, 0.33 at
    # the 5th percentile; off-topic questions 0.11-0.40. So 0.20 keeps every answerable question and
    # stops the plainly off-topic ones before the LLM; the model's NOT IN CORPUS catches the rest.
    ask_min_similarity: float = Field(
        0.20, ge=0, le=1, description="Below this best cosine similarity the corpus is taken not to cover the question: no LLM call."
    )
    # A server that takes a schema gets it (each sentence with its passages, checked, shown the error
    # once); the embedded model streams text, so the terminal shows the answer as it is written.
    ask_answer_format: Literal["auto", "text", "json"] = Field(
        "auto", description="How the model writes answers: json (the structured_answer prompt, its schema sent), text (the answer prompt, "
        "streamed), or auto: json on the openai backend, text on the local one.",
    )
    ask_passage_chars: int = Field(400, ge=100, description="Characters of each retrieved chunk shown to the model.")
    # Measured on the labelled questions (evals/README.md): dev key-fact recall 0.60 -> 0.64 and the same
    # at 0.1, 0.2 and 0.3 ("What is the Belfast plant designed to produce?" had been answered from the
    # grant's sentence of the chunk that holds the plant's design); 0.2, the middle of that plateau.
    ask_passage_word_weight: float = Field(
        0.2, ge=0, le=1, description="How much the share of the question's words a sentence holds adds to its similarity, "
        "when choosing each chunk's passage for the model (0: by similarity alone).",
    )
    # The model's own yes/no probabilities (prompts answerable@1 and cited_answers@1), chosen on the
    # labelled dev questions (`python -m assay.evals.tune_answerability`; evals/README.md has the
    # tables). Best passage beside the others: dev AUROC 0.81, train 0.74; declined/answered on dev
    # 0.50/0.88 -> 0.75/0.88 anywhere in 0.65-0.75, and 0.65 is the end of that plateau that costs
    # train least (0.50/0.88 -> 0.57/0.87; 0.75 gives 0.65/0.81).
    ask_min_answerable: float = Field(
        0.65, ge=0, le=1, description="Decline when no passage's probability of answering (judged beside the others) reaches this; 0 skips the probe.",
    )
    # Dev citation precision 0.59 -> 0.66 with no right citation lost (train 0.56 -> 0.58).
    ask_citation_margin: float = Field(
        0.05, ge=0, le=1,
        description="Drop a citation whose passage's probability of answering is this far below the best cited passage's "
        "(needs the probe: ASSAY_ASK_MIN_ANSWERABLE above 0).",
    )
    # How much of each answer sentence's words a cited passage must hold, against the best cited one.
    # Chosen on the labelled dev questions (citation precision per question 0.66 -> 0.77, no right
    # citation lost; any margin from 0 to 0.3 the same); train 0.60 -> 0.67, 43 of 44 right kept.
    ask_citation_support_margin: float = Field(
        0.3, ge=0, le=1,
        description="Drop a citation whose passage holds this much less of the sentences citing it than the best cited passage "
        "(1 keeps every citation).",
    )
    # Off by default: each cited passage read alone (dev AUROC 0.90, train 0.80) at 0.5 declines more
    # (dev 0.75 -> 0.95, train 0.57 -> 0.80) but answers fewer (dev 0.88 -> 0.80, train 0.87 -> 0.73)
    # and costs ~1.5 s a cited passage. For readers who would rather be told "the corpus does not say".
    ask_min_cited_answers: float = Field(
        0.0, ge=0, le=1, description="Decline when no cited passage, read alone, reaches this probability of answering; 0 skips the probe.",
    )
    # Chosen on dev (`python -m assay.evals.tune_prose_support`; support: best MiniLM cosine with a body
    # sentence, clause or comma-separated piece): the publisher's highlight sentences score 0.52-0.86
    # (median 0.71) against their own article, 0.18-0.63 (median 0.41, p90 0.56) against the other dev
    # articles. 0.5 is the highest threshold that keeps every supported sentence, and catches 81 % of the
    # unsupported (0.45: 100 % / 59 %; 0.55: 82 % / 88 %). The embedded model's own prose on dev: 19 of 19
    # sentences score 0.52-1.0 (median 0.87). On test (reported, not tuned): 91 % kept, 68 % caught.
    prose_min_support: float = Field(
        0.5, ge=0, le=1,
        description="A summary sentence or highlight whose best body sentence, clause or piece is below this cosine (MiniLM) is not supported by the article.",
    )
    # Who did what (prompt says@1, `assay.analysis.who_did_what`): a summary sentence is wrong about a
    # name when the same sentence naming another entity of that type from the article is this much more
    # believed (log-odds of the model's yes). Chosen on the sample's train + dev publisher highlights and
    # copies with one name swapped (evals/README.md, "Who did what"): 0.25 keeps 31 of 31 true sentences
    # and catches 25 of 31 swapped; 0 catches 28 but drops 4 true ones.
    prose_names_margin: float | None = Field(
        0.25, ge=0,
        description="Log-odds by which a copy of a summary sentence naming another entity must beat the sentence to fault it; `off` turns the check off.",
    )

    alert_block: str | None = Field(
        None, description="The Prefect notification block watchlist alerts are sent through, as TYPE-SLUG/NAME (e.g. custom-webhook/assay-alerts); "
        "unset: alerts are recorded and emitted as Prefect events only.",
    )

    digest_top: int = Field(50, ge=1, description="Statements a digest holds at most: the best ones, by rank.")
    digest_after_poll: bool = Field(
        False, description="`assay serve`: after each poll that stored new or changed articles, write their digest "
        "to ASSAY_HOME/digests/digest-<UTC time>.md and .html.",
    )

    @field_validator("home")
    @classmethod
    def _a_folder(cls, home: Path) -> Path:
        """A file where the data folder (or a folder above it) should be had failed deep inside, as
        "FileExistsError: [Errno 17] File exists" (seen here)."""
        for path in (home, *home.parents):
            if path.exists():
                if not path.is_dir():
                    raise ValueError(f"{'a file' if path == home else f'{path} is a file'}, not a folder (a folder is made if missing)")
                break
        return home

    @field_validator("prose_names_margin", mode="before")
    @classmethod
    def _off(cls, value: object) -> object:
        """`ASSAY_PROSE_NAMES_MARGIN=off` (or empty, or none) turns the check off."""
        return None if isinstance(value, str) and value.strip().lower() in ("", "off", "none") else value

    @property
    def registry_url(self) -> str:
        return self.database_url.get_secret_value() if self.database_url else f"sqlite:///{self.home / 'registry.sqlite'}"

    @property
    def own_prompts_dir(self) -> Path:
        """The user's prompt versions and releases (`assay prompts`), over the shipped ones."""
        return self.prompts_dir or self.home / "prompts"

    @property
    def pasted_dir(self) -> Path:
        """The texts piped into `assay ingest -`, each kept as a file named by its content."""
        return self.home / "pasted"

    @property
    def evals_dir(self) -> Path:
        """The eval suite's corpus, output cache and reports (`latest/` is the newest report)."""
        return self.home / "evals"

    @property
    def analysis_cache_path(self) -> Path:
        """The model's replies to analysis prompts, by their exact input (`store/output_cache.py`)."""
        return self.home / "llm-cache.sqlite"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def chroma_host_port(self) -> tuple[str, int, bool]:
        parsed = urlparse(self.chroma_url or "")
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"ASSAY_CHROMA_URL must look like http://host:port, got {self.chroma_url!r}")
        return parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 8000), parsed.scheme == "https"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = _toml_path()
        toml = TomlConfigSettingsSource(settings_cls, toml_file=toml_path if toml_path.is_file() else [])
        return init_settings, env_settings, toml, file_secret_settings


CONFIG_FILE = "assay.toml"  # in the data folder, unless ASSAY_CONFIG names another


def _toml_path() -> Path:
    """The TOML file is optional: $ASSAY_CONFIG, else $ASSAY_HOME/assay.toml if present."""
    return Path(os.environ.get("ASSAY_CONFIG") or _default_home() / CONFIG_FILE)


# ASSAY_* variables read outside Settings: by the CLI, the tests and the eval scripts.
OTHER_VARIABLES = frozenset({"ASSAY_CONFIG", "ASSAY_DEBUG", "ASSAY_CHROMIUM", "ASSAY_LLM_STATES_DIR"})


def unknown_settings() -> list[str]:
    """Each ASSAY_* variable and TOML key that names no setting, with the nearest that does: a typo
    (`ask_kk = 3`, ASSAY_LLM_MODLE) had been ignored without a word, the default used instead."""
    names = list(Settings.model_fields)
    said = []
    prefix = Settings.model_config["env_prefix"]
    for variable in sorted(os.environ):
        if variable.upper().startswith(prefix) and variable.upper() not in OTHER_VARIABLES:
            name = variable[len(prefix):].lower()
            if name not in names:
                said.append(f"{variable} names no setting{_nearest(name, names, prefix.upper())}: it is ignored")
    path = _toml_path()
    if path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return said  # said as a fault by get_settings
        for key, value in table.items():
            if isinstance(value, dict):
                meant = [f"{key}_{inner}" for inner in value if f"{key}_{inner}" in names]
                said.append(f"[{key}] in {path} is a table, and settings are top-level keys"
                            f"{f' (write {meant[0]} = … above every table)' if meant else ''}: it is ignored")
            elif key not in names:
                said.append(f"{key} in {path} is no setting{_nearest(key, names)}: it is ignored")
    return said


def _nearest(name: str, names: list[str], prefix: str = "") -> str:
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    return f" (did you mean {prefix}{close[0].upper() if prefix else close[0]}?)" if close else ""


class SettingsError(ValueError):
    """A setting that cannot be read, said as which one, where it was set and what to do."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call `get_settings.cache_clear()` after changing the environment."""
    try:
        return Settings()
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{_toml_path()} is not valid TOML ({exc}): fix it, or remove it to use the defaults") from exc
    except ValidationError as exc:
        raise SettingsError(_invalid_setting(exc)) from exc


def _invalid_setting(exc: ValidationError) -> str:
    """"ASSAY_ASK_K='abc': Input should be a valid integer…: fix the environment variable" (one line)."""
    errors = exc.errors()
    first = errors[0]
    if not first["loc"]:  # a rule across settings
        return f"the settings: {first['msg']}: fix the ASSAY_* environment variables or {_toml_path()}"
    name = str(first["loc"][0])
    first["msg"] = first["msg"].removeprefix("Value error, ")  # pydantic's label for a validator's own words
    variable = f"{Settings.model_config['env_prefix']}{name}".upper()
    where = (f"{variable}={os.environ[variable]!r}: {first['msg']}: fix or unset the environment variable" if variable in os.environ
             else f"{name} in {_toml_path()}: {first['msg']}: fix it there ({variable} overrides it)")
    return where + (f" ({len(errors) - 1} more setting{'s' if len(errors) > 2 else ''} invalid)" if len(errors) > 1 else "")
