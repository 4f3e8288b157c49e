"""The context of each phrase match in a note: negation before and after it, hypothetical and trigger
cues, family members and the family-history section, past history (cue, section or "ago") and a severity
word beside it, scoped by sentence and clause. Turns the matches into mentions with their status."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from knowledge.kb import KnowledgeBase
from knowledge.notes import cues as C
from knowledge.notes.matching import PhraseMatch
from knowledge.notes.results import (
    ABSENT,
    CONTACT_STATUS,
    DIAGNOSIS_STATUS,
    ELSEWHERE_STATUS,
    FAMILY_STATUS,
    HISTORY_STATUS,
    HYPOTHETICAL_STATUS,
    PRESENT,
    TRIGGER_STATUS,
    Mention,
)
from knowledge.notes.sections import FAMILY, HISTORY, PLAN
from knowledge.notes.text import FUNCTION_WORDS, words

__all__ = ["MentionReader"]

_LONG = words("term standing evolucion")  # "a long-term history of": still the current illness
_COPULA = words("was is were are been be fue es esta estan son fueron ha sido")
# between a finding and a negation after it: "the cough has resolved", "fever which has since resolved",
# "la tos ya se ha resuelto"
# "settled with rest", "cedió con paracetamol": an episode relieved by something happened; only "settled",
# "resolved" ... alone say the finding is gone
_EPISODE_ENDED = words("settled resolved subsided cleared cedido cedida cedidos cedidas remitido remitida")
_RELIEVED_BY = words("with after on by following con tras")
_POST_GAP = _COPULA | words("has have had which that since now completely ya se que ha han")
# "pain when coughing", "leaks on sneezing", "dolor al toser": the action that brings a complaint on
_WHEN = words("when whenever while on upon during al cuando")
_WITH = words("with by con")  # only after a comparison: "more frequent with coughing", "worse by coughing"
_COMPARED = words(
    "worse worsens worsened more frequent frequently increases increased intensity aggravated exacerbated "
    "better improves eased relieved triggered provoked peor empeora aumenta mejora"
)
_BEFORE = words("before prior antes")  # "before the onset of his symptoms"
# before a dated past event: "she had", "she experienced hand swelling 6 months back", "tuvo tos hace un año"
_PAST_VERBS = words(
    "had was were experienced suffered developed got tuvo tenia habia presento sufrio padecio"
)
_KNOWN = words("known conocido conocida")
# after "known X": the words that start what the patient comes with now ("known asthmatic with", "conocida
# diabética que acude por")
_KNOWN_ENDS = words(
    "with brought presenting presents presented who now today acude acudio consulta traido traida que con"
)
_HAVING = words("has have had having was were tenia tuvo habia estaba")
# the treatment a finding names: "heartburn medication" is not heartburn now
_TREATMENTS = words(
    "medication medications medicine medicines meds tablets pills drugs inhaler inhalers treatment "
    "medicacion medicamento medicamentos pastillas farmacos tratamiento inhalador inhaladores"
)
_PRONOUNS = words("he she they i you we it him them one el ella ellos")
# between a relative or contact and what says they have it: "a coworker who had", "sick contacts with"
RELATIVE_IS_REACH = 5  # "her mother is a nurse who noticed a rash": the rash is the patient's
_OTHER_FILLERS = C.RELATIVE_FILLERS | words("sick several some many other un una unos unas")
_PLACE_WORDS = words(
    "in at from of en de del class school nursery daycare work office ward home clase colegio escuela "
    "guarderia trabajo oficina residencia casa"
)
_OFF = words("off")  # "kids off with colds"


def _past_place(ahead: list[str]) -> list[str]:
    """The words after a contact past where they are ("in his class", "at nursery", "de la guardería"), and
    "off" before "with" read as having ("kids off with colds")."""
    start = 0
    while start < len(ahead) - 1 and ahead[start] in _PLACE_WORDS:
        start += 1
    if start and ahead[start] not in C.RELATIVE_HAS and ahead[start] not in _OFF:
        return ahead  # not a place after all
    rest = ahead[start:]
    return ["with", *rest[2:]] if rest[:2] == ["off", "with"] else rest


_FOR = words("for para contra")  # "an inhaler for asthma", "pastillas para la tensión"
# procedures done for a condition: "surgery for", "performed for a caecal carcinoma" (not "admitted for chest
# pain": the illness being presented)
_PROCEDURES = words(
    "surgery operation operated performed resection excision removal removed cirugia operado operada "
    "intervenido intervenida extirpacion"
)
_TREATED = _TREATMENTS | _PROCEDURES
# a diagnosis named rather than a finding: one respiratory infection ("pneumonia", "bronquitis"; a recurrent
# one is a finding: "recurrent chest infections")
_DIAGNOSIS_ROOTS = ("HP:0011947",)  # Respiratory tract infection
_RECURRENT_ROOT = "HP:0002719"  # Recurrent infections


def _named_diagnoses(kb: KnowledgeBase) -> frozenset[int]:
    """The terms that, named in a note, are a diagnosis, not a presenting finding."""
    roots = [kb.term_index[t] for t in _DIAGNOSIS_ROOTS if t in kb.term_index]
    terms = set().union(*(kb.descendants(r) for r in roots)) if roots else set()
    if _RECURRENT_ROOT in kb.term_index:
        terms -= set(kb.descendants(kb.term_index[_RECURRENT_ROOT]))
    return frozenset(terms)


# a time long past: what happened then is past history
_LONG_AGO = C.by_first_word(
    tuple(cue.split(" "))
    for cue in C.phrases(
        "last year|years ago|year ago|as a child|in childhood|in his childhood|in her childhood|"
        "when he was a child|when she was a child|ano pasado|anos atras|de nino|de nina|en la infancia|"
        "de pequeno|de pequena|childhood|de la infancia|hace anos|hace muchos anos|hace varios anos|"
        "hace unos anos"
    )
)
# "síncope hace dos años", "hace 3 años": dated years back ("desde hace dos años" is a duration, see _DURING)
_YEAR_COUNTS = words("un uno dos tres cuatro cinco")
_YEARS = words("ano anos")
_DURING = words("in for over during since throughout within en durante desde")  # "for the last year"
_ARTICLES = words("the a el la un una")
EVENT_CUES = words("after following tras despues")  # "after a fall", "tras una caída", "después de una"
_EVENTS = words("fall caida trauma injury traumatismo accident accidente")  # "after fall": no article
_INDEFINITE = words("a an un una de")
# a complaint that began long ago and goes on: "the pain started 2 years ago", "tos desde hace años"
_STARTED = words(
    "started start starts began begin begins beginning onset since noticed developed ongoing persisted "
    "persists persistent still comenzo empezo inicio desde persiste persistente continua sigue todavia aun"
)


@dataclass
class _Scope:
    """A cue in force: where it is, what it said, and whether it reaches past its clause."""

    start: int
    end: int
    text: str
    clause: int
    wide: bool = True  # "No fever, chills or cough": a list; "bruising without trauma, pain": one clause
    firm: bool = False  # "before the onset of ..., he was having X": not ended by "was having", "had"
    no_history: bool = False  # "no history of": a denied past history, not a current absent finding
    trigger: bool = False  # "worse with": what follows brings the complaint on
    known: bool = (
        False  # "known asthmatic with 2 days of wheeze": the condition is known, what it comes with is not
    )
    desire: bool = False  # "wants to", "quiere": a wish, which keeps to its clause
    warning: bool = False  # "warning signs: stiff neck, petechiae": what to watch for, past a colon too


class MentionReader:
    """Reads the context of phrase matches against one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._diagnoses = _named_diagnoses(kb)

    def read(self, tokens, matches: list[PhraseMatch], sections, skip, lang: str) -> list[Mention]:
        """Each match as a mention with its status, cue, severity and qualifier, in note order."""
        norm, raw = tokens.norm, tokens.raw
        starts: dict[int, list[PhraseMatch]] = {}
        inside: set[int] = set()
        for m in matches:
            starts.setdefault(m.first, []).append(m)
            inside.update(range(m.first, m.last + 1))
        family = self._family_marks(tokens)
        bounds = _starts(tokens)
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
                if negation and position > negation.end and norm[position] in _PATIENT_AGAIN:
                    negation = None  # "Although no fever, she looks unwell and is tachypnoeic"
                if (
                    hypothetical
                    and not hypothetical.warning
                    and tokens.clause[position] != hypothetical.clause
                    and ":" in tokens.text[tokens.end[position - 1] : tokens.start[position]]
                ):
                    hypothetical = None  # "Possible chest infection: productive cough, fever"
                if trigger and tokens.clause[position] != trigger.clause:
                    trigger = None
                if hypothetical and hypothetical.desire and tokens.clause[position] != hypothetical.clause:
                    hypothetical = None  # "doesn't want to eat, threw up twice": the wish keeps to its clause
                if history and _illness_duration(tokens, position, history):
                    history = None  # "Known diabetic, unwell for 2 days with vomiting": the current illness
            for m in starts.get(position, ()):
                mention = self._mention(
                    tokens, m, sections, blocked, family, negation, hypothetical or trigger, history, lang
                )
                mentions.append(_as_circumstance(tokens, m, mention, mentions))
            if history and history.known and position >= history.end and norm[position] in _KNOWN_ENDS:
                history = None  # "Known cirrhotic brought by his wife with confusion": the confusion is new
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
                scope.wide = (
                    self._leads_sentence(tokens, position, skip, inside)
                    or self._in_negative_list(tokens, position, bounds)
                    or (position > 0 and norm[position - 1] in _LIST_AFTER)  # "..., but no X, Y or Z"
                ) and not _denies_an_action(tokens, position, length, inside)
                negation = scope
            elif kind == C.HYPOTHETICAL:
                scope.desire = tuple(norm[position : position + length]) in _DESIRES
                scope.warning = tuple(norm[position : position + length]) in _WARNINGS
                hypothetical = scope
            elif kind == C.TRIGGER:
                scope.trigger = True
                trigger = scope
            elif kind == C.NO_HISTORY:
                scope.no_history = True
                negation = history = scope
            elif kind == C.HISTORY and not self._current_illness(tokens, position):
                scope.firm = norm[position] in _BEFORE
                scope.known = norm[position] in _KNOWN and length == 1
                history = scope
            elif kind == C.TERMINATE:
                if negation and position > negation.end:  # not "no presenta", "does not have"
                    negation = None
                if hypothetical and position > hypothetical.end:
                    if _auxiliaries_only(norm, hypothetical.end, position + length):
                        hypothetical.end = position + length  # "might have had", "if he had", "si ha tenido"
                    else:
                        hypothetical = None
                if history and position > history.end and not (history.firm and norm[position] in _HAVING):
                    history = None
            position += length
        return mentions

    def _mention(
        self, tokens, m: PhraseMatch, sections, skip, family, negation, hypothetical, history, lang
    ) -> Mention:
        kb = self.kb
        term_id = kb.term_ids[m.term]
        section = sections[m.first]
        post = self._post_negation(tokens, m.last)
        uncertain = _post_uncertain(tokens, m.last)  # "sepsis not ruled out": still possible
        if uncertain:
            after = m.last + 1
            post = None
            hypothetical = hypothetical or _Scope(after, after, uncertain, tokens.clause[m.last], wide=False)
        if negation and negation.text.lower() in ("never", "nunca") and _like_this(tokens, m):
            negation = None  # "never had chest pain like this before": a first such episode, present now
        negated = (bool(negation) or m.negated_form or post is not None) and not uncertain
        cue = negation.text if negation else post
        relative = self._relative(tokens, m, family)
        qualifier = None
        if negation and negation.no_history and section != FAMILY:  # "no history of X": past history, denied
            status, cue = HISTORY_STATUS, negation.text
        elif section == FAMILY or relative:
            status, cue = (relative[1], relative[0]) if relative else (FAMILY_STATUS, section)
        elif (treated := self._treatment(tokens, m) or _treated_complaint(tokens, m)) is not None:
            status, cue = HISTORY_STATUS, treated
        elif (action := self._action_trigger(tokens, m)) is not None:
            status, cue = TRIGGER_STATUS, action
        elif (answer := _question(tokens, m)) is not None and answer != "yes":
            status, cue = (ABSENT, answer) if answer == "no" else (HYPOTHETICAL_STATUS, "?")
        elif negated and (elsewhere := _other_site(tokens, m)) is not None:
            status, cue = ELSEWHERE_STATUS, elsewhere
        elif negated and not (post is None and negation and _property_denied(tokens, m, negation.clause)):
            status = ABSENT
            qualifier = self._qualifier(tokens, negation.end, m.first, skip) if negation else None
        elif hypothetical and hypothetical.trigger:
            status, cue = TRIGGER_STATUS, hypothetical.text
        elif hypothetical or section == PLAN:
            status, cue = HYPOTHETICAL_STATUS, hypothetical.text if hypothetical else section
        elif self._past_event(tokens, m, skip):
            status, cue = HISTORY_STATUS, "ago"
        elif (long_ago := self._long_ago(tokens, m) or self._event_before(tokens, m)) is not None:
            status, cue = HISTORY_STATUS, long_ago
        elif history or section == HISTORY:
            status, cue = HISTORY_STATUS, history.text if history else section
        elif (controlled := _controlled(tokens, m)) is not None:
            status, cue = HISTORY_STATUS, controlled
        elif m.term in self._diagnoses:
            status, cue = DIAGNOSIS_STATUS, None
        elif (name := _disease_name(tokens, m)) is not None:
            status, cue = DIAGNOSIS_STATUS, name
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
    def _treatment(tokens, m: PhraseMatch) -> str | None:
        """ "heartburn medication", "asthma inhaler", "tos tratamiento" (the word right after it), "an inhaler
        for asthma", "pastillas para la tensión", "a hemicolectomy performed for a carcinoma", "operado de"
        (a treatment or procedure word, then "for"): what a treatment is for is treated history."""
        norm, clause = tokens.norm, tokens.clause[m.last]
        following = m.last + 1
        if following < len(tokens) and norm[following] in _TREATMENTS and tokens.clause[following] == clause:
            return tokens.text[tokens.start[following] : tokens.end[following]]
        # "for a caecal carcinoma": two words between
        return _pair_before(tokens, m, _TREATED, _FOR, clause)

    @staticmethod
    def _event_before(tokens, m: PhraseMatch) -> str | None:
        """ "knee pain after a fall", "a rash following a viral infection", "dolor tras una caída": the event
        the illness followed ("after a", a few words at most before the term), not a current finding; a
        complaint line's "wrist pain after fall" writes the event without its article."""
        event = _pair_before(tokens, m, EVENT_CUES, _INDEFINITE, tokens.clause[m.first])
        before = m.first - 1
        bare = (
            event is None
            and before >= 0
            and m.first == m.last
            and tokens.norm[before] in EVENT_CUES
            and tokens.norm[m.first] in _EVENTS
            and tokens.clause[before] == tokens.clause[m.first]
        )
        return tokens.text[tokens.start[before] : tokens.end[before]] if bare else event

    @staticmethod
    def _long_ago(tokens, m: PhraseMatch) -> str | None:
        """ "treated for pneumonia last year", "asthma as a child", "neumonía el año pasado": a time long past
        in the finding's clause (not "for the last year", "in the last year": a duration, nor "started 2 years
        ago": still current)."""
        norm, clause = tokens.norm, tokens.clause[m.first]
        p = m.first
        while p > 0 and tokens.clause[p - 1] == clause:
            p -= 1
        end = m.last + 1
        while end < len(norm) and tokens.clause[end] == clause:
            end += 1
        for q in range(p, end):
            if norm[q] not in _LONG_AGO or m.first <= q <= m.last:
                continue
            cue = next((a for a in _LONG_AGO[norm[q]] if tuple(norm[q : q + len(a)]) == a), None)
            if cue is None and norm[q] == "hace" and _years_back(norm, q):
                cue = tuple(norm[q : q + 3])
            before = [w for w in norm[max(0, q - 2) : q] if w not in _ARTICLES][-1:]
            if cue is None or (before and before[0] in _DURING):
                continue
            if any(norm[r] in _STARTED for r in range(p, end)):
                return None  # "the pain started 2 years ago": still going on
            return " ".join(cue)
        return None

    @staticmethod
    def _in_negative_list(tokens, position: int, starts: tuple[list[int], list[int]]) -> bool:
        """A negation that opens its clause in a list of negatives ("No palpitation or dyspnea, No LOC,
        headache or dizziness"): the sentence or the clause before opens with a negation too, so this one
        reaches over the commas that follow like the first (`starts`: each token's clause and sentence
        start)."""
        norm, clause = tokens.norm, tokens.clause
        if position == 0 or clause[position - 1] == clause[position]:
            return False
        clause_start, sentence_start = starts
        for start in {clause_start[position - 1], sentence_start[position]} - {position}:
            cue = C.PRE.at(norm, start) if norm[start] in C.PRE else None
            if cue is not None and cue[0] == C.NEGATION:
                return True
        return False

    @staticmethod
    def _action_trigger(tokens, m: PhraseMatch) -> str | None:
        """ "pain when coughing", "leaks urine when she coughs or sneezes", "worse with straining and
        coughing", "dolor al toser": a finding named as an action that brings the complaint on (a verb form
        after "when", "on", "al", or after "with" following a comparison) is a trigger, not a finding."""
        norm, clause = tokens.norm, tokens.clause[m.first]
        if m.described or not _is_action(norm[m.first]):
            return None
        if (made_worse := _makes_worse(tokens, m)) is not None:
            return made_worse
        p = m.first - 1
        while p >= 0 and tokens.clause[p] == clause:
            word = norm[p]
            if word in _WHEN:
                return tokens.text[tokens.start[p] : tokens.end[m.first]]
            if word in _WITH:
                before = norm[max(0, p - 3) : p]
                compared = any(w in _COMPARED for w in before) and tokens.clause[max(0, p - 1)] == clause
                return tokens.text[tokens.start[p] : tokens.end[m.first]] if compared else None
            if not (
                word in FUNCTION_WORDS or word in C.COORDINATORS or word in _PRONOUNS or _is_action(word)
            ):
                return None
            p -= 1
        return None

    @staticmethod
    def _past_event(tokens, m: PhraseMatch, skip) -> bool:
        """ "She had an infection 1 week ago", "she experienced feet swelling and pain 6 months back", "tuvo
        tos hace 3 semanas", "he had similar chest pain before": a past event (a past verb before the term in
        its clause; after it, a duration then "ago" or "back", "hace" then a duration, or "before" / "antes"
        closing the clause), not a current finding."""
        norm, clause = tokens.norm, tokens.clause[m.first]
        cursor, dated = m.last + 1, False
        while cursor < len(norm) and tokens.clause[cursor] == clause and cursor - m.last <= 8:
            if norm[cursor] in C.PAST_EVENT and cursor - 1 in skip and cursor - 1 > m.last:
                dated = True  # "6 months back"
            elif norm[cursor] in _BEFORE_NOW and _ends_clause(tokens, cursor) and not _like_this(tokens, m):
                dated = True  # "he had similar chest pain before", "ya había tenido tos antes"
            elif norm[cursor] == "hace" and cursor + 1 in skip:
                dated = True  # "hace un año"
            if dated:
                break
            cursor += 1
        if not dated:
            return False
        p = m.first - 1
        while p >= 0 and tokens.clause[p] == clause:
            if norm[p] in _PAST_VERBS:
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
            and norm[p] not in C.COORDINATORS
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
        upto = tokens.start[last + 1] if last + 1 < n else len(tokens.text)
        right_after = tokens.text[tokens.end[last] : upto]
        if _MINUS_MARK.match(right_after):
            return "(-)"  # "Fiebre (-), tos (+), disnea (-)"
        cursor = last + 1
        while cursor < n and norm[cursor] in _POST_GAP and cursor - last <= 3:
            cursor += 1
        if cursor >= n or tokens.sentence[cursor] != tokens.sentence[last]:
            return None
        for cue in C.POST_FIRST.get(norm[cursor], ()):
            if tuple(norm[cursor : cursor + len(cue)]) == cue:
                after = cursor + len(cue)
                if cue[0] in _EPISODE_ENDED and after < n and norm[after] in _RELIEVED_BY:
                    return None  # "chest pain that settled with GTN": an episode that happened, relieved
                return " ".join(cue)
        gap = tokens.text[tokens.end[last] : tokens.start[cursor]]
        following_ends = cursor + 1 >= n or tokens.clause[cursor + 1] != tokens.clause[cursor]
        if norm[cursor] in _TEMPLATE_NO and (":" in gap or "-" in gap) and following_ends:
            return "no"  # "Fiebre: no", "Neck stiffness - no"
        return None

    @staticmethod
    def _family_marks(tokens) -> list[tuple[int, int, int | None, str, str]]:
        """(position, sentence, clause or None, words, status) where a relative's own health starts being
        described: a relative who has something ("his mother has", "padre con", "father died of") or "family
        history of", for the rest of the sentence; a relative who is something ("his father is a heavy
        drinker", "su madre es asmática"), for the next few words of that clause; or a contact's ("a
        coworker who had a cough", "su pareja tiene fiebre": someone else's finding)."""
        norm = tokens.norm
        marks: list[tuple[int, int, int | None, str, str]] = []
        for p, word in enumerate(norm):
            if word == "mujer" and p > 0 and norm[p - 1] == "su":
                word = "esposa"  # "su mujer tiene fiebre": his wife ("mujer de 70 años" is the patient)
            if word in C.RELATIVES or word in C.CONTACTS:
                ahead = [
                    norm[q]
                    for q in range(p + 1, min(p + 5, len(norm)))
                    if tokens.sentence[q] == tokens.sentence[p] and norm[q] not in _OTHER_FILLERS
                ]
                if not ahead or any(w in C.REPORTING for w in ahead) or _by_whom(tokens, p):
                    continue
                status = FAMILY_STATUS if word in C.RELATIVES else CONTACT_STATUS
                text = tokens.text[tokens.start[p] : tokens.end[p]]
                if word in C.CONTACTS:  # "kids in his class off with", "niños de la guardería con"
                    ahead = _past_place(
                        [
                            norm[q]
                            for q in range(p + 1, min(p + 8, len(norm)))
                            if tokens.sentence[q] == tokens.sentence[p] and norm[q] not in _OTHER_FILLERS
                        ]
                    )
                if ahead[0] in C.RELATIVE_HAS:
                    marks.append((p, tokens.sentence[p], None, text, status))
                elif ahead[0] in C.RELATIVE_IS:
                    marks.append((p, tokens.sentence[p], tokens.clause[p], text, status))
            elif word in C.FAMILY_FIRST:
                for phrase in C.FAMILY_FIRST[word]:
                    if tuple(norm[p : p + len(phrase)]) == phrase:
                        marks.append((p, tokens.sentence[p], None, " ".join(phrase), FAMILY_STATUS))
        return marks

    @staticmethod
    def _relative(tokens, m: PhraseMatch, marks) -> tuple[str, str] | None:
        """(words, status) of the relative or contact whose finding this is: after a mark in its sentence,
        or "X in his mother"."""
        sentence = tokens.sentence[m.first]
        for position, mark_sentence, mark_clause, cue, status in marks:
            same_scope = mark_clause is None or (
                tokens.clause[m.first] == mark_clause and m.first - position <= RELATIVE_IS_REACH
            )
            if mark_sentence == sentence and position < m.first and same_scope:
                if any(tokens.norm[q] in _PATIENT_AGAIN for q in range(position + 1, m.first)):
                    continue  # "his mother has asthma and he has a wheeze"
                return cue, status
        norm = tokens.norm
        cursor = m.last + 1
        while cursor < min(m.last + 3, len(norm)) and norm[cursor] in C.DISEASE_WORDS:
            cursor += 1  # "peptic ulcer disease in his mother"
        if cursor < len(norm) and norm[cursor] in ("in", "en", "de") and tokens.sentence[cursor] == sentence:
            cursor += 1
            while cursor < len(norm) and norm[cursor] in C.RELATIVE_FILLERS and cursor - m.last < 5:
                cursor += 1
            if cursor < len(norm) and norm[cursor] in C.RELATIVES and tokens.sentence[cursor] == sentence:
                return tokens.text[tokens.start[cursor] : tokens.end[cursor]], FAMILY_STATUS
        return None

    @staticmethod
    def _severity(tokens, m: PhraseMatch, skip, lang: str) -> str | None:
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


def _is_action(word: str) -> bool:
    """A verb form that names an action: "coughing", "coughs", "sneezes", "toser", "estornudar"."""
    return (
        word.endswith("ing")
        or word.endswith(("ar", "er", "ir"))
        and len(word) > 4
        or word in ("coughs", "sneezes", "strains", "laughs", "vomits", "tose", "estornuda")
    )


_DESIRES = frozenset(tuple(cue.split()) for cue in C.phrases(C.DESIRES))
_WARNINGS = frozenset(tuple(cue.split()) for cue in C.phrases(C.WARNINGS))
# a contrast that opens a list of negatives: "weakness, but no facial droop, arm weakness or slurred speech"
_LIST_AFTER = words("but however pero")
# the patient named again: what follows is the patient's own ("no fever, she looks unwell"; "la madre tiene
# migraña y la niña cefalea")
_PATIENT_AGAIN = words("she he patient pt ella paciente nino nina")
_NEGATED_AUXILIARIES = words("do does did is was are were has have had will would can could")
_VERBAL_CUES = frozenset(
    (word, "t") for word in ("doesn", "don", "didn", "isn", "wasn", "hasn", "haven", "won")
)
# Spanish verbs a bare "no" negates as an action, not a finding ("no quiere comer", "no tolera la comida")
_NEGATED_VERBS_ES = words("quiere quieren tolera toleran come comen bebe beben duerme acepta consigue logra")


def _denies_an_action(tokens, position: int, length: int, inside: set[int]) -> bool:
    """A verb negated in a clause that names no finding ("Doesn't want to eat, threw up twice", "no tolera
    la comida, vómitos desde ayer"): the negation denies that action, not the clauses after the comma."""
    norm, clause = tokens.norm, tokens.clause
    cue = tuple(norm[position : position + length])
    follows = norm[position + length] if position + length < len(norm) else ""
    verbal = (
        cue in _VERBAL_CUES
        or (cue == ("not",) and position > 0 and norm[position - 1] in _NEGATED_AUXILIARIES)
        or (cue == ("no",) and follows in _NEGATED_VERBS_ES)
    )
    if not verbal:
        return False
    p = position + length
    while p < len(norm) and clause[p] == clause[position]:
        if p in inside:
            return False  # "doesn't have a fever, cough or rash": the clause names a finding, a list follows
        p += 1
    return True


_LIKE_THIS = (
    ("like", "this"),
    ("like", "that"),
    ("this", "bad"),
    ("so", "bad"),
    ("as", "bad"),
    ("como", "este"),
    ("como", "esta"),
    ("como", "ahora"),
    ("tan", "fuerte"),
    ("tan", "intenso"),
    ("tan", "intensa"),
)


def _like_this(tokens, m: PhraseMatch) -> bool:
    """ "like this", "tan intenso" after the finding in its clause: compared with what the patient has now."""
    norm, clause = tokens.norm, tokens.clause[m.first]
    p = m.last + 1
    while p + 1 < len(norm) and tokens.clause[p + 1] == clause and p - m.last <= 6:
        if (norm[p], norm[p + 1]) in _LIKE_THIS:
            return True
        p += 1
    return False


_UNCERTAIN_AFTER = tuple(
    tuple(cue.split())
    for cue in (
        "not ruled out",
        "not been ruled out",
        "not yet ruled out",
        "not excluded",
        "not yet excluded",
        "to be ruled out",
        "to be excluded",
        "no descartado",
        "no descartada",
        "a descartar",
        "pendiente de descartar",
    )
)
_UNCERTAIN_FIRST = C.by_first_word(_UNCERTAIN_AFTER)


def _post_uncertain(tokens, last: int) -> str | None:
    """The words right after a finding that leave it possible ("sepsis not ruled out", "neumonía no
    descartada"), or None."""
    norm = tokens.norm
    after = last + 1
    if after < len(norm) and norm[after] == "has":  # "has not been ruled out"
        after += 1
    if after >= len(norm) or tokens.sentence[after] != tokens.sentence[last]:
        return None
    for cue in _UNCERTAIN_FIRST.get(norm[after], ()):
        if tuple(norm[after : after + len(cue)]) == cue:
            return " ".join(cue)
    return None


def _years_back(norm: list[str], position: int) -> bool:
    """ "hace dos años", "hace 3 años" at `position`."""
    count, unit = norm[position + 1 : position + 2], norm[position + 2 : position + 3]
    return bool(count and unit) and unit[0] in _YEARS and (count[0] in _YEAR_COUNTS or count[0].isdigit())


def _starts(tokens) -> tuple[list[int], list[int]]:
    """The position where each token's clause starts and where its sentence starts (one pass)."""
    clause_start: list[int] = []
    sentence_start: list[int] = []
    for p in range(len(tokens)):
        new_clause = p == 0 or tokens.clause[p] != tokens.clause[p - 1]
        new_sentence = p == 0 or tokens.sentence[p] != tokens.sentence[p - 1]
        clause_start.append(p if new_clause else clause_start[p - 1])
        sentence_start.append(p if new_sentence else sentence_start[p - 1])
    return clause_start, sentence_start


def _pair_before(tokens, m: PhraseMatch, first, second, clause: int) -> str | None:
    """The words "<first> <second>" (e.g. "treated for", "after a") a few words at most before the match, in
    `clause`; None when that clause ends first."""
    norm = tokens.norm
    for p in range(m.first - 1, max(m.first - 5, 0), -1):
        if tokens.clause[p] != clause:
            return None
        if norm[p] in second and norm[p - 1] in first and tokens.clause[p - 1] == clause:
            return tokens.text[tokens.start[p - 1] : tokens.end[p]]
    return None


_ANSWERS = {
    **dict.fromkeys(words("yes si positive positivo positiva once twice"), "yes"),
    **dict.fromkeys(
        words("no negative negativo negativa none nil denies denied niega niegan nada ninguno ninguna"), "no"
    ),
}


def _question(tokens, m: PhraseMatch) -> str | None:
    """ "Any chest pain?", "¿Tiene fiebre?": a finding asked about is not stated ("?"), unless the answer
    follows ("Fever? No." is "no", "Fever? Yes." is "yes"); None when its sentence is not a question."""
    if "?" not in tokens.text and "¿" not in tokens.text:
        return None
    sentence, n = tokens.sentence[m.first], len(tokens)
    first = m.first
    while first > 0 and tokens.sentence[first - 1] == sentence:
        first -= 1
    last = m.last
    while last + 1 < n and tokens.sentence[last + 1] == sentence:
        last += 1
    after = tokens.text[tokens.end[last] : tokens.start[last + 1] if last + 1 < n else len(tokens.text)]
    before = tokens.text[tokens.end[first - 1] if first else 0 : tokens.start[first]]
    if "?" not in after and "¿" not in before:
        return None
    if "?" in after and last + 1 < n and tokens.norm[last + 1] in _ANSWERS:
        return _ANSWERS[tokens.norm[last + 1]]
    return "?"


# "No fever, abdominal pain is not radiated": the negated word is a property of the finding, which is stated
_STATED_NOT = words("not no")
_TEMPLATE_NO = words("no none nil neg")
_MINUS_MARK = re.compile(r"\s*\(\s*(?:-|neg)\s*\)")
_EXISTENCE = words(
    "present reported noted seen found observed elicited detected complained mentioned experienced felt "
    "presente referido referida observado observada objetivado objetivada evidente"
)


def _property_denied(tokens, m: PhraseMatch, negation_clause: int) -> bool:
    """ "No fever, abdominal pain is not radiated", "cough not productive": in a list after a negation, a
    finding followed in its own clause by a negated property ("is not radiated", not "is not present") is
    stated, its property denied."""
    norm, clause = tokens.norm, tokens.clause[m.first]
    if clause == negation_clause:
        return False
    p = m.last + 1
    while p < len(norm) and tokens.clause[p] == clause and norm[p] in _COPULA and p - m.last <= 2:
        p += 1
    if p < len(norm) and norm[p] in _STATED_NOT and p + 1 < len(norm) and norm[p + 1] == "se":
        p += 1  # "el dolor no se irradia"
    return (
        p + 1 < len(norm)
        and norm[p] in _STATED_NOT | {"se"}
        and tokens.clause[p] == tokens.clause[p + 1] == clause
        and norm[p + 1] not in _EXISTENCE
        and norm[p + 1] not in FUNCTION_WORDS
    )


_NAME_OF = words("of de del")  # "syndrome of", "síndrome del"


def _disease_name(tokens, m: PhraseMatch) -> str | None:
    """ "irritable bowel syndrome", "síndrome del intestino irritable": a finding's words inside a disease's
    name (one or two other words, then "syndrome" / "disease"; or "síndrome de", words, the finding) name the
    disease, not the finding ("restless legs syndrome", with nothing between, is still restless legs)."""
    norm, clause, n = tokens.norm, tokens.clause[m.first], len(tokens)
    p = m.last + 1
    while p < n and p - m.last <= 3 and tokens.clause[p] == clause and _name_word(norm[p]):
        if norm[p] in C.DISEASE_WORDS:
            break
        p += 1
    if p - m.last > 1 and p < n and tokens.clause[p] == clause and norm[p] in C.DISEASE_WORDS:
        return tokens.text[tokens.start[m.first] : tokens.end[p]]
    p = m.first - 1
    while p >= 0 and m.first - p <= 3 and tokens.clause[p] == clause and _name_word(norm[p]):
        p -= 1
    if m.first - p > 1 and p >= 1 and norm[p] in _NAME_OF and norm[p - 1] in C.DISEASE_WORDS:
        return tokens.text[tokens.start[p - 1] : tokens.end[m.last]]
    return None


def _name_word(word: str) -> bool:
    """A word that can sit inside a disease's name: a content word, not a linking one."""
    return word.isalpha() and word not in FUNCTION_WORDS and word not in C.COORDINATORS and word not in C.PRE


def _as_circumstance(tokens, m: PhraseMatch, mention: Mention, before: list[Mention]) -> Mention:
    """ "a syncopal episode when he got up at night to pass urine", "se mareó cuando se levantó por la noche a
    orinar": a finding described (its qualifiers too) inside a "when" clause that follows another present
    finding of its sentence is the circumstance of that one (a trigger), not a finding of its own ("fever and
    it burns when she urinates" is still dysuria)."""
    if not m.described or mention.status != PRESENT:
        return mention
    norm, clause, sentence = tokens.norm, tokens.clause[m.first], tokens.sentence[m.first]
    p = min(m.first, m.opens if m.opens >= 0 else m.first) - 1
    while p >= 0 and tokens.clause[p] == clause and norm[p] not in _WHEN_CLAUSE:
        p -= 1
    if p < 0 or tokens.clause[p] != clause:
        return mention
    opened = tokens.start[p]
    if not any(
        other.status == PRESENT
        and other.end <= opened
        and tokens.sentence[_token_at(tokens, other.start)] == sentence
        for other in before
    ):
        return mention
    return replace(mention, status=TRIGGER_STATUS, severity=None, cue=tokens.text[opened : tokens.end[p]])


_WHEN_CLAUSE = words("when whenever cuando")


def _token_at(tokens, offset: int) -> int:
    """The token that starts at character `offset` (a mention's first token)."""
    low, high = 0, len(tokens) - 1
    while low < high:
        middle = (low + high) // 2
        if tokens.start[middle] < offset:
            low = middle + 1
        else:
            high = middle
    return low


# "started on tamsulosin after complaining of urinary frequency": the complaint a treatment was started for
_PRESCRIBED = words(
    "started prescribed given commenced put iniciado iniciada iniciaron pautado pautada pautaron recetado "
    "recetada recetaron prescrito prescrita"
)
_COMPLAINED = (("after", "complaining", "of"), ("after", "complaints", "of"), ("tras", "consultar", "por"))


def _treated_complaint(tokens, m: PhraseMatch) -> str | None:
    """ "he was started on tamsulosin after complaining of urinary frequency", "le pautaron omeprazol tras
    consultar por ardor": the complaint a treatment was started for, earlier, is treated history (the cue in
    the finding's clause, a word of prescribing before it in the sentence)."""
    norm, clause, sentence = tokens.norm, tokens.clause[m.first], tokens.sentence[m.first]
    p = m.first - 3
    while p >= 0 and tokens.clause[p] == clause:
        if tuple(norm[p : p + 3]) in _COMPLAINED:
            q = p - 1
            while q >= 0 and tokens.sentence[q] == sentence:
                if norm[q] in _PRESCRIBED:
                    return tokens.text[tokens.start[p] : tokens.end[p + 2]]
                q -= 1
            return None
        p -= 1
    return None


_BEFORE_NOW = words("before previously antes anteriormente")


def _ends_clause(tokens, position: int) -> bool:
    """Whether the token is the last of its clause."""
    return position + 1 >= len(tokens) or tokens.clause[position + 1] != tokens.clause[position]


# "his diabetes is well controlled", "hipertensión bien controlada": a known condition under treatment
_CONTROLLED = words(
    "controlled controlada controlado controladas controlados conocida conocido conocidas conocidos"
)  # "asmática conocida", "diabético conocido": Spanish puts "known" after the condition
# "coughing makes the pain worse", "sneezing aggravates it", "toser le empeora el dolor": the action names
# what brings on or changes another complaint
_MAKES = words("makes made make hace")
_MADE_WORSE = words("worse better peor mejor")
_WORSENS = words(
    "worsens aggravates exacerbates increases intensifies eases relieves empeora agrava aumenta mejora alivia"
)
_CLITICS = words("le me se te les nos")
_WORSENS_OBJECT = words("the his her their it this that them le la el lo les los las su sus")
_CONTROL_GAP = _POST_GAP | words("well poorly badly adequately reasonably bien mal")


def _makes_worse(tokens, m: PhraseMatch) -> str | None:
    """ "Coughing makes the leg pain worse", "sneezing aggravates the pain", "toser le empeora el dolor": an
    action right before "makes ... worse/better" or a verb of worsening with its object, in its clause."""
    norm, clause, n = tokens.norm, tokens.clause[m.last], len(tokens)
    p = m.last + 1
    if p + 1 < n and norm[p] in _CLITICS:
        p += 1  # "toser le empeora"
    if p >= n or tokens.clause[p] != clause:
        return None
    if norm[p] in _MAKES:
        for q in range(p + 1, min(p + 7, n)):
            if tokens.clause[q] != clause:
                return None
            if norm[q] in _MADE_WORSE:
                return tokens.text[tokens.start[m.first] : tokens.end[q]]
        return None
    if (
        norm[p] in _WORSENS
        and p + 1 < n
        and tokens.clause[p + 1] == clause
        and norm[p + 1] in _WORSENS_OBJECT
    ):
        return tokens.text[tokens.start[m.first] : tokens.end[p + 1]]
    return None


def _illness_duration(tokens, position: int, history) -> bool:
    """A duration ("for 2 days", "desde hace 3 días") in a later clause than a known-condition cue ("Known
    type 1 diabetic, unwell for 2 days with vomiting"): what follows is the current illness."""
    norm = tokens.norm
    return (
        not history.firm
        and tokens.clause[position] != history.clause
        and norm[position] in C.DURATION_UNITS
        and position > 0
        and (norm[position - 1][0].isdigit() or norm[position - 1] in _FEW)
    )


_FEW = words("few several couple two three unos unas varios varias pocos pocas dos tres")


def _controlled(tokens, m: PhraseMatch) -> str | None:
    """ "His diabetes is well controlled", "hipertensión mal controlada": a condition said to be controlled
    (well or not) is a known, treated condition: past history, not a presenting finding."""
    norm, clause = tokens.norm, tokens.clause[m.last]
    p = m.last + 1
    while p < len(norm) and tokens.clause[p] == clause and norm[p] in _CONTROL_GAP and p - m.last <= 3:
        p += 1
    if p < len(norm) and tokens.clause[p] == clause and norm[p] in _CONTROLLED:
        return tokens.text[tokens.start[m.last + 1] : tokens.end[p]]
    return None


_SITE_PREPOSITIONS = words("in of on from at to en de del")
_OTHER = words("other others otra otro otras otros resto")
_ELSEWHERE = words("elsewhere")


def _other_site(tokens, m: PhraseMatch) -> str | None:
    """ "No pain or swelling in other joints", "no hearing problems in the other ear", "sin dolor en otras
    articulaciones": a finding denied at other sites says nothing of the site in question."""
    norm, clause = tokens.norm, tokens.clause[m.last]
    for p in range(m.last + 1, min(m.last + 7, len(norm))):
        if tokens.clause[p] != clause:
            return None
        if norm[p] in _ELSEWHERE:
            return tokens.text[tokens.start[p] : tokens.end[p]]
        if norm[p] in _SITE_PREPOSITIONS:
            q = p + 1
            while q < len(norm) and norm[q] in FUNCTION_WORDS and q - p <= 2:
                q += 1
            if q < len(norm) and tokens.clause[q] == clause and norm[q] in _OTHER:
                return tokens.text[tokens.start[p] : tokens.end[q]]
    return None


# between an uncertainty cue and its finding: "she might have had a fever", "not sure if he has had", "si ha
# tenido": the verb of having belongs to the cue, it does not end it
_AUXILIARIES = _PRONOUNS | words("has have had having been be was were ha han habia haya hubiera tenido")


def _auxiliaries_only(norm: list[str], start: int, end: int) -> bool:
    """Whether the words from `start` to `end` are all pronouns and auxiliaries."""
    return all(norm[p] in _AUXILIARIES for p in range(start, end))


def _by_whom(tokens, position: int) -> bool:
    """The relative or contact who brings or finds the patient ("brought in by friends with fever", "found by
    her husband with slurred speech", "traída por su hija con fiebre"): what follows is the patient's."""
    norm = tokens.norm
    cursor = position - 1
    while cursor >= 0 and position - cursor <= 3 and norm[cursor] in C.RELATIVE_FILLERS:
        cursor -= 1
    return (
        cursor >= 0 and norm[cursor] in ("by", "por") and tokens.sentence[cursor] == tokens.sentence[position]
    )
