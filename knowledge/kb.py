"""The compiled knowledge base: plain numpy arrays + JSON metadata, versioned and quick to load."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from knowledge.jsonio import read_json
from knowledge.staging import new_staging

__all__ = [
    "FORMAT_VERSION",
    "ORIGINS",
    "SEXES",
    "KnowledgeBase",
    "OutdatedFormatError",
    "current_dir",
    "load_current",
    "publish",
]

ORIGINS = ("hpo", "curated", "overlay")
SEXES = ("", "MALE", "FEMALE")
FORMAT_VERSION = 9  # bump whenever the build changes what it compiles


class OutdatedFormatError(ValueError):
    """A knowledge base compiled by an older dxgraph: rebuild it from its sources."""


@dataclass
class KnowledgeBase:
    """Phenotype DAG, diseases (HPO + curated) and weighted disease-phenotype links with provenance.

    Links are rows (one per source statement); `link_freq` is NaN where the source gives no frequency.
    """

    meta: dict  # release, version, built_at, sources, counts
    term_ids: list[str]
    term_names: list[str]
    term_parent_ptr: np.ndarray  # CSR over term index -> parent term indices
    term_parent_idx: np.ndarray
    term_info: dict  # synonyms, labels_es, synonyms_es, lay_phrases, note_phrases, alt_ids, obsolete
    disease_ids: list[str]
    disease_names: list[str]
    disease_source: list[str]  # OMIM | ORPHA | DECIPHER | curated
    disease_prevalence: np.ndarray  # float64, NaN when unknown
    disease_orphan: np.ndarray  # bool
    disease_info: list[dict]  # labels_es, xrefs, icd10, age/sex pattern, setting, inheritance, onset
    link_disease: np.ndarray  # int32
    link_term: np.ndarray  # int32
    link_freq: np.ndarray  # float32, NaN = not given
    link_n: np.ndarray  # int32, -1 when the frequency was not n/m
    link_m: np.ndarray  # int32
    link_negated: np.ndarray  # bool
    link_origin: np.ndarray  # uint8 index into ORIGINS
    link_sex: np.ndarray  # uint8 index into SEXES
    link_onset: np.ndarray  # int32 term index, -1 none
    link_refs: list[str]  # ';'-joined citations per link
    link_evidence: list[str]
    _cache: dict = field(default_factory=dict, repr=False)

    # ---- lookups -------------------------------------------------------------------------------
    @property
    def release(self) -> str:
        """The HPO release the knowledge base was built from."""
        return self.meta["release"]

    @property
    def version(self) -> str:
        """The build's fingerprint of its sources (models name the KB version they were learned on)."""
        return self.meta["version"]

    @cached_property
    def term_index(self) -> dict[str, int]:
        """HPO id -> term index (row in the term arrays)."""
        return {t: i for i, t in enumerate(self.term_ids)}

    @cached_property
    def disease_index(self) -> dict[str, int]:
        """Disease id -> disease index (row in the disease arrays)."""
        return {d: i for i, d in enumerate(self.disease_ids)}

    def parents(self, term: int) -> np.ndarray:
        """The parent term indices of a term index."""
        return self.term_parent_idx[self.term_parent_ptr[term] : self.term_parent_ptr[term + 1]]

    @cached_property
    def children_lists(self) -> list[list[int]]:
        """The child term indices of every term, by term index."""
        children: list[list[int]] = [[] for _ in self.term_ids]
        for child in range(len(self.term_ids)):
            for parent in self.parents(child):
                children[int(parent)].append(child)
        return children

    @cached_property
    def topological_order(self) -> np.ndarray:
        """Term indices, every parent before its children."""
        indegree = np.diff(self.term_parent_ptr).astype(np.int64)
        order: list[int] = [i for i in range(len(self.term_ids)) if indegree[i] == 0]
        head = 0
        while head < len(order):
            node = order[head]
            head += 1
            for child in self.children_lists[node]:
                indegree[child] -= 1
                if indegree[child] == 0:
                    order.append(child)
        if len(order) != len(self.term_ids):
            raise ValueError("the phenotype graph has a cycle")
        return np.asarray(order, dtype=np.int32)

    @cached_property
    def ancestor_sets(self) -> list[frozenset[int]]:
        """Ancestors of each term, the term itself included."""
        result: list[frozenset[int]] = [frozenset()] * len(self.term_ids)
        for node in self.topological_order:
            acc = {int(node)}
            for parent in self.parents(int(node)):
                acc |= result[int(parent)]
            result[int(node)] = frozenset(acc)
        return result

    def descendants(self, term: int) -> set[int]:
        """Descendants of a term, itself included."""
        seen = {term}
        stack = [term]
        while stack:
            for child in self.children_lists[stack.pop()]:
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen

    def resolve_term(self, term_id: str) -> tuple[str | None, str | None]:
        """Map an id to a live term: (live id or None, warning or None)."""
        if term_id in self.term_index:
            return term_id, None
        alt = self.term_info["alt_ids"].get(term_id)
        if alt:
            return alt, f"{term_id} is an alternative id of {alt}; using {alt}"
        old = self.term_info["obsolete"].get(term_id)
        if old:
            if old.get("replaced_by") in self.term_index:
                new = old["replaced_by"]
                return new, f"{term_id} is obsolete; replaced by {new}"
            return None, f"{term_id} is obsolete with no replacement (consider {', '.join(old['consider'])})"
        return None, None

    def label(self, term_id: str, lang: str = "en") -> str:
        """A term's label in lang ("en" or "es", falling back to English); the id itself for an unknown
        term."""
        if lang == "es":
            es = self.term_info["labels_es"].get(term_id)
            if es:
                return es
        idx = self.term_index.get(term_id)
        return self.term_names[idx] if idx is not None else term_id

    def disease_label(self, index: int, lang: str = "en") -> str:
        """A disease's name in lang ("en" or "es", falling back to English), by disease index."""
        if lang == "es":
            es = self.disease_info[index].get("label_es")
            if es:
                return es
        return self.disease_names[index]

    def with_diseases(self, keep: np.ndarray, meta: dict | None = None) -> KnowledgeBase:
        """A copy restricted to the diseases where `keep` is true, with their links; all terms kept."""
        keep = np.asarray(keep, dtype=bool)
        new_index = (np.cumsum(keep) - 1).astype(self.link_disease.dtype)
        links = keep[self.link_disease]
        rows = np.flatnonzero(links).tolist()

        def pick(values: list) -> list:
            return [v for v, k in zip(values, keep.tolist(), strict=True) if k]

        return replace(
            self,
            meta=self.meta if meta is None else meta,
            disease_ids=pick(self.disease_ids),
            disease_names=pick(self.disease_names),
            disease_source=pick(self.disease_source),
            disease_prevalence=self.disease_prevalence[keep],
            disease_orphan=self.disease_orphan[keep],
            disease_info=pick(self.disease_info),
            link_disease=new_index[self.link_disease[links]],
            **{
                name: getattr(self, name)[links]
                for name in self._ARRAYS
                if name.startswith("link_") and name != "link_disease"
            },
            link_refs=[self.link_refs[i] for i in rows],
            link_evidence=[self.link_evidence[i] for i in rows],
            _cache={},
        )

    # ---- persistence ---------------------------------------------------------------------------
    _ARRAYS = (
        "term_parent_ptr",
        "term_parent_idx",
        "disease_prevalence",
        "disease_orphan",
        "link_disease",
        "link_term",
        "link_freq",
        "link_n",
        "link_m",
        "link_negated",
        "link_origin",
        "link_sex",
        "link_onset",
    )
    _LISTS = (
        "term_ids",
        "term_names",
        "term_info",
        "disease_ids",
        "disease_names",
        "disease_source",
        "disease_info",
        "link_refs",
        "link_evidence",
    )

    def save(self, directory: Path) -> None:
        """Write the build to a directory: arrays.npz and kb.json."""
        directory.mkdir(parents=True, exist_ok=True)
        np.savez(directory / "arrays.npz", **{name: getattr(self, name) for name in self._ARRAYS})
        payload = {"meta": self.meta, **{name: getattr(self, name) for name in self._LISTS}}
        with open(directory / "kb.json", "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def load(cls, directory: Path) -> KnowledgeBase:
        """Read a build written by `save`; OutdatedFormatError if it was compiled in another format
        version."""
        payload = read_json(directory / "kb.json")
        if payload["meta"].get("format") != FORMAT_VERSION:
            raise OutdatedFormatError(
                f"{directory}: knowledge base format {payload['meta'].get('format')} "
                f"is not {FORMAT_VERSION}; rebuild it with `dxgraph kb build`"
            )
        with np.load(directory / "arrays.npz") as arrays:
            data = {name: arrays[name] for name in cls._ARRAYS}
        return cls(meta=payload["meta"], **{name: payload[name] for name in cls._LISTS}, **data)


def publish(kb: KnowledgeBase, kb_root: Path) -> Path:
    """Write a build next to the previous ones and switch `current` to it atomically."""
    kb_root.mkdir(parents=True, exist_ok=True)
    target = kb_root / kb.version
    if not target.exists():
        staging = new_staging(kb_root)  # (removes what a killed build left behind)
        kb.save(staging)
        os.replace(staging, target)
    pointer = kb_root / ".current.tmp"
    pointer.write_text(kb.version + "\n", encoding="utf-8")
    os.replace(pointer, kb_root / "current")
    return target


def current_dir(kb_root: Path) -> Path:
    """The directory of the current build under kb_root; FileNotFoundError when none has been published."""
    pointer = kb_root / "current"
    if not pointer.exists():
        raise FileNotFoundError(f"no knowledge base in {kb_root}; run `dxgraph kb build` first")
    return kb_root / pointer.read_text(encoding="utf-8").strip()


def load_current(kb_root: Path) -> KnowledgeBase:
    """The current knowledge base under kb_root (see `current_dir`)."""
    return KnowledgeBase.load(current_dir(kb_root))
