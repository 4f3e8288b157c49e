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

from dataclasses import dataclass, field

from knowledge.kb import KnowledgeBase
from knowledge.notes import cues as C
from knowledge.notes.lexicon import BLOCKER, Lexicon
from knowledge.notes.measures import Measures, Reading, first_usable, read_measures
from knowledge.notes.sections import FAMILY, HISTORY, PLAN, find_sections
from knowledge.notes.text import FUNCTION_WORDS, tokenize, words

__all__ = ["ABSENT", "PRESENT", "Extraction", "Finding", "Mention", "NoteExtractor"]

PRESENT, ABSENT = "present", "absent"
FAMILY_STATUS, HISTORY_STATUS, HYPOTHETICAL_STATUS = "family", "history", "hypothetical"
TRIGGER_STATUS = "trigger"  # "worse with coughing": named as what brings the complaint on
_COORDINATORS = words("or and nor o u y e ni")
# "swelling of the ankles" ~ "ankle swelling", "pain behind the knee" ~ "knee pain"
_JOINING = words("of in on at around over behind under below above across near de en")
_SITE_HEADS = words("pain swelling")  # derived from an adjective before the site: "painful", "swollen"
_SIDES = words("right left both bilateral derecho derecha izquierdo izquierda ambos ambas")
_LONG = words("term standing evolucion")  # "a long-term history of": still the current illness
_COPULA = words("was is were are been be fue es esta estan son fueron ha sido")


@dataclass(frozen=True)
class Mention:
    """One place in the note that names a term, with what the note says about it."""

    term: str
    label: str
    status: str  # present | absent | history | family | hypothetical | trigger
    severity: str | None
    text: str  # the words of the note that matched
    start: int  # character offsets in the note
    end: int
    negated: bool = False  # for history / family / hypothetical mentions: "no family history of X"
    section: str = "current"
    cue: str | None = None  # the words that set the status ("denies", "his mother", "history of")
    qualifier: str | None = None  # words between a negation and the term: "no *bloody* nipple discharge"

    @property
    def present(self) -> bool:
        """Whether the mention states the finding as present now (not absent, past, in the family,
        hypothetical or a trigger)."""
        return self.status == PRESENT

    def as_dict(self) -> dict:
        """The mention as JSON: term, label, status, severity, the text and its offsets, section and cue."""
        return {
            "id": self.term,
            "label": self.label,
            "status": self.status,
            "present": self.status == PRESENT,
            "severity": self.severity,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "negated": self.negated,
            "section": self.section,
            "cue": self.cue,
            "qualifier": self.qualifier,
        }


@dataclass
class Finding:
    """One term the note states as current, present or absent, from one or more mentions."""

    term: str
    label: str
    present: bool
    severity: str | None
    mentions: list[Mention]
    conflict: bool = False  # the note names it both present and absent
    known: str | None = None  # with known findings: "listed" (same), "contradicts" (entered the other way)
    implied_by: list[str] = field(
        default_factory=list
    )  # absent, yet a kind of it is present ("productive cough")

    @property
    def repeated(self) -> bool:
        """Whether the note mentions the finding more than once."""
        return len(self.mentions) > 1

    @property
    def text(self) -> str:
        """The words of the first mention."""
        return self.mentions[0].text

    def as_dict(self) -> dict:
        """The finding as JSON: term, label, presence, severity, its first mention's text and offsets, every
        mention."""
        first = self.mentions[0]
        return {
            "id": self.term,
            "label": self.label,
            "present": self.present,
            "severity": self.severity,
            "text": first.text,
            "start": first.start,
            "end": first.end,
            "mentions": [
                {"status": m.status, "text": m.text, "start": m.start, "end": m.end} for m in self.mentions
            ],
            "conflict": self.conflict,
            "repeated": self.repeated,
            "known": self.known,
            "implied_by": self.implied_by,
        }


@dataclass
class Extraction:
    """Everything read from one note."""

    findings: list[Finding]  # current, present or absent (a conflict keeps the first mention's state)
    context: list[Mention]  # history, family, hypothetical: named but not current findings
    mentions: list[Mention]  # every mention in note order
    readings: list[Reading] = field(default_factory=list)
    age: Reading | None = None
    sex: str | None = None

    @property
    def vitals(self) -> dict[str, float]:
        """The first usable reading of each vital sign (see `measures.first_usable`)."""
        return first_usable(self.readings)

    @property
    def conflicts(self) -> list[Finding]:
        """The findings stated both present and absent."""
        return [f for f in self.findings if f.conflict]

    @property
    def repeats(self) -> list[Finding]:
        """The findings mentioned more than once without conflict."""
        return [f for f in self.findings if f.repeated and not f.conflict]

    def evidence(self) -> tuple[list[tuple[str, str | None]], list[str], list[str]]:
        """(observed [(term, severity)], excluded [term], warnings) to diagnose with.

        A term the note names both ways keeps its first mention's state and is named in a warning; a finding
        that contradicts what the doctor entered (`known`) is left to the entry and named in a warning."""
        observed: list[tuple[str, str | None]] = []
        excluded: list[str] = []
        warnings: list[str] = []
        for f in self.findings:
            if f.known == "contradicts":
                state = "present" if f.present else "absent"
                warnings.append(
                    f"{f.term} {f.label}: the note says {state}, the entry says otherwise; kept the entry"
                )
                continue
            if f.implied_by:  # a kind of it is present, so it is too: the absent statement is left out
                named = ", ".join(f.implied_by)
                warnings.append(
                    f"{f.term} {f.label}: the note says absent but names {named}; left out, check"
                )
                continue
            if f.conflict:
                said = "; ".join(f"{m.status} ('{m.text}')" for m in f.mentions)
                first = "present" if f.present else "absent"
                warnings.append(
                    f"{f.term} {f.label}: the note says {said}; used the first ({first}), please check"
                )
            if f.present:
                observed.append((f.term, f.severity))
            else:
                excluded.append(f.term)
        return observed, excluded, warnings

    def as_dict(self) -> dict:
        """The extraction as JSON: findings, context mentions, vitals, readings, age, sex, conflicts and
        repeats."""
        return {
            "findings": [f.as_dict() for f in self.findings],
            "context": [m.as_dict() for m in self.context],
            "vitals": self.vitals,
            "readings": [r.as_dict() for r in self.readings],
            "age": self.age.value if self.age else None,
            "sex": self.sex,
            "conflicts": [f.term for f in self.conflicts],
            "repeats": [f.term for f in self.repeats],
        }


@dataclass
class _Scope:
    """A cue in force: where it is, what it said, and whether it reaches past its clause."""

    start: int
    end: int
    text: str
    clause: int
    wide: bool = True  # "No fever, chills or cough": a list; "bruising without trauma, pain": one clause
    no_history: bool = False  # "no history of": a denied past history, not a current absent finding
    trigger: bool = False  # "worse with": what follows brings the complaint on


@dataclass
class _Match:
    first: int  # token positions, inclusive
    last: int
    term: int
    negated_form: bool


class NoteExtractor:
    """Reads notes against one knowledge base (build once per KB: `note_extractor(kb)`)."""

    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon | None = None) -> None:
        self.kb = kb
        self.lexicon = lexicon or Lexicon(kb)

    # ---- public ---------------------------------------------------------------------------------
    def extract(self, text: str, lang: str = "en", known: dict[str, bool] | None = None) -> Extraction:
        """Findings, context, vitals, age and sex of a note; `known` = term -> present, already entered."""
        tokens = tokenize(text or "")
        sections, headers = find_sections(tokens)
        measures = read_measures(tokens)
        skip = headers | measures.consumed
        weight = {p for _, first, last in measures.findings for p in range(first, last + 1)}
        matches = self._match(tokens, skip)
        for term, first, last in measures.findings:
            if term in self.kb.term_index:
                matches.append(_Match(first, last, self.kb.term_index[term], False))
        matches.sort(key=lambda m: (m.first, m.last))
        mentions = self._contextualise(tokens, matches, sections, skip - weight, lang)
        return self._assemble(mentions, measures, known or {})

    # ---- phrase matching ------------------------------------------------------------------------
    def _match(self, tokens, skip: set[int]) -> list[_Match]:
        lex = self.lexicon
        content = [p for p in range(len(tokens)) if p not in skip and tokens.norm[p] not in FUNCTION_WORDS]
        keys = [lex.key_of(tokens.norm[p]) for p in content]
        alts = [lex.forms.get(tokens.norm[p], k) for p, k in zip(content, keys, strict=True)]
        differs = [a != k for a, k in zip(alts, keys, strict=True)]
        # linked[i]: content i+1 follows content i in the same clause with only function words between
        linked = [False] * len(content)
        joined = [False] * len(content)  # ... and a joining preposition between them
        for i in range(len(content) - 1):
            a, b = content[i], content[i + 1]
            between = range(a + 1, b)
            if tokens.clause[a] == tokens.clause[b] and not any(p in skip for p in between):
                linked[i] = True
                joined[i] = any(tokens.norm[p] in _JOINING for p in between)
        matches: list[_Match] = []
        i = 0
        while i < len(content):
            candidates = [self._longest(keys, linked, i)]
            if True in differs[i : i + 4]:
                candidates.append(self._longest(alts, linked, i))
            derived = alts[i] in _SITE_HEADS and alts[i] != keys[i]  # "painful joints", "swollen legs"
            if linked[i] and (joined[i] and alts[i] == keys[i] or (derived and not joined[i])):
                candidates.append(self._swapped(keys, alts, linked, i))  # "pain in the chest", "aching bones"
            best: tuple[int, int, bool, bool] = (0, BLOCKER, False, False)
            for found in candidates:
                if (
                    found
                    and found[0] > best[0]
                    and self._case_ok(tokens, content[i], content[i + found[0] - 1], found)
                ):
                    best = found
            length, term, negated_form, _ = best
            if length == 0:
                i += 1
                continue
            if content[i] - 1 >= 0 and tokens.norm[content[i] - 1] == "non":
                if length > 1:  # "non-bloody diarrhea": diarrhea, not bloody diarrhea
                    i += 1
                    continue
                negated_form = not negated_form  # "non-itchy": no itching
            if term != BLOCKER:
                matches.append(_Match(content[i], content[i + length - 1], term, negated_form))
            i += length
        matches += self._distributed(tokens, content, keys, linked, matches)
        matches.sort(key=lambda m: (m.first, m.last))
        return matches

    def _longest(self, keys: list[str], linked: list[bool], i: int) -> tuple[int, int, bool, bool] | None:
        """(length, term, negated form?, abbreviation?) of the longest phrase starting at content i."""
        table = self.lexicon.table
        for length in self.lexicon.lengths.get(keys[i], ()):
            if i + length > len(keys) or not all(linked[i : i + length - 1]):
                continue
            hit = table.get(tuple(keys[i : i + length]))
            if hit is not None:
                return length, hit[0], hit[2], hit[1]
        return None

    def _swapped(self, keys, alts, linked, i: int) -> tuple[int, int, bool, bool] | None:
        """ "pain in the chest" ~ "chest pain", "swelling of both ankles" ~ "ankle swelling", "pain in her
        right heel" ~ "heel pain" (a side between is read past)."""
        table = self.lexicon.table
        side = 1 if i + 2 < len(keys) and keys[i + 1] in _SIDES and linked[i + 1] else 0
        for sequence in (keys, alts):
            for length in (2, 1):
                first = i + 1 + side
                if first + length > len(sequence) or not all(linked[i : first + length - 1]):
                    continue
                hit = table.get(tuple(sequence[first : first + length]) + (sequence[i],))
                if hit is not None:
                    return side + length + 1, hit[0], hit[2], hit[1]
        return None

    @staticmethod
    def _case_ok(tokens, first: int, last: int, found: tuple[int, int, bool, bool]) -> bool:
        """An abbreviation ("MI", "DOE", "JVD") only in capitals in the note."""
        return not found[3] or tokens.text[tokens.start[first] : tokens.end[last]].isupper()

    def _distributed(self, tokens, content, keys, linked, matches: list[_Match]) -> list[_Match]:
        """Coordinated phrases: "abdominal pain or distension" -> abdominal distension, "cold or heat
        intolerance" -> cold intolerance, "dolor abdominal o torácico" -> dolor torácico."""
        table = self.lexicon.table
        covered = {p for m in matches for p in range(m.first, m.last + 1)}
        full = {(m.first, m.last) for m in matches}
        extra: list[_Match] = []
        ends = {m.last: m for m in matches}
        carried: dict[tuple[int, ...], list[str]] = {}  # a run's words after distribution, for the next one
        for a, b in self._conjunct_pairs(tokens, content, linked):
            ending = ends.get(content[a[-1]])
            ka = carried.get(tuple(a))
            a = [i for i in a if content[i] >= ending.first] if ending else self._trim(tokens, content, a)
            b_run, b = tuple(b), self._trim(tokens, content, b)
            if not a or not b:
                continue
            ka, kb = ka or [keys[i] for i in a], [keys[i] for i in b]
            a_span, b_span = (content[a[0]], content[a[-1]]), (content[b[0]], content[b[-1]])
            if len(ka) > 1 and b_span not in full:
                for key in (tuple(ka[:-1] + kb), tuple(ka[:1] + kb)):
                    hit = table.get(key)
                    if hit and hit[0] != BLOCKER:
                        extra.append(_Match(b_span[0], b_span[1], hit[0], hit[2]))
                        carried[b_run] = list(key)
                        break
            if len(kb) > 1 and not any(p in covered for p in range(a_span[0], a_span[1] + 1)):
                for key in (tuple(ka + kb[-1:]), tuple(ka[-1:] + kb[-1:])):  # "central chest and abdominal
                    hit = table.get(key)  # discomfort": chest discomfort
                    if hit and hit[0] != BLOCKER:
                        extra.append(_Match(content[a[-len(key) + 1]], a_span[1], hit[0], hit[2]))
                        break
        return extra

    def _trim(self, tokens, content, run: list[int]) -> list[int]:
        """The run without its leading cue words and other words no phrase contains ("no", "severe")."""
        words = self.lexicon.words
        keep = len(run)
        for position in range(len(run) - 1, -1, -1):
            p = content[run[position]]
            if C.PRE.at(tokens.norm, p) is not None or self.lexicon.key_of(tokens.norm[p]) not in words:
                break
            keep = position
        return run[keep:]

    @staticmethod
    def _conjunct_pairs(tokens, content, linked) -> list[tuple[list[int], list[int]]]:
        """Neighbouring runs of content indices joined by a coordinator ("or", "y", "ni") in one clause."""
        pairs: list[tuple[list[int], list[int]]] = []
        run: list[int] = []
        previous: list[int] = []
        after_coordinator = False
        for i, p in enumerate(content):
            if i and not linked[i - 1]:  # a new clause (or a number, a cue of another kind) in between
                if after_coordinator and previous and run:
                    pairs.append((previous, run))
                run, previous, after_coordinator = [], [], False
            if tokens.norm[p] in _COORDINATORS:
                if after_coordinator and previous and run:
                    pairs.append((previous, run))
                previous, run, after_coordinator = run, [], True
                continue
            run.append(i)
        if after_coordinator and previous and run:
            pairs.append((previous, run))
        return pairs

    # ---- context --------------------------------------------------------------------------------
    def _contextualise(self, tokens, matches: list[_Match], sections, skip, lang: str) -> list[Mention]:
        norm, raw = tokens.norm, tokens.raw
        starts: dict[int, list[_Match]] = {}
        inside: set[int] = set()
        for m in matches:
            starts.setdefault(m.first, []).append(m)
            inside.update(range(m.first, m.last + 1))
        family = self._family_marks(tokens)
        blocked = skip | inside
        mentions: list[Mention] = []
        negation: _Scope | None = None
        hypothetical: _Scope | None = None
        history: _Scope | None = None
        trigger: _Scope | None = None
        sentence = -1
        position = 0
        n = len(tokens)
        while position < n:
            if tokens.sentence[position] != sentence:
                sentence = tokens.sentence[position]
                negation = hypothetical = history = trigger = None
            else:
                if negation and not negation.wide and tokens.clause[position] != negation.clause:
                    negation = None
                if trigger and tokens.clause[position] != trigger.clause:
                    trigger = None
            for m in starts.get(position, ()):
                mentions.append(
                    self._mention(
                        tokens, m, sections, blocked, family, negation, hypothetical or trigger, history, lang
                    )
                )
            if position in inside or position in skip:
                position += 1
                continue
            cue = C.PRE.at(norm, position) if norm[position] in C.PRE else None
            if cue is None or (norm[position] == "si" and raw[position] != "si"):
                position += 1
                continue
            kind, length = cue
            text = tokens.text[tokens.start[position] : tokens.end[position + length - 1]]
            scope = _Scope(position, position + length, text, tokens.clause[position])
            if kind == C.NEGATION:
                scope.wide = self._leads_sentence(tokens, position, skip, inside)
                negation = scope
            elif kind == C.HYPOTHETICAL:
                hypothetical = scope
            elif kind == C.TRIGGER:
                scope.trigger = True
                trigger = scope
            elif kind == C.NO_HISTORY:
                scope.no_history = True
                negation = history = scope
            elif kind == C.HISTORY and not self._current_illness(tokens, position):
                history = scope
            elif kind == C.TERMINATE:
                if negation and position > negation.end:  # not "no presenta", "does not have"
                    negation = None
                if hypothetical and position > hypothetical.end:
                    hypothetical = None
                if history and position > history.end:
                    history = None
            position += length
        return mentions

    def _mention(
        self, tokens, m: _Match, sections, skip, family, negation, hypothetical, history, lang
    ) -> Mention:
        kb = self.kb
        term_id = kb.term_ids[m.term]
        section = sections[m.first]
        post = self._post_negation(tokens, m.last)
        negated = bool(negation) or m.negated_form or post is not None
        cue = negation.text if negation else post
        relative = self._relative(tokens, m, family)
        qualifier = None
        if negation and negation.no_history and section != FAMILY:  # "no history of X": past history, denied
            status, cue = HISTORY_STATUS, negation.text
        elif section == FAMILY or relative:
            status, cue = FAMILY_STATUS, relative or section
        elif negated:
            status = ABSENT
            qualifier = self._qualifier(tokens, negation.end, m.first, skip) if negation else None
        elif hypothetical and hypothetical.trigger:
            status, cue = TRIGGER_STATUS, hypothetical.text
        elif hypothetical or section == PLAN:
            status, cue = HYPOTHETICAL_STATUS, hypothetical.text if hypothetical else section
        elif self._past_event(tokens, m, skip):
            status, cue = HISTORY_STATUS, "ago"
        elif history or section == HISTORY:
            status, cue = HISTORY_STATUS, history.text if history else section
        else:
            status, cue = PRESENT, None
        start, end = tokens.start[m.first], tokens.end[m.last]
        return Mention(
            term_id,
            kb.label(term_id, lang),
            status,
            self._severity(tokens, m, skip, lang) if status == PRESENT else None,
            tokens.text[start:end],
            start,
            end,
            negated=negated and status not in (ABSENT, PRESENT),
            section=section,
            cue=cue,
            qualifier=qualifier,
        )

    @staticmethod
    def _past_event(tokens, m: _Match, skip) -> bool:
        """ "She had an infection 1 week ago": a past event (a duration then "ago" right after the term,
        after "had" or "was" in its clause), not a current finding."""
        norm, clause = tokens.norm, tokens.clause[m.first]
        cursor = m.last + 1
        while cursor < len(norm) and cursor in skip and tokens.clause[cursor] == clause:
            cursor += 1
        if cursor == m.last + 1 or cursor >= len(norm) or norm[cursor] not in C.PAST_EVENT:
            return False
        p = m.first - 1
        while p >= 0 and tokens.clause[p] == clause:
            if norm[p] in ("had", "was", "were", "tuvo", "tenia", "habia"):
                return True
            p -= 1
        return False

    @staticmethod
    def _leads_sentence(tokens, position: int, skip, inside) -> bool:
        """A negation near the start of its sentence ("No fever, chills", "The patient denies fever, cough")
        reaches over commas; one after a finding ("cough without fever, headache") keeps to its clause."""
        sentence, before, p = tokens.sentence[position], 0, position - 1
        while p >= 0 and tokens.sentence[p] == sentence:
            if p in inside:
                return False
            if p not in skip and tokens.norm[p] not in FUNCTION_WORDS:
                before += 1
            p -= 1
        return before <= 2

    @staticmethod
    def _qualifier(tokens, cue_end: int, first: int, skip) -> str | None:
        """Content words between a negation and its term that are not another finding: "no *bloody* nipple
        discharge" denies the blood, not the discharge named elsewhere."""
        norm = tokens.norm
        words = [
            tokens.text[tokens.start[p] : tokens.end[p]]
            for p in range(cue_end, first)
            if p not in skip
            and norm[p] not in FUNCTION_WORDS
            and norm[p] not in _COORDINATORS
            and norm[p] not in C.PRE
            and tokens.clause[p] == tokens.clause[first]
        ]
        return " ".join(words) or None

    @staticmethod
    def _current_illness(tokens, position: int) -> bool:
        """ "a 3 day history of", "presented with a history of", "she has a history of" (in the account of
        the illness, not a past-history section): the current illness, not past history."""
        norm = tokens.norm
        if position > 0 and (norm[position - 1] in C.DURATION_UNITS or norm[position - 1] in _LONG):
            return True
        if norm[position] not in ("history", "historia"):
            return False  # "previous", "known", "antecedentes de": past history
        sentence = tokens.sentence[position]
        p = position - 1
        while p >= 0 and tokens.sentence[p] == sentence:
            if norm[p] in C.PRESENTING or (position - p <= 3 and norm[p] in C.CURRENT_HISTORY):
                return True
            p -= 1
        return False

    @staticmethod
    def _post_negation(tokens, last: int) -> str | None:
        norm = tokens.norm
        n = len(norm)
        cursor = last + 1
        while cursor < n and norm[cursor] in _COPULA and cursor - last <= 2:
            cursor += 1
        if cursor >= n or tokens.sentence[cursor] != tokens.sentence[last]:
            return None
        for cue in C.POST_FIRST.get(norm[cursor], ()):
            if tuple(norm[cursor : cursor + len(cue)]) == cue:
                return " ".join(cue)
        gap = tokens.text[tokens.end[last] : tokens.start[cursor]]
        following_ends = cursor + 1 >= n or tokens.clause[cursor + 1] != tokens.clause[cursor]
        if norm[cursor] == "no" and ":" in gap and following_ends:
            return "no"  # "Fiebre: no"
        return None

    @staticmethod
    def _family_marks(tokens) -> list[tuple[int, int, str]]:
        """(position, sentence, words) where a relative's own health starts being described: a relative who
        has something ("his mother has", "padre con", "father died of") or "family history of"."""
        norm = tokens.norm
        marks: list[tuple[int, int, str]] = []
        for p, word in enumerate(norm):
            if word in C.RELATIVES:
                ahead = [
                    norm[q]
                    for q in range(p + 1, min(p + 5, len(norm)))
                    if tokens.sentence[q] == tokens.sentence[p] and norm[q] not in C.RELATIVE_FILLERS
                ]
                if ahead and ahead[0] in C.RELATIVE_HAS and not any(w in C.REPORTING for w in ahead):
                    marks.append((p, tokens.sentence[p], tokens.text[tokens.start[p] : tokens.end[p]]))
            elif word in C.FAMILY_FIRST:
                for phrase in C.FAMILY_FIRST[word]:
                    if tuple(norm[p : p + len(phrase)]) == phrase:
                        marks.append((p, tokens.sentence[p], " ".join(phrase)))
        return marks

    @staticmethod
    def _relative(tokens, m: _Match, marks) -> str | None:
        """The relative whose finding this is: after a family mark in its sentence, or "X in his mother"."""
        sentence = tokens.sentence[m.first]
        for position, mark_sentence, cue in marks:
            if mark_sentence == sentence and position < m.first:
                return cue
        norm = tokens.norm
        cursor = m.last + 1
        while cursor < min(m.last + 3, len(norm)) and norm[cursor] in C.DISEASE_WORDS:
            cursor += 1  # "peptic ulcer disease in his mother"
        if cursor < len(norm) and norm[cursor] in ("in", "en", "de") and tokens.sentence[cursor] == sentence:
            cursor += 1
            while cursor < len(norm) and norm[cursor] in C.RELATIVE_FILLERS and cursor - m.last < 5:
                cursor += 1
            if cursor < len(norm) and norm[cursor] in C.RELATIVES and tokens.sentence[cursor] == sentence:
                return tokens.text[tokens.start[cursor] : tokens.end[cursor]]
        return None

    @staticmethod
    def _severity(tokens, m: _Match, skip, lang: str) -> str | None:
        """A severity word next to the mention in its clause: before it ("severe headache", "intenso dolor")
        or right after it ("dolor intenso", "pain is severe")."""
        norm = tokens.norm
        clause = tokens.clause[m.first]
        for p in (m.first - 1, m.first - 2):
            if p >= 0 and tokens.clause[p] == clause and norm[p] in C.SEVERITY_WORDS:
                return C.SEVERITY_WORDS[norm[p]]
        for p in (m.last + 1, m.last + 2, m.last + 3):
            if p < len(norm) and tokens.clause[p] == clause and norm[p] in C.SEVERITY_WORDS:
                between = norm[m.last + 1 : p]
                if all(w in _COPULA or w in FUNCTION_WORDS for w in between):
                    return C.SEVERITY_WORDS[norm[p]]
        return None

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
