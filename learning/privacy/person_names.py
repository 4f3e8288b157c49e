"""Person names in free text without cue words, offline, Spanish and English.

A word is a candidate name when it is in the name lexicon (data/person_names.tsv.gz: US Census 1990 and
2010 surnames, Census 1990 and SSA first names, with their frequencies among people). How often it is a
name rather than an ordinary word is judged from that frequency against the word's frequency in Spanish
and English text (wordfreq): "Iturriaga" or "Wenceslao" are far more often people than words, "mesa",
"dolor" or "Madrid" the other way round. Then context decides:
- a capitalised run of words ("Wenceslao Iturriaga", "Rosa Iturriaga de la Cruz") is a name when one
  word of it is clearly a name; the run's non-lexicon words (an unusual surname) go with it;
- two ambiguous capitalised words together ("Rosa Flores"), or one in mid-sentence, are a name;
- lower-case words only in a hyphenated pair or a run of names ("belmonte-ugarte", "wenceslao iturriaga");
- words of the clinical vocabulary (HPO labels and synonyms, both languages) and eponyms ("síndrome de
  Down", "Crohn disease") are never names on their own.
Measured in tests/test_person_names.py on a labelled sample (figures in docs/store.md).
"""

from __future__ import annotations

import gzip
import math
import os
import pickle
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["NameRecognizer", "clinical_vocabulary"]

LEXICON = Path(__file__).with_name("data") / "person_names.tsv.gz"
# margin = log10(people per million bearing the name) - log10(occurrences per million words of text)
STRONG_MARGIN = 0.3  # at least this: clearly a name (Iturriaga +0.9, García +1.6, Wenceslao +0.5)
AMBIGUOUS_MARGIN = -1.0  # below: an ordinary word that is also a name (Mesa -0.4 is ambiguous, Dolor -1.7)
COMMON_WORD_ZIPF = 3.0  # words at least this frequent are ordinary vocabulary (file names keep them)
MIN_LETTERS = 3
TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_HYPHEN = re.compile(r"['’\-]")
_GAP = re.compile(r"[ \t]{1,3}|[ \t]*,?[ \t]*")  # what may join the words of a name
_NEXT_WORD = re.compile(r"\s*([^\W\d_]+)")
_SENTENCE_START = re.compile(
    r"(?:^|[.!?:;\n•*(\"]|\s-)[ \t]*", re.MULTILINE
)  # where a word starts a sentence
PARTICLES = frozenset(
    ["de", "del", "la", "las", "los", "y", "van", "von", "da", "di", "du", "le", "dos", "das"]
)
# words that are surnames or first names in the statistics but function words or titles in notes
STOPWORDS = frozenset(
    """the and for with was has had his her she him are not but its our who why how you all any can may
    will one two six ten day days year years old new per via yes no dr dra sr sra srta mr mrs ms miss don
    dona doctor doctora prof paciente patient para por con sin que una uno unos unas del las los este esta
    ese esa son sus mas muy bien mal dia dias mes meses ano anos hace tras ante bajo sobre entre hasta
    desde cada otro otra todo toda nada algo refiere niega presenta acude consulta
    enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre
    january february march april june july august september october november december
    lunes martes miercoles jueves viernes sabado domingo monday tuesday wednesday thursday friday
    saturday sunday""".split()  # noqa: SIM905
)
SENTENCE_START_ZIPF = 3.5  # a sentence-initial name-word this frequent in text is taken for a word
SINGLE_MARGIN = -0.3  # an ambiguous word alone in mid-sentence is a name from this margin (Lima, not Madrid)
EPONYM_AFTER = frozenset(
    "syndrome syndromes disease diseases sign test maneuver manoeuvre reflex score scale criteria".split()  # noqa: SIM905
)
EPONYM_BEFORE = (
    "sindrome de",
    "enfermedad de",
    "signo de",
    "prueba de",
    "test de",
    "maniobra de",
    "escala de",
    "criterios de",
    "reflejo de",
    "sindrome",
    "enfermedad",
)


@lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """Lower case ASCII: 'Iñaki' -> 'inaki', 'García' -> 'garcia'."""
    if text.isascii():
        return text.lower()
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class Vocabulary:
    """Name frequencies (log10 per million people) and word frequencies (zipf), both keyed by folded word."""

    names: dict[str, float]
    words: dict[str, float]  # zipf in Spanish or English, the higher, for lexicon names and common words

    def margin(self, folded: str) -> float | None:
        """How much more a name than a word (None: not in the name lexicon)."""
        name = self.names.get(folded)
        if name is None:
            return None
        return name - (self.words.get(folded, 0.0) - 3.0)

    def common(self, folded: str) -> bool:
        return self.words.get(folded, 0.0) >= COMMON_WORD_ZIPF


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The lexicon and the word frequencies it needs, loaded once (about 2 s and 100 MB to build; a
    pickled copy in the user's cache directory then loads in a fraction of a second)."""
    cache = _cache_path()
    if cache is not None and cache.exists():
        try:
            with open(cache, "rb") as handle:
                names, words = pickle.load(handle)
            return Vocabulary(names, words)
        except (OSError, pickle.UnpicklingError, ValueError, EOFError):
            pass
    vocab = _build_vocabulary()
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            partial = cache.with_suffix(f".{os.getpid()}.tmp")
            with open(partial, "wb") as handle:
                pickle.dump((vocab.names, vocab.words), handle, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(cache)
        except OSError:  # a read-only home: build each time
            pass
    return vocab


def _cache_path() -> Path | None:
    """Where the derived vocabulary is kept: keyed by the lexicon file and the wordfreq version."""
    try:
        from importlib.metadata import version

        stat = LEXICON.stat()
        key = f"{stat.st_size}-{int(stat.st_mtime)}-{version('wordfreq')}-{COMMON_WORD_ZIPF}"
    except Exception:  # noqa: BLE001 - no cache is a slower start, not an error
        return None
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "dxgraph" / f"person_vocabulary-{key}.pickle"


def _build_vocabulary() -> Vocabulary:
    from wordfreq import get_frequency_dict

    names: dict[str, float] = {}
    with gzip.open(LEXICON, "rt", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            name, first, surname = line.rstrip("\n").split("\t")
            if len(name) >= MIN_LETTERS:
                names[name.lower()] = math.log10(float(first) + float(surname))
    words: dict[str, float] = {}
    for lang in ("es", "en"):
        for word, frequency in get_frequency_dict(lang).items():
            zipf = math.log10(frequency) + 9
            folded = fold(word) if not word.isascii() else word
            if (folded in names or zipf >= COMMON_WORD_ZIPF) and zipf > words.get(folded, 0.0):
                words[folded] = zipf
    return Vocabulary(names, words)


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    text: str
    parts: list[str]  # folded parts of a hyphenated word (shared by the tokens of a word: never changed)
    capitalised: bool
    initial: bool  # first word of a sentence or line
    kind: str  # strong | ambiguous | word | unknown (not in the lexicon)


class NameRecognizer:
    """Spans of person names in a text; `protected` words (the clinical vocabulary) are never names alone."""

    def __init__(self, protected: Iterable[str] = (), vocab: Vocabulary | None = None) -> None:
        self.vocab = vocab or vocabulary()
        self.protected = frozenset(fold(w) for w in protected)
        self._kinds: dict[str, str] = {}
        self._words: dict[str, tuple[str, bool, list[str]]] = {}  # word -> kind, capitalised, parts

    def _kind(self, part: str) -> str:
        kind = self._kinds.get(part)
        if kind is None:
            kind = self._kinds[part] = self._classify(part)
        return kind

    def _classify(self, part: str) -> str:
        if len(part) < MIN_LETTERS or part in STOPWORDS:
            return "word"
        margin = self.vocab.margin(part)
        if margin is None:
            return "word" if self.vocab.common(part) or part in self.protected else "unknown"
        if part in self.protected:
            return "word"
        if margin >= STRONG_MARGIN:
            return "strong"
        return "ambiguous" if margin >= AMBIGUOUS_MARGIN else "word"

    def tokens(self, text: str) -> list[_Token]:
        """The words of a text with what the recogniser needs of each (parts, capitals, sentence start,
        kind)."""
        found: list[_Token] = []
        starts = {m.end() for m in _SENTENCE_START.finditer(text)}
        words = self._words
        for match in TOKEN.finditer(text):
            word = match.group()
            known = words.get(word)
            if known is None:
                capitalised = word[0].isupper() and (len(word) > 3 or not word.isupper())
                known = (self._word_kind(word), capitalised, self._parts(word))
                if len(words) < 200_000:
                    words[word] = known
            kind, capitalised, parts = known
            start = match.start()
            found.append(_Token(start, match.end(), word, parts, capitalised, start in starts, kind))
        return found

    def _parts(self, word: str) -> list[str]:
        return [fold(p) for p in _HYPHEN.split(word) if p] if _HYPHEN.search(word) else [fold(word)]

    def _word_kind(self, word: str) -> str:
        """strong | ambiguous | word | unknown for a word, hyphenated ones by their parts (cached)."""
        kind = self._kinds.get(word)
        if kind is not None:
            return kind
        kinds = [self._kind(p) for p in self._parts(word)]
        if "strong" in kinds and all(k != "word" for k in kinds):
            kind = "strong"
        elif "strong" in kinds or "ambiguous" in kinds:
            kind = "ambiguous"
        else:
            kind = "word" if "word" in kinds else "unknown"
        if len(self._kinds) < 200_000:
            self._kinds[word] = kind
        return kind

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each person name found."""
        tokens = self.tokens(text)
        spans: list[tuple[int, int]] = []
        for run in self._runs(text, tokens):
            span = self._decide(text, run)
            if span:
                spans.append(span)
        return spans

    def _runs(self, text: str, tokens: list[_Token]) -> list[list[_Token]]:
        """Maximal runs of name-like words (capitalised, or lower-case lexicon names) joined by spaces,
        hyphens or particles ("de la")."""
        runs: list[list[_Token]] = []
        current: list[_Token] = []
        pending: list[_Token] = []  # particles waiting for a name after them
        for token in tokens:
            after_lower_name = bool(current) and not current[-1].capitalised and current[-1].kind == "strong"
            namelike = (
                token.capitalised
                or token.kind == "strong"
                or (after_lower_name and token.kind == "ambiguous")
            )
            gap = text[(pending or current)[-1].end : token.start] if (pending or current) else ""
            joined = bool(current) and _GAP.fullmatch(gap) is not None
            if namelike and token.text.lower() not in PARTICLES:
                if current and joined:
                    current.extend(pending)
                    current.append(token)
                else:
                    if current:
                        runs.append(current)
                    current = [token]
                pending = []
            elif current and joined and token.text.lower() in PARTICLES and len(pending) < 2:
                pending.append(token)
            else:
                if current:
                    runs.append(current)
                current, pending = [], []
        if current:
            runs.append(current)
        return runs

    def _eponym(self, text: str, run: list[_Token]) -> bool:
        after = _NEXT_WORD.match(text, run[-1].end)
        if after and fold(after.group(1)) in EPONYM_AFTER:
            return True
        before = fold(text[max(0, run[0].start - 20) : run[0].start]).strip()
        return before.endswith(EPONYM_BEFORE)

    def _ordinary(self, token: _Token) -> bool:
        """A capitalised ordinary word (a sentence start, a heading), not part of a name."""
        return token.kind == "word" and any(
            p in STOPWORDS or len(p) < MIN_LETTERS or (self.vocab.common(p) and self.vocab.margin(p) is None)
            for p in token.parts
        )  # a protected word that is also a first name ("Pilar Echevarría") stays with the name

    def _decide(self, text: str, run: list[_Token]) -> tuple[int, int] | None:
        while run and (self._ordinary(run[0]) or run[0].text.lower() in PARTICLES):
            run = run[1:]  # "Enfermedad de ...", "Hoy ...": a capitalised sentence start is not the name
        while run and (self._ordinary(run[-1]) or run[-1].text.lower() in PARTICLES):
            run = run[:-1]
        if not run or self._eponym(text, run):
            return None
        names = [t for t in run if t.kind in ("strong", "ambiguous")]
        unknown = [t for t in run if t.kind == "unknown" and t.capitalised]
        strong = [
            t for t in run if t.kind == "strong" and (t.capitalised or len(run) > 1 or len(t.parts) > 1)
        ]
        capitalised_names = [t for t in names if t.capitalised]
        if len(run) == 1 and run[0].initial and run[0].capitalised and len(run[0].parts) == 1:
            # alone at a sentence start: only a word that is rarely anything but a name ("Iparraguirre
            # llamó", not "Mark on the forearm", "Grace period")
            if self.vocab.words.get(run[0].parts[0], 0.0) >= SENTENCE_START_ZIPF or run[0].kind != "strong":
                return None
            return run[0].start, run[0].end
        if strong or len(capitalised_names) >= 2 or (capitalised_names and unknown):
            return run[0].start, run[-1].end  # a first name and a surname unknown to the lexicon go together
        if len(run) == 1 and capitalised_names and not run[0].initial:
            margin = self.vocab.margin(run[0].parts[0])
            if margin is not None and margin >= SINGLE_MARGIN:  # an ambiguous word capitalised mid-sentence
                return run[0].start, run[0].end
        return None


_CLINICAL: dict[int, tuple[object, frozenset[str]]] = {}


def clinical_vocabulary(kb) -> frozenset[str]:
    """Folded words of the HPO labels, synonyms and lay phrases (English and Spanish): never a name alone."""
    cached = _CLINICAL.get(id(kb))
    if cached is not None and cached[0] is kb:
        return cached[1]
    from learning.ingest.text_to_hpo import LOCAL_NAMES

    info = kb.term_info
    texts: list[str] = list(kb.term_names) + list(LOCAL_NAMES)
    texts += [entry[0] for entries in info.get("synonyms", {}).values() for entry in entries]
    texts += list(info.get("labels_es", {}).values())
    texts += [text for entries in info.get("synonyms_es", {}).values() for text in entries]
    texts += [entry[0] for entries in info.get("lay_phrases", {}).values() for entry in entries]
    words = frozenset(w for text in texts for w in TOKEN.findall(fold(str(text))) if len(w) >= MIN_LETTERS)
    _CLINICAL[id(kb)] = (kb, words)
    return words
