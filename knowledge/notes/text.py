"""Tokens of a clinical note with their offsets, normal forms and the punctuation that separates them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["FUNCTION_WORDS", "PHRASE_GAPS", "Tokens", "fold", "phrase_key", "tokenize", "words"]

_WORD = re.compile(r"[^\W_]+")

_GENDERED = ("ado", "ada", "ido", "ida", "oso", "osa")


def words(text: str) -> frozenset[str]:
    """The set of the space-separated words of a word list written as one string."""
    return frozenset(text.split())


# words dropped inside phrases on both sides ("pain in the chest" ~ "pain chest", "dolor en el pecho" ~
# "dolor de pecho"): articles, possessives and the prepositions that join a finding to its site
_ABBREVIATIONS = words("dr dra sr sra mr mrs ms vs approx aprox prof")  # "Dr. Ruiz": not a sentence end
FUNCTION_WORDS = words(
    "the a an of in on at his her their its my your our to any some significant considerable much very "
    "de del la el los las en un una unos unas su sus al lo le les me mi se"
)

# read past inside a phrase, on both sides: auxiliaries ("her periods have stopped" ~ "periods stopped",
# "habia perdido peso" ~ "perdido peso"), intensifiers ("a bit short of breath"), "like" ("foamy like urine")
# and the prepositions that place a finding at its site ("pain behind the knee", "dolor detrás de la rodilla")
PHRASE_GAPS = FUNCTION_WORDS | words(
    "is are was were be been being has have had having habia quite really rather somewhat bit like "
    "around over behind under below above across from detras alrededor sobre debajo encima"
)


# "uña" (nail) would lose its tilde to become "una" (a): "una pequeña herida" read as a small nail
_NAIL = re.compile(r"\b([uU])[ñÑ]([aA][sS]?)\b")


def strip_accents(text: str) -> str:
    """Accents removed ("uña" kept apart from "una" as "unya")."""
    decomposed = unicodedata.normalize("NFKD", _NAIL.sub(r"\1ny\2", text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(text: str) -> str:
    """Lower case, accents removed, punctuation collapsed to single spaces."""
    return " ".join(_WORD.findall(strip_accents(text).casefold()))


# words whose fold would be an abbreviation's: "hives" is not "HIV"
_UNFOLDED = frozenset(["hives"])


def american(token: str) -> str:
    """British spellings of clinical words as American ones, so that HPO's labels match either:
    "haematuria" ~ "hematuria", "anaemia" ~ "anemia", "oedema" ~ "edema", "diarrhoea" ~ "diarrhea",
    "coeliac" ~ "celiac", "paediatric" ~ "pediatric", "tumour" ~ "tumor"."""
    if "ae" in token:
        token = token.replace("haem", "hem").replace("aemi", "emi").replace("paed", "ped")
    if "oe" in token:
        if token.startswith("oe") and len(token) > 4:  # oedema, oesophagus, oestrogen
            token = token[1:]
        token = token.replace("rrhoea", "rrhea").replace("pnoea", "pnea").replace("coel", "cel")
    if token.endswith(("umour", "olour", "aviour")):
        token = token[:-2] + "r"
    return token


def fold(token: str) -> str:
    """A crude number fold shared by phrases and notes: "seizures" ~ "seizure", "dolores" ~ "dolor",
    "convulsiones" ~ "convulsion", "nodes" ~ "node", "mareada" ~ "mareado", British spellings as American
    ("haematuria" ~ "hematuria"); only the two sides agreeing matters."""
    if len(token) <= 3 or token.isdigit() or token in _UNFOLDED:
        return token
    token = american(token)
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    if token.endswith("e") and len(token) > 3:
        token = token[:-1]
    if len(token) > 5 and token.endswith(_GENDERED):
        token = token[
            :-1
        ]  # Spanish participles and adjectives: "cansada" ~ "cansado", "sudorosa" ~ "sudoroso"
    return token


def phrase_key(text: str) -> tuple[str, ...]:
    """The lookup key of a label, synonym or lay phrase: folded content words, auxiliaries and site
    prepositions read past."""
    content = [t for t in normalize(text).split() if t not in FUNCTION_WORDS]
    gapped = [t for t in content if t not in PHRASE_GAPS]
    # "under breathing" is not "breathing": a phrase the gap words would leave one word of keeps them
    return tuple(fold(t) for t in (gapped if len(gapped) > 1 or len(content) < 2 else content))


@dataclass
class Tokens:
    """Parallel lists over the tokens of a text (kept as lists: the extractor's inner loop reads them)."""

    text: str
    start: list[int]
    end: list[int]
    raw: list[str]  # lower case, accents kept ("sí" is not "si")
    norm: list[str]  # lower case, no accents
    sentence: list[int]  # sentence number
    clause: list[int]  # clause number (commas, colons, brackets also separate)

    def __len__(self) -> int:
        return len(self.start)


_PIECE = re.compile(r"(\d+(?:[.,]\d+)?|[^\W_]+)|([.;!?\n\r]+)|([,:()\[\]{}]| - |[–—])")


def tokenize(text: str) -> Tokens:
    """Tokens (words and decimal numbers) with their sentence and clause numbers."""
    start: list[int] = []
    end: list[int] = []
    raw: list[str] = []
    sentence: list[int] = []
    clause: list[int] = []
    s = c = 0
    new_sentence = new_clause = False
    for match in _PIECE.finditer(text):
        group = match.lastindex
        if group != 1:
            if group == 2:
                if not (raw and raw[-1] in _ABBREVIATIONS and match.group() == "."):
                    new_sentence = True
            else:
                new_clause = True
            continue
        if new_sentence:
            s += 1
            c += 1
            new_sentence = new_clause = False
        elif new_clause:
            c += 1
            new_clause = False
        begin, finish = match.span()
        start.append(begin)
        end.append(finish)
        raw.append(text[begin:finish].casefold())
        sentence.append(s)
        clause.append(c)
    norm = [r if r.isascii() else strip_accents(r) for r in raw]
    return Tokens(text, start, end, raw, norm, sentence, clause)
