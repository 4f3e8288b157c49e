"""The loaded knowledge base + diagnoser, swapped in place when the KB or the promoted model changes.

Each worker process checks the `kb/current` and `models/production` pointers (and a reload stamp written
by the admin endpoint) at most every `check_interval` seconds; a change loads a new `Engine` (in a
background thread in production, synchronously in tests) while requests keep using the old one.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from flask import current_app

from inference.engine import Diagnoser
from inference.evidence import CONTEXTS
from inference.explain import stated_index
from inference.loading import PROMOTED_POINTER, load_diagnoser
from inference.questions import closure_rows
from inference.term_table import ensure_table, existing_table
from knowledge.config import Settings
from knowledge.kb import KnowledgeBase, current_dir
from knowledge.notes import note_extractor
from knowledge.packed import PackedStrings
from knowledge.search import PhenotypeIndex, phenotype_index

__all__ = ["CacheBudget", "Engine", "EngineHolder", "engine", "holder"]

log = logging.getLogger("dxgraph.web")
RELOAD_STAMP = ".web-reload"
RETRY_S = 30.0  # a failed reload (damaged pointer, unreadable model) is retried this often


@dataclass
class Engine:
    """One consistent snapshot: KB build, diagnoser (promoted model or literature-only), search index."""

    kb: KnowledgeBase
    diagnoser: Diagnoser
    index: PhenotypeIndex
    build_dir: Path
    loaded_at: float = field(default_factory=time.time)
    # the links' citations and evidence codes, packed (knowledge/packed.py): read by the disease pages without
    # copying the KB's shared string lists into each worker
    link_refs: Sequence[str] | None = None
    link_evidence: Sequence[str] | None = None

    def __post_init__(self) -> None:
        if self.link_refs is None:
            self.link_refs = PackedStrings(self.kb.link_refs)
        if self.link_evidence is None:
            self.link_evidence = PackedStrings(self.kb.link_evidence)

    @property
    def model_version(self) -> str:
        """The diagnoser's model version ("literature-only" without a promoted model)."""
        return self.diagnoser.model_version

    @property
    def kb_version(self) -> str:
        """The version of the knowledge-base build."""
        return self.kb.version

    @property
    def credit(self) -> str:
        """The attribution the answers carry: the build's own, else the HPO release."""
        return self.kb.meta.get("credit") or f"Human Phenotype Ontology, release {self.kb.release}"


@dataclass(frozen=True)
class CacheBudget:
    """Likelihood-cache bytes: `private` per process (LRU), `shared` for terms pinned before the fork."""

    private: int | None = None
    shared: int = 0
    table_terms: int = 0  # the most used terms' columns read from a shared memory-mapped table


def prepare(diagnoser: Diagnoser) -> None:
    """Build now what the first requests would otherwise build lazily in each worker: done before the
    fork, it is shared by all of them instead of copied once per worker."""
    network = diagnoser.network
    lazy = ("descendants_matrix", "information_content", "depth", "curated", "curated_index")
    for name in (*lazy, "curated_background", "not_keys"):
        getattr(network, name, None)
    for context in CONTEXTS:
        diagnoser.log_prior(context)
    stated_index(diagnoser.kb)
    closure_rows(network)
    getattr(diagnoser.cache, "_match_order", None)
    if diagnoser.params.fitted_contexts:
        diagnoser.fitted.unreported_closure()  # (built lazily, it would be private to each worker)


def load_engine(
    settings: Settings, previous: Engine | None = None, budget: CacheBudget = CacheBudget()
) -> Engine:
    """Load the current KB build (reused when unchanged) and the promoted model; pin the most annotated
    terms' likelihoods (budget.shared bytes) and bound the rest of the cache (budget.private)."""
    build_dir = current_dir(settings.kb_dir)
    if previous is not None and previous.build_dir == build_dir:
        kb = previous.kb
    else:
        kb = KnowledgeBase.load(build_dir)
    diagnoser = load_diagnoser(kb, settings.models_dir, "latest")
    diagnoser.cache.max_bytes = budget.private
    # an existing likelihood table is read at once (before the fork, its pages are shared by the
    # workers); a missing one is built by the first worker that needs it (EngineHolder.get), in the
    # background, so that a new server or a new model answers at once
    table = existing_table(diagnoser, settings.term_tables_dir, budget.table_terms)
    diagnoser.attach_table(table)
    if budget.shared > 0 and table is None:
        # with a table nothing is pinned: the diagnosis reads the most used terms there, and explanations
        # and next questions read no term's columns
        counts = np.bincount(diagnoser.network.ann_term, minlength=len(kb.term_ids))
        diagnoser.cache.pin(np.argsort(-counts, kind="stable").tolist(), max_bytes=budget.shared)
    prepare(diagnoser)
    # the note extractor (about 30 MB of phrase tables, 1 s) built now: before the fork it is shared by
    # the workers, instead of built by each on its first note (and copying the KB labels it reads)
    note_extractor(kb)
    previous_links = previous is not None and previous.kb is kb
    return Engine(
        kb,
        diagnoser,
        phenotype_index(kb),
        build_dir,
        link_refs=previous.link_refs if previous_links else None,
        link_evidence=previous.link_evidence if previous_links else None,
    )


def _attach_table_later(diagnoser: Diagnoser, settings: Settings, terms: int) -> None:
    """Give a model its likelihood table (one worker builds it, the others wait for it and load it); until
    then the model computes its columns as a model without a table does."""
    try:
        diagnoser.attach_table(ensure_table(diagnoser, settings.term_tables_dir, terms, 1, False))
    except Exception as error:  # the model keeps serving without a table
        log.error(
            "likelihood table not built",
            extra={"event": "reload", "outcome": "failed", "error_type": type(error).__name__},
        )


def _read(path: Path) -> tuple[bytes, int] | None:
    """A pointer's bytes and mtime (bytes: a damaged, non-UTF-8 pointer must not break a request)."""
    try:
        return path.read_bytes().strip()[:512], path.stat().st_mtime_ns
    except OSError:
        return None


class EngineHolder:
    """Serves the current Engine; notices pointer changes cheaply and reloads."""

    def __init__(
        self,
        settings: Settings,
        check_interval: float = 3.0,
        background: bool = True,
        budget: CacheBudget = CacheBudget(),
    ) -> None:
        self.settings = settings
        self.check_interval = check_interval
        self.background = background
        self.budget = budget
        self.last_error: str | None = None
        self._signature = self.signature()
        self._engine = load_engine(settings, budget=budget)  # pinned terms: shared after the fork
        self._checked = time.monotonic()
        self._retry_after = 0.0
        self._reloading = threading.Lock()
        self._pid = os.getpid()
        self._table_asked: tuple[int, int] | None = None

    @property
    def stamp_path(self) -> Path:
        """The reload stamp: touched by `reload_now`, its change makes every worker reload."""
        return self.settings.home / RELOAD_STAMP

    def signature(self) -> tuple:
        """What identifies the files to serve: the KB and model pointers and the reload stamp."""
        stamp = self.stamp_path
        try:
            stamp_mtime = stamp.stat().st_mtime_ns
        except OSError:
            stamp_mtime = None
        return (
            _read(self.settings.kb_dir / "current"),
            _read(self.settings.models_dir / PROMOTED_POINTER),
            stamp_mtime,
        )

    def peek(self) -> Engine:
        """The engine being served, without checking for changes."""
        return self._engine

    def get(self) -> Engine:
        """The engine to answer a request with. At most every `check_interval` seconds, checks the pointers
        and the reload stamp and starts a reload on a change; starts building a missing likelihood table
        once per engine and process."""
        if self._pid != os.getpid():
            self._after_fork()
        self._want_table(self._engine)
        now = time.monotonic()
        if now - self._checked >= self.check_interval:
            self._checked = now
            signature = self.signature()
            if (
                signature != self._signature
                and now >= self._retry_after
                and self._reloading.acquire(blocking=False)
            ):
                if self.background:
                    threading.Thread(
                        target=self._reload_locked, args=(signature,), name="dxgraph-reload", daemon=True
                    ).start()
                else:
                    self._reload_locked(signature)
        return self._engine

    def _want_table(self, engine: Engine) -> None:
        """In a process that answers requests, build (or wait for and load) the likelihood table of an
        engine that has none yet, in the background (once per engine and process)."""
        if not self.budget.table_terms or engine.diagnoser.table is not None:
            return
        wanted = (os.getpid(), id(engine))
        if self._table_asked == wanted:
            return
        self._table_asked = wanted
        threading.Thread(
            target=_attach_table_later,
            args=(engine.diagnoser, self.settings, self.budget.table_terms),
            name="dxgraph-table",
            daemon=True,
        ).start()

    def _after_fork(self) -> None:
        """A worker forked from the preloaded master: catch up with a change the master never loaded,
        before answering (a re-forked worker must not serve an older model than its siblings)."""
        with self._reloading:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._checked = time.monotonic()
            signature = self.signature()
            if signature != self._signature:
                self._reload(signature)

    def _reload_locked(self, signature: tuple) -> None:
        try:
            self._reload(signature)
        finally:
            self._reloading.release()

    def _reload(self, signature: tuple) -> Engine:
        started = time.perf_counter()
        try:
            # a reload happens in each worker on its own: nothing pinned (it would not be shared)
            budget = CacheBudget(private=self.budget.private, table_terms=self.budget.table_terms)
            engine = load_engine(self.settings, self._engine, budget)
        except Exception as error:  # keep serving the previous engine; retried after RETRY_S
            self.last_error = f"{type(error).__name__}: {error}"
            self._retry_after = time.monotonic() + RETRY_S
            log.error(
                "reload failed",
                extra={"event": "reload", "outcome": "failed", "error_type": type(error).__name__},
            )
            from web.metrics import RELOADS

            RELOADS.labels(outcome="failed").inc()
            return self._engine
        self._engine = engine
        self._signature = signature
        self._retry_after = 0.0
        self.last_error = None
        from web.metrics import RELOADS

        RELOADS.labels(outcome="ok").inc()
        log.info(
            "engine loaded",
            extra={
                "event": "reload",
                "outcome": "ok",
                "model_version": engine.model_version,
                "kb_version": engine.kb_version,
                "latency_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return engine

    def reload_now(self) -> Engine:
        """Reload in this process and touch the stamp so every other worker reloads too."""
        try:
            self.stamp_path.parent.mkdir(parents=True, exist_ok=True)
            self.stamp_path.touch()
        except OSError:
            log.warning("cannot write the reload stamp; other workers reload on their own checks")
        with self._reloading:
            self._checked = time.monotonic()
            return self._reload(self.signature())


def holder() -> EngineHolder:
    """The current application's EngineHolder."""
    return current_app.extensions["dxgraph"]


def engine() -> Engine:
    """The engine to answer the current request with (`EngineHolder.get`)."""
    return holder().get()
