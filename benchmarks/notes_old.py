"""The note extractor as it was before issue 12 (`PhenotypeIndex.extract` at commit 79f5bd2), frozen here
so benchmarks/notes.py can measure old and new in one run. Not used by the product."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.search import LABEL, OTHER_SYNONYM, PhenotypeIndex, normalize

_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.;:!?\n\r]+")
_GENERIC = frozenset(
    ["all", "abnormal", "abnormality", "normal", "increased", "decreased", "other", "unknown", "anomalia"]
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NEGATION_CUES = _words(
    "no not denies denied deny denying without nor never absence "
    "sin niega nego niegan negando ni nunca ausencia descarta descartado descartada"
)
NEGATION_NEEDS_NEXT = {"negative": {"for"}, "negativo": {"para", "a"}, "negativa": {"para", "a"}}
NEGATION_AFTER = _words(
    "absent negative denied excluded ausente ausentes negativo negativa negado negada descartado descartada"
)
SCOPE_END = _words(
    "but however although though except yet with has have reports complains presents "
    "pero aunque sino excepto salvo con refiere tiene presento"
)
SEVERITY_WORDS = {
    **dict.fromkeys(_words("mild slight light leve leves ligero ligera"), "mild"),
    **dict.fromkeys(_words("moderate moderado moderada"), "moderate"),
    **dict.fromkeys(_words("severe intense marked serious severo severa intenso intensa grave"), "severe"),
}
assert LABEL == 0


def _fold(token: str) -> str:
    return token[:-1] if len(token) > 4 and token.endswith("s") and not token.endswith("ss") else token


@dataclass(frozen=True)
class OldMention:
    term: str
    present: bool
    severity: str | None


class OldExtractor:
    """Longest phrase match over HPO labels and exact/layperson synonyms, sentence-wide negation."""

    def __init__(self, index: PhenotypeIndex) -> None:
        self.index = index
        table: dict[tuple[str, ...], tuple[float, int, bool]] = {}
        for entry, norm in enumerate(index.entry_norm):
            if index.entry_kind[entry] == OTHER_SYNONYM and not index.entry_layperson[entry]:
                continue
            if len(norm) < 3 or norm in _GENERIC:
                continue
            key = tuple(_fold(t) for t in norm.split())
            score = index._static[entry]
            if key not in table or score < table[key][0]:
                table[key] = (score, index.entry_term[entry], index.entry_abbreviation[entry])
        self._phrases = {key: (term, abbreviation) for key, (_, term, abbreviation) in table.items()}
        self._max_phrase = max((len(p) for p in self._phrases), default=0)

    def extract(self, text: str, limit: int = 200) -> list[OldMention]:
        mentions: list[OldMention] = []
        seen: set[int] = set()
        for _, sentence in _sentences(text or ""):
            words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(sentence)]
            tokens = [normalize(w) for _, _, w in words]
            folded = [_fold(t) for t in tokens]
            negated_from: int | None = None
            position = 0
            while position < len(tokens):
                token = tokens[position]
                if token in SCOPE_END:
                    negated_from = None
                if token in NEGATION_CUES or (
                    token in NEGATION_NEEDS_NEXT
                    and position + 1 < len(tokens)
                    and tokens[position + 1] in NEGATION_NEEDS_NEXT[token]
                ):
                    negated_from = position
                found = self._longest_at(folded, words, position)
                if found is None:
                    position += 1
                    continue
                term, length = found
                end = position + length
                if term not in seen and len(mentions) < limit:
                    seen.add(term)
                    after = tokens[end : end + 3]
                    absent = negated_from is not None or any(t in NEGATION_AFTER for t in after[:2])
                    severity = next(
                        (
                            SEVERITY_WORDS[t]
                            for t in tokens[max(0, position - 2) : position] + after[:2]
                            if t in SEVERITY_WORDS
                        ),
                        None,
                    )
                    mentions.append(OldMention(self.index.kb.term_ids[term], not absent, severity))
                position = end
        return mentions

    def _longest_at(self, folded, words, position):
        for length in range(min(self._max_phrase, len(folded) - position), 0, -1):
            hit = self._phrases.get(tuple(folded[position : position + length]))
            if hit is None:
                continue
            term, abbreviation = hit
            if abbreviation and not all(w.isupper() for _, _, w in words[position : position + length]):
                continue
            return term, length
        return None


def _sentences(text: str) -> list[tuple[int, str]]:
    pieces = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append((start, text[start : match.start()]))
        start = match.end()
    pieces.append((start, text[start:]))
    return [(offset, piece) for offset, piece in pieces if piece.strip()]
