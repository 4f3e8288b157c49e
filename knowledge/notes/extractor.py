"""The note extractor: free text (English or Spanish) -> HPO findings a doctor can check, with why.

One pass over the note's tokens: section headers, numbers (vitals, age, durations), longest phrase matches
against the lexicon (with "X of the Y" read as "Y X" and coordinated phrases distributed: "abdominal pain
or distension" names abdominal distension too), then each mention's context: negated (before: "no",
"sin", "denies"; after: "absent", "negativo"), hypothetical ("if", "rule out", "si presenta"), family
("his mother", "antecedentes familiares"), past history ("history of", the past-history section). Only
current mentions are findings, present or absent; the others are returned as context. A term named both
present and absent is a conflict, a term named twice a repeat, and with `known` findings (what the doctor
already entered) each finding says whether it is new, already listed or contradicts the entry: all of it is
returned for the caller to show, nothing is dropped.
"""

from __future__ import annotations

from dataclasses import replace

from knowledge.kb import KnowledgeBase
from knowledge.notes.complaint_onset import read_complaint_onset
from knowledge.notes.context import MentionReader
from knowledge.notes.duration import read_complaint_duration
from knowledge.notes.lexicon import Lexicon
from knowledge.notes.matching import PhraseMatch, PhraseMatcher
from knowledge.notes.measures import Measures, read_measures
from knowledge.notes.patterns import SentencePatterns
from knowledge.notes.results import ABSENT, PRESENT, Extraction, Finding, Mention
from knowledge.notes.risk import RiskReader
from knowledge.notes.sections import find_sections
from knowledge.notes.text import tokenize

__all__ = ["NoteExtractor"]

PAIN = "HP:0012531"  # Pain: a described pain keeps its own reading too


class NoteExtractor:
    """Reads notes against one knowledge base (build once per KB: `note_extractor(kb)`)."""

    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon | None = None) -> None:
        self.kb = kb
        self.lexicon = lexicon or Lexicon(kb)
        self._matcher = PhraseMatcher(self.lexicon)
        self._patterns = SentencePatterns(kb)
        self._reader = MentionReader(kb)
        self._risks = RiskReader(kb, self._reader)
        self._pain = kb.term_index.get(PAIN, -1)
        self._sex_kinds = self._sex_kinds_of()

    # ---- public ---------------------------------------------------------------------------------
    def extract(self, text: str, lang: str = "en", known: dict[str, bool] | None = None) -> Extraction:
        """Findings, context, vitals, age and sex of a note; `known` = term -> present, already entered."""
        tokens = tokenize(text or "")
        sections, headers = find_sections(tokens)
        measures = read_measures(tokens)
        skip = headers | measures.consumed
        weight = {p for _, first, last in measures.findings for p in range(first, last + 1)}
        described, qualifiers = self._patterns.match(tokens, skip)
        matches = [
            m
            for m in self._matcher.match(tokens, skip, measures.ages)
            if not all(p in qualifiers for p in range(m.first, m.last + 1))
            and not self._redescribed(m, described)
        ]
        matches += [  # a phrase over the head naming the same finding is the same mention ("esputo verdoso")
            d
            for d in described
            if not any(m.term == d.term and m.first <= d.last and d.first <= m.last for m in matches)
        ]
        for term, first, last in measures.findings:
            if term in self.kb.term_index:
                matches.append(PhraseMatch(first, last, self.kb.term_index[term], False))
        matches.sort(key=lambda m: (m.first, m.last))
        mentions = self._reader.read(tokens, matches, sections, skip - weight, lang)
        if measures.sex is not None:
            mentions = self._of_sex(mentions, measures.sex[0], lang)
        extraction = self._assemble(mentions, measures, known or {})
        extraction.duration = read_complaint_duration(tokens, sections, measures.ages)
        started = read_complaint_onset(tokens, sections)
        if started is not None:
            extraction.complaint_onset, extraction.complaint_onset_text = (
                started[0],
                text[started[1] : started[2]],
            )
        risk = self._risks.read(tokens, sections, skip, mentions, lang, headers)
        extraction.risk_factors, extraction.family_history = risk.factors, risk.family_history
        extraction.risk_mentions = risk.as_dict()["risk_mentions"]
        return extraction

    def _of_sex(self, mentions: list[Mention], sex: str, lang: str) -> list[Mention]:
        """ "Decreased libido" in a woman is decreased female libido, "infertility" in a man male
        infertility: a term with a kind for the patient's sex (the same label with "female" / "male") is read
        as that kind."""
        kinds = self._sex_kinds.get(sex, {})
        return [
            replace(m, term=kinds[m.term], label=self.kb.label(kinds[m.term], lang)) if m.term in kinds else m
            for m in mentions
        ]

    def _sex_kinds_of(self) -> dict[str, dict[str, str]]:
        """sex -> term -> its child for that sex: a child whose label is the term's with "female" or "male"
        added ("Decreased female libido" of "Decreased libido", "Male infertility" of "Infertility")."""
        kb = self.kb
        kinds: dict[str, dict[str, str]] = {"female": {}, "male": {}}
        for index, term in enumerate(kb.term_ids):
            words = kb.label(term).lower().split()
            for sex in ("female", "male"):
                if sex not in words or len(words) < 2:
                    continue
                rest = [w for w in words if w != sex]
                for parent in kb.parents(index):
                    if kb.label(kb.term_ids[parent]).lower().split() == rest:
                        kinds[sex][kb.term_ids[parent]] = term
        return kinds

    def _redescribed(self, match: PhraseMatch, described: list[PhraseMatch]) -> bool:
        """ "sweating episodes at night" is night sweats, not hyperhidrosis; "phlegm ... blood-tinged"
        hemoptysis, not more sputum; "fatiga al respirar" dyspnea, not fatigue: a head phrase a note pattern
        describes (or a phrase inside it) is read as the described finding only, unless its own term is a
        kind the described one belongs to, or a pain ("low back pain radiating down the leg" stays)."""
        kb = self.kb
        for other in described:
            inside = other.first <= match.first and match.last <= other.last
            if not inside or other.term == match.term:
                continue
            kept = match.term in kb.ancestor_sets[other.term] or self._pain in kb.ancestor_sets[match.term]
            return not kept
        return False

    # ---- result ---------------------------------------------------------------------------------
    def _mark_ancestor_conflicts(self, by_term: dict[str, Finding]) -> None:
        """ "No cough" beside "productive cough": a term cannot be absent while a kind of it is present; the
        absent one is marked a conflict naming the present ones (kept absent, for the doctor to resolve)."""
        kb = self.kb
        present = [kb.term_index[t] for t, f in by_term.items() if any(m.present for m in f.mentions)]
        if not present:
            return
        ancestors = kb.ancestor_sets
        implied = set().union(*(ancestors[t] for t in present))
        for term, finding in by_term.items():
            index = kb.term_index[term]
            if index in implied and not any(m.present for m in finding.mentions):
                finding.conflict = True
                finding.implied_by = [by_term[kb.term_ids[t]].label for t in present if index in ancestors[t]]

    def _assemble(self, mentions: list[Mention], measures: Measures, known: dict[str, bool]) -> Extraction:
        by_term: dict[str, Finding] = {}
        context: list[Mention] = []
        for mention in mentions:
            if mention.status not in (PRESENT, ABSENT):
                context.append(mention)
                continue
            finding = by_term.get(mention.term)
            if finding is None:
                by_term[mention.term] = Finding(
                    mention.term, mention.label, mention.present, mention.severity, [mention]
                )
            else:
                finding.mentions.append(mention)
        self._mark_ancestor_conflicts(by_term)
        for finding in by_term.values():
            present = [m for m in finding.mentions if m.present]
            absent = [m for m in finding.mentions if not m.present]
            if present and absent:
                # "no bloody nipple discharge" beside "purulent nipple discharge" is not a contradiction
                finding.conflict = any(m.qualifier is None for m in absent)
                if not finding.conflict:
                    finding.present = True
            if present and finding.severity is None:
                finding.severity = next((m.severity for m in present if m.severity), None)
            if finding.term in known:
                finding.known = "listed" if known[finding.term] == finding.present else "contradicts"
        return Extraction(
            list(by_term.values()),
            context,
            mentions,
            measures.readings,
            measures.age,
            measures.sex[0] if measures.sex else None,
        )
