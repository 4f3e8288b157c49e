"""A library candidate for note extraction, measured by benchmarks/notes.py beside ours: a blank spaCy 3.8
English pipeline (sentencizer + entity ruler over the same phrases the note extractor reads: HPO labels and
exact/layperson synonyms, Spanish labels and synonyms, the lay vocabulary and the note phrases) with
negspacy 1.1 (NegEx, clinical termset). No sections, family/history/hypothetical context, coordination or
vitals: that is what the library gives. Needs `pip install negspacy==1.1.0` (not a project dependency)."""

from __future__ import annotations

import spacy
from negspacy.negation import Negex  # noqa: F401  (registers the "negex" factory)
from negspacy.termsets import termset

from knowledge.kb import KnowledgeBase
from knowledge.notes.lexicon import GENERIC, PHENOTYPIC_ABNORMALITY
from knowledge.notes.text import phrase_key


class SpacyExtractor:
    """note -> (present terms, absent terms)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
        ruler.add_patterns([{"label": term, "pattern": text} for text, term in self._phrases()])
        nlp.add_pipe("negex", config={"neg_termset": termset("en_clinical").get_patterns()})
        self.nlp = nlp

    def _phrases(self) -> list[tuple[str, str]]:
        kb, info = self.kb, self.kb.term_info
        root = kb.term_index.get(PHENOTYPIC_ABNORMALITY)
        allowed = kb.descendants(root) if root is not None else set(range(len(kb.term_ids)))
        seen: dict[str, str] = {}

        def add(text: str, term: str) -> None:
            key = text.strip().lower()
            if len(key) >= 3 and phrase_key(key) not in GENERIC:
                seen.setdefault(key, term)

        for term_id, phrases in info.get("note_phrases", {}).items():
            for phrase, _, absent in phrases:
                if term_id and not absent:
                    add(phrase, term_id)
        for t in sorted(allowed):
            term_id = kb.term_ids[t]
            add(kb.term_names[t], term_id)
            for text, scope, kind in info["synonyms"].get(term_id, []):
                if scope == "EXACT" or kind == "layperson":
                    add(text, term_id)
            if term_id in info["labels_es"]:
                add(info["labels_es"][term_id], term_id)
            for text in info["synonyms_es"].get(term_id, []):
                add(text, term_id)
        for term_id, phrases in info.get("lay_phrases", {}).items():
            for phrase, _, reviewed in phrases:
                if term_id and reviewed:
                    add(phrase, term_id)
        return list(seen.items())

    def extract(self, text: str) -> tuple[set[str], set[str]]:
        doc = self.nlp(text)
        present = {e.label_ for e in doc.ents if not e._.negex}
        absent = {e.label_ for e in doc.ents if e._.negex} - present
        return present, absent
