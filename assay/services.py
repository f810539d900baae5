"""The one place that turns `Settings` into concrete objects: registry, chunk store, keyword index,
embedder, kind decider, cross-check, retriever and chat model.

Every caller (the application API, the flows, the eval runner, the benchmarks) gets them here, with
the settings passed explicitly. `services(settings)` returns one `Services` per distinct settings and
process: opening Chroma costs ~0.1 s, loading MiniLM ~0.3 s, a database engine pools connections,
so they are made once and shared by threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from langchain_core.caches import BaseCache
from langchain_core.language_models import BaseChatModel

from assay.analysis import ANALYSIS_PROMPTS, analysis_key
from assay.classifier import StatementClassifiers
from assay.corpus import SourceRules
from assay.crosscheck import CorpusCrossCheck
from assay.embeddings import MiniLMEmbeddings
from assay.kinds import ClassifierKindDecider, KindDecider
from assay.llm_kinds import LLMKindDecider
from assay.llm_log import LLMCallLogger
from assay.llms import chat_model, configured_model_name
from assay.prompts import PromptFile, prompt_library
from assay.retrieval import HybridRetriever
from assay.runtime import loopback_without_proxy
from assay.settings import Settings
from assay.store.keywords import KeywordIndex
from assay.store.maintenance import fill_keyword_index
from assay.store.output_cache import SQLiteOutputCache
from assay.store.registry import Registry
from assay.store.vectors import ChunkStore

T = TypeVar("T")


class Services:
    """Made lazily, each once: a command that only lists articles never opens Chroma or loads a model."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._made: dict[str, Any] = {}
        # Flows use these from several threads at once. One lock per object: the embedder loading on
        # one thread must not wait for Chroma opening on another.
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def _once(self, name: str, make: Callable[[], T]) -> T:
        if name not in self._made:
            with self._locks_lock:
                lock = self._locks.setdefault(name, threading.Lock())
            with lock:
                if name not in self._made:
                    self._made[name] = make()
        made: T = self._made[name]  # what `make` returned under this name
        return made

    @property
    def registry(self) -> Registry:
        return self._once("registry", lambda: Registry(self.settings.registry_url))

    @property
    def chunk_store(self) -> ChunkStore:
        return self._once("chunk_store", lambda: ChunkStore(self.settings))

    @property
    def embedder(self) -> MiniLMEmbeddings:
        # Cheap: the model itself loads on first use, under a lock.
        return self._once("embedder", lambda: MiniLMEmbeddings(batch_size=self.settings.embed_batch_size))

    @property
    def kind_decider(self) -> KindDecider:
        return self._once("kind_decider", self._make_kind_decider)

    def _make_kind_decider(self) -> KindDecider:
        if self.settings.kind_decider == "llm":
            logged = [LLMCallLogger(self.registry, local=self.settings.llm == "local")]
            return LLMKindDecider(self.chat_model(), prompt_library(self.settings).load("kinds"), callbacks=logged)
        return ClassifierKindDecider(StatementClassifiers.load(), self.settings.kind_min_confidence, SourceRules.load(self.settings.home))

    @property
    def crosscheck(self) -> CorpusCrossCheck:
        return self._once("crosscheck", lambda: CorpusCrossCheck(self.chunk_store, self.embedder, self.keyword_index()))

    def analysis_cache(self) -> SQLiteOutputCache:
        """The model's replies to analysis prompts, one connection per process."""
        return self._once("analysis_cache", lambda: SQLiteOutputCache(self.settings.analysis_cache_path))

    def keyword_index(self) -> KeywordIndex:
        """The keyword index in the registry's database; the first use fills it from the chunk store
        if the registry is from a release that kept it elsewhere (`fill_keyword_index`)."""
        return self._once("keyword_index", self._make_keyword_index)

    def _make_keyword_index(self) -> KeywordIndex:
        index = KeywordIndex(self.registry)
        fill_keyword_index(self.registry, self.chunk_store, index)
        return index

    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.chunk_store, self.keyword_index(), self.registry, self.embedder)

    def chat_model(self, cache: BaseCache | None = None, **overrides: Any) -> BaseChatModel:
        """The configured LLM backend (the local model's weights load once per process, in assay.llms)."""
        return chat_model(self.settings, **({"cache": cache} if cache is not None else {}), **overrides)

    def analysis_prompts(self, overrides: list[str] | None = None) -> dict[str, PromptFile]:
        """The prompts an analysis uses: the live ones, or the versions `overrides` name ("summary@4")."""
        return {name: p for name, p in prompt_library(self.settings).load_all(overrides or []).items() if name in ANALYSIS_PROMPTS}

    def analysis_key(self, content_hash: str, source: str, prompts: dict[str, PromptFile], model: str) -> str:
        """Today's key of an analysis of this text by the model named `model` (`assay.analysis.analysis_key`):
        everything that would produce it."""
        return analysis_key(
            content_hash, {name: p.version for name, p in prompts.items()}, self.kind_decider.name, self.crosscheck.name,
            model, self.settings.prose_min_support, self.settings.prose_names_margin, source,
        )

    def outdated_ids(self, overrides: list[str] | None = None) -> list[str]:
        """The analysed articles whose analysis other rules made (a prompt released since, another model, an upgrade's
        splitter…): what `assay analyse --outdated` does again. No model is loaded, and no Prefect: each key is a hash
        of what is on file, so `assay status` can say it too."""
        prompts, model = self.analysis_prompts(overrides), configured_model_name(self.settings)  # no key or model file needed
        return [article_id for article_id, (key, content_hash, source) in self.registry.analysis_keys().items()
                if key != self.analysis_key(content_hash, source, prompts, model)]


_made: dict[str, Services] = {}
_made_lock = threading.Lock()


def services(settings: Settings) -> Services:
    """The services for these settings, made once per process."""
    loopback_without_proxy()  # an LLM or Chroma server on this machine, where the environment names a proxy
    key = settings.model_dump_json() + settings.registry_url  # the dump masks the database URL, a secret
    with _made_lock:
        if key not in _made:
            _made[key] = Services(settings)
        return _made[key]
