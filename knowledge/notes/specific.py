"""The more specific term when the note supports it. A phrase match names the term its words spell; the note
often says more than those words:

- a qualifier a few words away: "chronic productive cough" names chronic cough too, "recurrent episodes of
  fever" recurrent fever, "fiebre alta intermitente" intermittent fever (the qualifier and the head form a
  lexicon phrase naming a kind of the head's term);
- the duration: "a 6-month history of watery diarrhea", "tos desde hace 3 meses" name chronic diarrhea and
  chronic cough (a lexicon phrase "chronic X" naming a kind of X, and the nearest duration in the sentence at
  least eight weeks, HPO's longest threshold for "chronic");
- a term whose label joins two of its kinds ("Nausea and vomiting", "N/V") is read as both kinds, the way a
  doctor writes a list, so that the findings match the diseases described with either.
"""

from __future__ import annotations

from knowledge.notes.lexicon import BLOCKER, Lexicon, PhraseMatch
from knowledge.notes.text import phrase_key, words

__all__ = ["Specifier"]

WINDOW = 2  # content words between a qualifier and its head phrase's first (or last) word, inclusive
_FILLERS = words("episode episodes bout bouts attack attacks spell spells episodio episodios cuadro cuadros")
_NEGATING = words("non no not sin")
_CHRONIC = ("chronic", "cronica", "cronico")
_CHRONIC_WEEKS = 8.0
WEEKS_PER_UNIT = {
    **dict.fromkeys(words("day days dia dias"), 1 / 7),
    **dict.fromkeys(words("week weeks wk wks semana semanas"), 1.0),
    **dict.fromkeys(words("month months mo mes meses"), 4.35),
    **dict.fromkeys(words("year years yr yrs ano anos"), 52.0),
}
NUMBER_WORDS = {
    **dict.fromkeys(words("a an one un una uno"), 1.0),
    **dict.fromkeys(words("two dos couple"), 2.0),
    **dict.fromkeys(words("three tres few several varios varias"), 3.0),
    **dict.fromkeys(words("four cuatro"), 4.0),
    **dict.fromkeys(words("five cinco"), 5.0),
    **dict.fromkeys(words("six seis"), 6.0),
    **dict.fromkeys(words("many muchos muchas"), 6.0),
}


class Specifier:
    """Rewrites a note's phrase matches to the more specific terms its words support."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        kb = lexicon.kb
        self._descendants: dict[int, set[int]] = {}
        self.splits: dict[int, tuple[int, ...]] = {}
        for term, name in enumerate(kb.term_names):
            parts = [phrase_key(part) for part in name.lower().split(" and ")]
            if len(parts) < 2 or not all(parts):
                continue
            hits = [lexicon.table.get(part) for part in parts]
            kinds = tuple(hit[0] for hit in hits if hit and hit[0] != BLOCKER)
            if len(kinds) == len(parts) and all(self._is_kind(kind, term) for kind in kinds):
                self.splits[term] = kinds
        # words that qualify another phrase of the table, at its start or end, and the phrases that have a
        # chronic kind: the only ones worth looking up for a match (a note's words are mostly neither)
        self._qualifiers: set[str] = set()
        self._chronic_bases: set[tuple[str, ...]] = set()
        for key in lexicon.table:
            if len(key) < 2:
                continue
            if key[1:] in lexicon.table or key[-1:] in lexicon.table:
                self._qualifiers.add(key[0])
                if key[0] in _CHRONIC:
                    self._chronic_bases.add(key[1:])
            if key[:-1] in lexicon.table or key[:1] in lexicon.table:
                self._qualifiers.add(key[-1])
                if key[-1] in _CHRONIC:
                    self._chronic_bases.add(key[:-1])

    def _is_kind(self, term: int, of: int) -> bool:
        """Whether `term` is a proper descendant of `of` (a kind of it)."""
        below = self._descendants.get(of)
        if below is None:
            below = self._descendants[of] = set(self.lexicon.kb.descendants(of)) - {of}
        return term in below

    def refine(self, tokens, content: list[int], keys: list[str], linked: list[bool], matches, ages) -> list:
        """The matches with qualified, chronic and joined terms made specific (the caller sorts them); `ages`
        are the positions of the patient's age ("34 años" is not a duration)."""
        index = {p: i for i, p in enumerate(content)}
        refined: list[PhraseMatch] = []
        for m in matches:
            first, last = index.get(m.first), index.get(m.last)
            kinds: list[int] = []
            if first is not None and last is not None and not m.negated_form:
                phrase = tuple(keys[first : last + 1])
                kinds = self._qualified(tokens, content, keys, linked, (first, last), m.term)
                kinds = kinds or self._chronic(tokens, m, phrase, ages)
            if any(self._is_kind(kind, m.term) for kind in kinds):
                refined += [PhraseMatch(m.first, m.last, kind, False) for kind in kinds]
            else:
                refined += [m] + [PhraseMatch(m.first, m.last, kind, False) for kind in kinds]
        return [
            PhraseMatch(m.first, m.last, kind, m.negated_form)
            for m in refined
            for kind in self.splits.get(m.term, (m.term,))
        ]

    def _kind_of_phrase(self, key: tuple[str, ...], base: tuple[str, ...]) -> int | None:
        """The term of phrase `key` when it is a kind of the term of phrase `base` ("chronic cough" of
        "cough")."""
        table = self.lexicon.table
        hit, below = table.get(key), table.get(base)
        if not hit or not below or hit[0] == BLOCKER or below[0] == BLOCKER or hit[1]:
            return None
        return hit[0] if self._is_kind(hit[0], below[0]) else None

    def _qualified(self, tokens, content, keys, linked, span: tuple[int, int], term: int) -> list[int]:
        """Kinds of the match's term named by a qualifier up to WINDOW content words before or after it in
        its clause ("chronic productive cough", "recurrent episodes of fever", "fiebre alta intermitente");
        not a negated qualifier ("non-productive cough")."""
        first, last = span
        phrase = tuple(keys[first : last + 1])
        found: list[int] = []
        for step, edge in ((-1, first), (1, last)):
            cursor, counted = edge, 0
            while counted < WINDOW:
                following = cursor + step
                if following < 0 or following >= len(keys) or not linked[min(cursor, following)]:
                    break
                cursor = following
                word = keys[cursor]
                if word in _FILLERS:
                    continue
                if content[cursor] > 0 and tokens.norm[content[cursor] - 1] in _NEGATING:
                    break
                counted += 1
                if word not in self._qualifiers:
                    continue
                bases = (phrase, phrase[-1:]) if step < 0 else (phrase, phrase[:1])
                for base in dict.fromkeys(bases):  # either order: "episodios recurrentes de fiebre"
                    for key in ((word,) + base, base + (word,)):
                        kind = self._kind_of_phrase(key, base)
                        if kind is not None and kind != term and kind not in found:
                            found.append(kind)
        return found

    def _chronic(self, tokens, m: PhraseMatch, phrase: tuple[str, ...], ages) -> list[int]:
        """The chronic kind of the match's term when the nearest duration in its sentence is eight weeks or
        more ("a 6-month history of diarrhea", "tos desde hace 3 meses")."""
        if phrase not in self._chronic_bases:
            return []
        for word in _CHRONIC:
            for key in ((word,) + phrase, phrase + (word,)):
                kind = self._kind_of_phrase(key, phrase)
                if kind is not None:
                    weeks = nearest_duration(tokens, m.first, m.last, ages)
                    return [kind] if weeks is not None and weeks >= _CHRONIC_WEEKS else []
        return []


def nearest_duration(tokens, first: int, last: int, ages=frozenset()) -> float | None:
    """Weeks of the duration ("6 months", "two years", "6-month") nearest to tokens first..last in their
    sentence, or None."""
    norm, sentence = tokens.norm, tokens.sentence[first]
    best: tuple[int, float] | None = None
    p = first
    while p > 0 and tokens.sentence[p - 1] == sentence:
        p -= 1
    while p < len(norm) and tokens.sentence[p] == sentence:
        unit = norm[p]
        if unit in WEEKS_PER_UNIT and p > 0 and tokens.sentence[p - 1] == sentence and p not in ages:
            amount = norm[p - 1]
            number = float(amount) if amount.isdigit() else NUMBER_WORDS.get(amount)
            if number is not None:
                distance = first - p if p < first else p - last
                if best is None or distance < best[0]:
                    best = (distance, number * WEEKS_PER_UNIT[unit])
        p += 1
    return best[1] if best else None
