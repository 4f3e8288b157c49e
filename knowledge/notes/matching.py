"""Phrase matching of the note extractor: the longest lexicon phrases over a note's content words, with
"X of the Y" read as "Y X" ("pain in the chest" ~ "chest pain") and coordinated phrases distributed
("abdominal pain or distension" names abdominal distension too)."""

from __future__ import annotations

from knowledge.notes import cues as C
from knowledge.notes.lexicon import BLOCKER, Lexicon, PhraseMatch
from knowledge.notes.specific import Specifier
from knowledge.notes.text import PHRASE_GAPS, fold, words

__all__ = ["PhraseMatch", "PhraseMatcher"]

# "swelling of the ankles" ~ "ankle swelling", "pain behind the knee" ~ "knee pain", "discharge from the ear"
_JOINING = words(
    "of in on at around over behind under below above across near from de del en detras alrededor sobre "
    "debajo encima cerca"
)
# a site's noun as the adjective phrases use: "tenderness in the abdomen" ~ "abdominal tenderness"
_SITE_ADJECTIVES = {
    fold(noun): fold(adjective)
    for noun, adjective in (
        pair.split(":")
        for pair in words(
            "abdomen:abdominal belly:abdominal tummy:abdominal stomach:abdominal chest:thoracic "
            "breastbone:chest sternum:chest pelvis:pelvic face:facial eye:ocular testicle:testicular "
            "scrotum:scrotal rectum:rectal anus:anal vagina:vaginal penis:penile spine:spinal "
            "groin:inguinal kidney:renal nose:nasal mouth:oral torax:toracico musculo:muscular "
            "articulacion:articular hueso:oseo estomago:abdominal barriga:abdominal"
        )
    )
}
_SITE_HEADS = words("pain swelling")  # derived from an adjective before the site: "painful", "swollen"
# between a site and "painful" / "swollen": "the knee is swollen", "leg feels heavy and painful"
_LINKING = frozenset(
    fold(w)
    for w in words(
        "is are was were been feels feel felt looks look became become becomes got gets getting very quite "
        "also now still and heavy stiff warm hot red tight sore esta estan estaba estaban muy tambien y se "
        "nota siente rojo roja caliente ha han"
    )
)
# what else a list says of a site, read past to its pain or swelling ("swollen, bruised and tender")
_DESCRIBING = frozenset(
    fold(w)
    for w in words(
        "bruised tender inflamed erythematous deformed enrojecida enrojecido inflamada inflamado amoratada "
        "amoratado tumefacta tumefacto edematosa edematoso deformada deformado"
    )
)
_ADVERB_ENDINGS = ("ly", "mente")
# words for a pain that take their site after a preposition, as "pain" does: "aching in her knees",
# "discomfort in the chest", "soreness of the shoulder", "molestias en el pecho" (not "painful in attacks")
_PAIN_NOUNS = words("aching aches ache soreness discomfort hurting molestia molestias")
_SAID_HEADS = _SITE_HEADS | words("dolor hinchazon")  # "la rodilla está dolorida"
_SIDES = frozenset(
    fold(w)
    for w in words("right left both bilateral upper lower derecho derecha izquierdo izquierda ambos ambas")
)
# a part of a site, read past when a site follows it: "pain on the left side of the head" is a headache, "pain
# in the sole of the foot" foot pain ("pain in his side" is still flank pain)
_AREAS = frozenset(
    fold(w)
    for w in words("side sides part parts front aspect region area top sole tip lado parte zona planta punta")
)
# a Spanish pain's character between it and its site: "dolor punzante en el pecho" is chest pain
_QUALITIES = frozenset(
    fold(w)
    for w in words(
        "punzante opresivo opresiva intenso intensa fuerte agudo aguda sordo sorda leve constante continuo "
        "continua quemante urente severo severa persistente sharp dull"
    )
)
# how a pain started, between it and its site
_ONSETS = frozenset(
    tuple(fold(w) for w in pair.split())
    for pair in (
        "sudden onset",
        "acute onset",
        "gradual onset",
        "abrupt onset",
        "inicio brusco",
        "inicio subito",
        "inicio agudo",
        "inicio repentino",
        "comienzo brusco",
        "comienzo subito",
        "inicio insidioso",
        "inicio progresivo",
        "inicio gradual",
    )
)
# "chest pain, which he describes as tearing": the character of a pain, not tears (HPO's "Tearing" is
# epiphora); the classic words of an aortic dissection's pain, English and Spanish
_TEARING = words("tearing ripping desgarrante desgarrador")
_PAIN = words("pain pains painful dolor dolores doloroso dolorosa")
_EYE = words("eye eyes eyelid eyelids ojo ojos parpado parpados lagrimeo")  # "eye pain and tearing": tears
TEARING_PAIN = "HP:6000049"  # Chest pain described as ripping or tearing


_PUTS = words("put puts putting")
_BEARING = words("on onto through")


def _bearing_weight(tokens, match: PhraseMatch) -> bool:
    """ "put weight on it" is bearing weight, not "put on weight" (the phrase's words are the same once "on",
    a function word, is read past)."""
    norm = tokens.norm
    return (
        norm[match.first] in _PUTS
        and norm[match.last] == "weight"
        and match.last + 1 < len(norm)
        and norm[match.last + 1] in _BEARING
    )


class PhraseMatcher:
    """Finds the lexicon's phrases in a note's tokens."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._specifier = Specifier(lexicon)

    def match(self, tokens, skip: set[int], ages: set[int] | None = None) -> list[PhraseMatch]:
        """Every phrase match in the tokens (positions in `skip` left out; `ages`: the age's tokens, not a
        duration), in note order."""
        lex = self.lexicon
        norm = tokens.norm
        content = [
            p
            for p in range(len(tokens))
            if p not in skip
            and norm[p] not in PHRASE_GAPS
            and not (norm[p].endswith(_ADVERB_ENDINGS) and self._adverb(norm[p]))
        ]
        keys = [lex.key_of(tokens.norm[p]) for p in content]
        alts = [lex.forms.get(tokens.norm[p], k) for p, k in zip(content, keys, strict=True)]
        differs = [a != k for a, k in zip(alts, keys, strict=True)]
        # "painful", "swollen", "dolorida": the head a word derives from, else None
        said = [
            a if a in _SAID_HEADS and tokens.norm[p] != a else None
            for p, a in zip(content, alts, strict=True)
        ]
        # linked[i]: content i+1 follows content i in the same clause with only function words between
        linked = [False] * len(content)
        joined = [False] * len(content)  # ... and a joining preposition between them
        listed = [False] * len(content)  # ... or a comma alone between them, in one sentence (a list)
        for i in range(len(content) - 1):
            a, b = content[i], content[i + 1]
            between = range(a + 1, b)
            if tokens.clause[a] == tokens.clause[b] and not any(p in skip for p in between):
                linked[i] = True
                joined[i] = any(tokens.norm[p] in _JOINING for p in between)
            elif tokens.sentence[a] == tokens.sentence[b] and not any(p in skip for p in between):
                listed[i] = tokens.text[tokens.end[a] : tokens.start[b]].strip() == ","
        matches: list[PhraseMatch] = []
        swaps: list[tuple[int, int]] = []  # (content index, length) of the "pain in the chest" matches
        more: list[tuple[int, tuple[int, int, bool, bool]]] = []  # a site's further predicates
        i = 0
        while i < len(content):
            candidates = [self._longest(keys, linked, i)]
            if True in differs[i : i + 4]:
                candidates.append(self._longest(alts, linked, i))
            derived = alts[i] in _SAID_HEADS and alts[i] != keys[i]  # "painful joints", "duelen los músculos"
            swapped = None
            described = i + 1 < len(keys) and keys[i + 1] in _QUALITIES and joined[i + 1]
            nominal = joined[i] and (alts[i] == keys[i] or tokens.norm[content[i]] in _PAIN_NOUNS)
            if linked[i] and (derived and not joined[i] or described or nominal):
                swapped = self._swapped(keys, alts, linked, joined, i)  # "pain in the chest", "aching bones"
                candidates.append(swapped)
            elif not derived and linked[i]:
                said_of = self._predicated(keys, said, linked, listed, i)  # "the knee is swollen"
                if said_of:
                    candidates.append(said_of[0])
                    more += [(i, found) for found in said_of[1:]]  # "... swollen and painful"
            best: tuple[int, int, bool, bool] = (0, BLOCKER, False, False)
            for found in candidates:
                if (
                    found
                    and found[0] > best[0]
                    and self._case_ok(tokens, content[i], content[i + found[0] - 1], found)
                ):
                    best = found
            if best is swapped and best[1] != BLOCKER:
                swaps.append((i, best[0]))
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
                matches.append(PhraseMatch(content[i], content[i + length - 1], term, negated_form))
            i += length
        for i, (length, term, negated_form, _) in more:
            known = any(m.term == term and m.first <= content[i] <= m.last for m in matches)
            if term != BLOCKER and not known:
                matches.append(PhraseMatch(content[i], content[i + length - 1], term, negated_form))
        matches += self._shared_site(tokens, content, keys, alts, linked, joined, swaps)
        matches += self._split_items(tokens, content, keys, matches)
        distributed = self._distributed(tokens, content, keys, linked, matches)
        narrowed = {(m.first, m.last) for m in distributed if m.narrows}
        matches = [m for m in matches if (m.first, m.last) not in narrowed] + distributed
        matches = [m for m in matches if not _bearing_weight(tokens, m)]
        matches = self._pain_character(tokens, skip, matches)
        matches = self._specifier.refine(tokens, content, keys, linked, matches, ages or set())
        matches.sort(key=lambda m: (m.first, m.last))
        return matches

    def _adverb(self, norm: str) -> bool:
        """An adverb no phrase uses, read past like a function word: "notably less appetite", "pain gradually
        worsening", "progresivamente" ("-ly", "-mente"; "early", "belly" are lexicon words and kept)."""
        return len(norm) >= 6 and self.lexicon.key_of(norm) not in self.lexicon.words

    def _pain_character(self, tokens, skip: set[int], matches: list[PhraseMatch]) -> list[PhraseMatch]:
        """A tearing or ripping pain: "tearing" in a sentence that names a pain is the pain's character
        (HPO's tearing chest pain), not epiphora; the other matches are kept as they are."""
        term = self.lexicon.kb.term_index.get(TEARING_PAIN)
        if term is None:
            return matches
        pained = {tokens.sentence[p] for p in range(len(tokens)) if tokens.norm[p] in _PAIN}
        pained -= {tokens.sentence[p] for p in range(len(tokens)) if tokens.norm[p] in _EYE}
        spots = [
            p
            for p in range(len(tokens))
            if p not in skip and tokens.norm[p] in _TEARING and tokens.sentence[p] in pained
        ]
        if not spots:
            return matches
        kept = [m for m in matches if not any(m.first == m.last == p for p in spots)]
        return kept + [PhraseMatch(p, p, term, False) for p in spots]

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

    @staticmethod
    def _site_start(keys, linked, joined, i: int) -> int:
        """Where the site of a head at content i begins: after a side ("her right heel"), a part followed by
        its site ("the left side of the head", "the sole of the foot") or a Spanish character ("dolor
        punzante en el pecho")."""
        first = i + 1
        if first + 1 < len(keys) and keys[first] in _QUALITIES and joined[first]:
            first += 1
        if first + 2 < len(keys) and (keys[first], keys[first + 1]) in _ONSETS and joined[first + 1]:
            first += 2  # "pain of sudden onset in the flank", "dolor de inicio brusco en la fosa renal"
        while (
            first + 1 < len(keys)
            and linked[first]
            and (keys[first] in _SIDES or keys[first] in _AREAS and joined[first])
        ):
            first += 1
        return first

    def _swapped(self, keys, alts, linked, joined, i: int) -> tuple[int, int, bool, bool] | None:
        """ "pain in the chest" ~ "chest pain", "swelling of both ankles" ~ "ankle swelling", "pain in her
        right heel" ~ "heel pain", "aching in her knees" ~ "knee pain" (sides and parts read past)."""
        for first in self._site_starts(keys, linked, joined, i):
            for sequence, length in ((q, n) for q in (keys, alts) for n in (3, 2, 1)):
                if first + length > len(sequence) or not all(linked[i : first + length - 1]):
                    continue
                hit = self._site_hit(tuple(sequence[first : first + length]), sequence[i])
                if hit is not None:
                    return first - i + length, hit[0], hit[2], hit[1]
        return None

    def _site_starts(self, keys, linked, joined, i: int) -> tuple[int, ...]:
        """Where the site of the head at content i may begin: right after it ("the lower back"), then past
        sides and parts."""
        return tuple(dict.fromkeys((i + 1, self._site_start(keys, linked, joined, i))))

    def _site_hit(self, site: tuple[str, ...], head: str) -> tuple[int, bool, bool] | None:
        """The lexicon entry of a site and its head: "chest pain", "abdominal tenderness" for "abdomen", then
        the Spanish order ("dolor ... pecho", "duelen ... músculos": dolor muscular)."""
        table = self.lexicon.table
        sites = [site]
        if site[-1] in _SITE_ADJECTIVES:  # "tenderness in the abdomen", "le duelen los músculos"
            sites.append(site[:-1] + (_SITE_ADJECTIVES[site[-1]],))
        for key in [s + (head,) for s in sites] + [(head,) + s for s in sites]:  # then the Spanish order
            hit = table.get(key)
            if hit is not None:
                return hit
        return None

    def _shared_site(self, tokens, content, keys, alts, linked, joined, swaps) -> list[PhraseMatch]:
        """Two heads sharing one site: "pain and swelling in the knee" is knee pain too, "dolor e hinchazón de
        la rodilla" dolor de rodilla (the second head's site, read after a coordinator)."""
        extra: list[PhraseMatch] = []
        for i, length in swaps:
            coordinated = tokens.norm[content[i - 1]] in C.COORDINATORS if i >= 2 else False
            if not coordinated or not (linked[i - 2] and linked[i - 1]):
                continue
            hits = (
                self._site_hit(tuple(keys[first : i + length]), head)
                for first in self._site_starts(keys, linked, joined, i)
                if first < i + length
                for head in dict.fromkeys((keys[i - 2], alts[i - 2]))
            )
            hit = next((h for h in hits if h is not None and h[0] != BLOCKER), None)
            if hit is not None:
                extra.append(PhraseMatch(content[i - 2], content[i - 2], hit[0], hit[2]))
        return extra

    def _split_items(self, tokens, content, keys, matches: list[PhraseMatch]) -> list[PhraseMatch]:
        """A phrase split over a list's items: "Chief complaint: Blurred, Vision" is blurred vision, "Fatigue,
        Back, Pain" back pain (items of one word each, named by nothing alone, joined only by commas)."""
        lone = self._lone_items(tokens, content, matches)
        extra: list[PhraseMatch] = []
        for i in sorted(lone):
            if i - 1 in lone and self._comma_between(tokens, content[i - 1], content[i]):
                continue  # inside a run already tried from its first item
            run = i
            while run + 1 in lone and self._comma_between(tokens, content[run], content[run + 1]):
                run += 1
            for last in range(run, i, -1):
                hit = self.lexicon.table.get(tuple(keys[i : last + 1]))
                if hit is not None and hit[0] != BLOCKER and not hit[1]:
                    extra.append(PhraseMatch(content[i], content[last], hit[0], hit[2]))
                    break
        return extra

    @staticmethod
    def _lone_items(tokens, content, matches: list[PhraseMatch]) -> set[int]:
        """The content indices that are the only word of their clause, with no match on them."""
        clause = tokens.clause
        counts: dict[int, int] = {}
        for p in content:
            counts[clause[p]] = counts.get(clause[p], 0) + 1
        covered = {p for m in matches for p in range(m.first, m.last + 1)}
        return {i for i, p in enumerate(content) if counts[clause[p]] == 1 and p not in covered}

    @staticmethod
    def _comma_between(tokens, a: int, b: int) -> bool:
        """Whether tokens a and b are separated by a comma alone (same sentence)."""
        gap = tokens.text[tokens.end[a] : tokens.start[b]]
        return tokens.sentence[a] == tokens.sentence[b] and gap.strip() == ","

    def _predicated(self, keys, said, linked, listed, i: int) -> list[tuple[int, int, bool, bool]]:
        """A site said to be painful or swollen: "the knee is swollen", "his leg feels heavy and painful",
        "la rodilla está hinchada" ~ knee swelling, leg pain (linking verbs and sensation words between); each
        head of a list said of it ("the leg is red, swollen and painful": leg swelling and leg pain)."""
        table = self.lexicon.table
        found: list[tuple[int, int, bool, bool]] = []
        in_list = False
        for j in range(i + 1, min(i + 8, len(keys))):
            # a comma only inside the list, past the first linking word ("leg is red, swollen")
            if not (linked[j - 1] or (listed[j - 1] and j - 1 > i)):
                break
            in_list = in_list or not linked[j - 1]
            if in_list and said[j] is not None and not self._ends_item(keys, said, linked, listed, j):
                break  # "Muscle pains, swollen eyes": the word after the comma is said of a site of its own
            if said[j] is not None:
                hit = next((table[k] for k in ((keys[i], said[j]), (said[j], keys[i])) if k in table), None)
                if hit is not None:
                    found.append((j - i + 1, hit[0], hit[2], hit[1]))
            elif keys[j] not in _LINKING and keys[j] not in _SIDES and keys[j] not in _DESCRIBING:
                break
        return found

    @staticmethod
    def _ends_item(keys, said, linked, listed, j: int) -> bool:
        """Content j closes its list item: nothing follows in its clause but more of the list."""
        if j + 1 >= len(keys) or not linked[j] or listed[j]:
            return True
        following = keys[j + 1]
        return said[j + 1] is not None or following in _DESCRIBING or following in C.COORDINATORS

    @staticmethod
    def _case_ok(tokens, first: int, last: int, found: tuple[int, int, bool, bool]) -> bool:
        """An abbreviation ("MI", "DOE", "JVD") only in capitals in the note."""
        return not found[3] or tokens.text[tokens.start[first] : tokens.end[last]].isupper()

    def _distributed(self, tokens, content, keys, linked, matches: list[PhraseMatch]) -> list[PhraseMatch]:
        """Coordinated phrases: "abdominal pain or distension" -> abdominal distension, "cold or heat
        intolerance" -> cold intolerance, "dolor abdominal o torácico" -> dolor torácico."""
        table = self.lexicon.table
        covered = {p for m in matches for p in range(m.first, m.last + 1)}
        full = {(m.first, m.last) for m in matches}
        extra: list[PhraseMatch] = []
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
            if len(ka) > 1:
                for key, narrowing in _distributed_keys(ka, kb):
                    hit = table.get(key)
                    if not hit or hit[0] == BLOCKER:
                        continue
                    # "vaginal discharge or itching": vaginal itching, the kind of the itching named alone
                    narrows = b_span in full and self._narrows(hit[0], b_span, matches)
                    if narrowing and not narrows:
                        continue
                    if b_span not in full or narrows:
                        extra.append(PhraseMatch(b_span[0], b_span[1], hit[0], hit[2], narrows=narrows))
                        carried[b_run] = list(key)
                    break
            if len(kb) > 1 and not any(p in covered for p in range(a_span[0], a_span[1] + 1)):
                for key in (tuple(ka + kb[-1:]), tuple(ka[-1:] + kb[-1:])):  # "central chest and abdominal
                    hit = table.get(key)  # discomfort": chest discomfort
                    if hit and hit[0] != BLOCKER:
                        extra.append(PhraseMatch(content[a[-len(key) + 1]], a_span[1], hit[0], hit[2]))
                        break
        return extra

    def _narrows(self, term: int, span: tuple[int, int], matches: list[PhraseMatch]) -> bool:
        """Whether `term` is a proper kind of every term matched alone on `span`."""
        ancestors = self.lexicon.kb.ancestor_sets[term]
        alone = [m.term for m in matches if (m.first, m.last) == span]
        return bool(alone) and all(t != term and t in ancestors for t in alone)

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
            if tokens.norm[p] in C.COORDINATORS:
                if after_coordinator and previous and run:
                    pairs.append((previous, run))
                previous, run, after_coordinator = run, [], True
                continue
            run.append(i)
        if after_coordinator and previous and run:
            pairs.append((previous, run))
        return pairs


def _distributed_keys(ka: list[str], kb: list[str]) -> list[tuple[tuple[str, ...], bool]]:
    """The keys the second conjunct may take from the first's modifiers, each with whether it may only narrow
    a term the conjunct names alone: "abdominal pain or distension" abdominal distension; "abnormal vaginal
    discharge or itching" vaginal itching (a kind of the itching); with the noun first, "flujo vaginal
    anormal ni picor" picor vaginal."""
    keys = [(tuple(ka[:-1] + kb), False), (tuple(ka[:1] + kb), False)]
    keys += [(tuple(ka[start:-1] + kb), True) for start in range(1, len(ka) - 1)]
    keys += [(tuple(kb + ka[1:end]), True) for end in range(len(ka), 1, -1)]
    return list(dict.fromkeys(keys))
