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
from knowledge.notes.measures import Measures, Reading, read_measures
from knowledge.notes.sections import FAMILY, HISTORY, PLAN, find_sections
from knowledge.notes.text import FUNCTION_WORDS, tokenize, words

PRESENT, ABSENT = "present", "absent"
FAMILY_STATUS, HISTORY_STATUS, HYPOTHETICAL_STATUS = "family", "history", "hypothetical"
_COORDINATORS = words("or and nor o u y e ni")
_JOINING = words("of in on at around over de en")  # "swelling of the ankles" ~ "ankle swelling"
_COPULA = words("was is were are been be fue es esta estan son fueron ha sido")


@dataclass(frozen=True)
class Mention:
    """One place in the note that names a term, with what the note says about it."""

    term: str
    label: str
    status: str  # present | absent | history | family | hypothetical
    severity: str | None
    text: str  # the words of the note that matched
    start: int  # character offsets in the note
    end: int
    negated: bool = False  # for history / family / hypothetical mentions: "no family history of X"
    section: str = "current"
    cue: str | None = None  # the words that set the status ("denies", "his mother", "history of")

    @property
    def present(self) -> bool:
        return self.status == PRESENT

    def as_dict(self) -> dict:
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

    @property
    def repeated(self) -> bool:
        return len(self.mentions) > 1

    def as_dict(self) -> dict:
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
        found: dict[str, float] = {}
        for r in self.readings:
            if r.unreadable is None:
                found.setdefault(r.name, r.value)
        return found

    @property
    def conflicts(self) -> list[Finding]:
        return [f for f in self.findings if f.conflict]

    @property
    def repeats(self) -> list[Finding]:
        return [f for f in self.findings if f.repeated and not f.conflict]

    def usable(self) -> list[Finding]:
        """Findings that can be used as evidence as they stand: no conflict in the note or with the entry."""
        return [f for f in self.findings if not f.conflict and f.known != "contradicts"]

    def as_dict(self) -> dict:
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
            best = self._longest(keys, linked, i) or (0, BLOCKER, False)
            if alts[i] != keys[i] or any(alts[j] != keys[j] for j in range(i, min(i + 4, len(content)))):
                other = self._longest(alts, linked, i)
                if other and other[0] > best[0]:
                    best = other
            if linked[i] and joined[i]:
                swapped = self._swapped(keys, alts, linked, i)
                if swapped and swapped[0] > best[0]:
                    best = swapped
            length, term, negated_form = best
            if length == 0:
                i += 1
                continue
            if content[i] - 1 >= 0 and tokens.norm[content[i] - 1] == "non":
                if length > 1:  # "non-bloody diarrhea": diarrhea, not bloody diarrhea
                    i += 1
                    continue
                negated_form = not negated_form  # "non-itchy": no itching
            first, last = content[i], content[i + length - 1]
            if term != BLOCKER and self._case_ok(tokens, first, last, keys[i : i + length]):
                matches.append(_Match(first, last, term, negated_form))
            i += length
        matches += self._distributed(tokens, content, keys, linked, matches)
        matches.sort(key=lambda m: (m.first, m.last))
        return matches

    def _longest(self, keys: list[str], linked: list[bool], i: int) -> tuple[int, int, bool] | None:
        table = self.lexicon.table
        for length in self.lexicon.lengths.get(keys[i], ()):
            if i + length > len(keys) or not all(linked[i : i + length - 1]):
                continue
            hit = table.get(tuple(keys[i : i + length]))
            if hit is not None:
                return length, hit[0], hit[2]
        return None

    def _swapped(self, keys, alts, linked, i: int) -> tuple[int, int, bool] | None:
        """ "pain in the chest" ~ "chest pain", "swelling of both ankles" ~ "ankle swelling"."""
        table = self.lexicon.table
        for sequence in (keys, alts):
            for length in (2, 1):
                if i + 1 + length > len(sequence) or not all(linked[i : i + length]):
                    continue
                hit = table.get(tuple(sequence[i + 1 : i + 1 + length]) + (sequence[i],))
                if hit is not None:
                    return length + 1, hit[0], hit[2]
        return None

    def _case_ok(self, tokens, first: int, last: int, keys: list[str]) -> bool:
        """An abbreviation ("MI", "TB") only in capitals in the note."""
        hit = self.lexicon.table.get(tuple(keys))
        if hit is None or not hit[1]:
            return True
        return tokens.text[tokens.start[first] : tokens.end[last]].isupper()

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
                hit = table.get(tuple(ka + kb[-1:]))
                if hit and hit[0] != BLOCKER:
                    extra.append(_Match(a_span[0], a_span[1], hit[0], hit[2]))
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
        family_sentences = self._family_sentences(tokens)
        mentions: list[Mention] = []
        negation = hypothetical = history = None  # (cue start, cue end, cue text) while in scope
        sentence = -1
        position = 0
        n = len(tokens)
        while position < n:
            if tokens.sentence[position] != sentence:
                sentence = tokens.sentence[position]
                negation = hypothetical = history = None
            for m in starts.get(position, ()):
                mentions.append(
                    self._mention(
                        tokens, m, sections, skip, family_sentences, negation, hypothetical, history, lang
                    )
                )
            if position in inside or position in skip:
                position += 1
                continue
            cue = C.PRE.at(norm, position)
            if cue is None or (norm[position] == "si" and raw[position] != "si"):
                position += 1
                continue
            kind, length = cue
            span = (
                position,
                position + length,
                tokens.text[tokens.start[position] : tokens.end[position + length - 1]],
            )
            if kind == C.NEGATION:
                negation = span
            elif kind == C.HYPOTHETICAL:
                hypothetical = span
            elif kind == C.NO_HISTORY:
                negation = history = span + (C.NO_HISTORY,)
            elif kind == C.HISTORY and not self._current_illness(tokens, position):
                history = span
            elif kind == C.TERMINATE:
                if negation and position > negation[1] + 1:
                    negation = None
                if hypothetical and position > hypothetical[1] + 1:
                    hypothetical = None
                if history and position > history[1] + 1:
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
        cue = negation[2] if negation else post
        if negation and len(negation) > 3 and section != FAMILY:  # "no history of X": past history, denied
            status, cue = HISTORY_STATUS, negation[2]
        elif section == FAMILY or tokens.sentence[m.first] in family:
            status = FAMILY_STATUS
            cue = family.get(tokens.sentence[m.first], "family history")
        elif negated:
            status = ABSENT
        elif hypothetical or section == PLAN:
            status, cue = HYPOTHETICAL_STATUS, hypothetical[2] if hypothetical else section
        elif history or section == HISTORY:
            status, cue = HISTORY_STATUS, history[2] if history else section
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
        )

    @staticmethod
    def _current_illness(tokens, position: int) -> bool:
        """ "a 3 day history of", "presented with a history of": the current illness, not past history."""
        norm = tokens.norm
        if position > 0 and norm[position - 1] in C.DURATION_UNITS:
            return True
        sentence = tokens.sentence[position]
        behind = [p for p in range(max(0, position - 5), position) if tokens.sentence[p] == sentence]
        return any(norm[p] in C.PRESENTING for p in behind)

    @staticmethod
    def _post_negation(tokens, last: int) -> str | None:
        norm = tokens.norm
        n = len(norm)
        cursor = last + 1
        while cursor < n and norm[cursor] in _COPULA and cursor - last <= 2:
            cursor += 1
        if cursor >= n or tokens.sentence[cursor] != tokens.sentence[last]:
            return None
        for cue in C.POST_NEGATIONS:
            if tuple(norm[cursor : cursor + len(cue)]) == cue:
                return " ".join(cue)
        gap = tokens.text[tokens.end[last] : tokens.start[cursor]]
        following_ends = cursor + 1 >= n or tokens.clause[cursor + 1] != tokens.clause[cursor]
        if norm[cursor] == "no" and ":" in gap and following_ends:
            return "no"  # "Fiebre: no"
        return None

    @staticmethod
    def _family_sentences(tokens) -> dict[int, str]:
        """Sentences about a relative's health ("his mother has diabetes"), not a relative reporting."""
        norm = tokens.norm
        found: dict[int, str] = {}
        for p, word in enumerate(norm):
            if word in C.RELATIVES:
                ahead = norm[p + 1 : p + 4]
                behind = norm[max(0, p - 3) : p]
                if any(w in C.REPORTING for w in ahead) or "patient" in behind and "s" in behind:
                    continue
                found.setdefault(tokens.sentence[p], tokens.text[tokens.start[p] : tokens.end[p]])
        for phrase in C.FAMILY_PHRASES:
            for p in range(len(norm) - len(phrase) + 1):
                if tuple(norm[p : p + len(phrase)]) == phrase:
                    found.setdefault(tokens.sentence[p], " ".join(phrase))
        return found

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
                continue
            finding.mentions.append(mention)
            if mention.present != finding.present:
                finding.conflict = True
            if finding.severity is None and mention.present:
                finding.severity = mention.severity
        for finding in by_term.values():
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
