"""The curated diseases by the names a note or a doctor gives them ("breast cancer", "migraña", "diabetes"),
so a family history can name the diseases it raises: each English and Spanish label, its words outside
and inside brackets, and a few everyday names of disease groups."""

from __future__ import annotations

import re

from knowledge.kb import KnowledgeBase
from knowledge.notes.text import fold, normalize

__all__ = ["DiseaseNames"]

# everyday names for a group of curated diseases (a family history rarely says which kind)
GROUP_NAMES = {
    "diabetes": ("DXG:type_2_diabetes",),
    "sickle cell anemia": ("DXG:sickle_cell_anemia",),
    "sickle cell trait": ("DXG:sickle_cell_anemia",),
    "anemia falciforme": ("DXG:sickle_cell_anemia",),
    "sugar": ("DXG:type_2_diabetes",),
    "heart attack": ("DXG:acute_myocardial_infarction", "DXG:ischemic_heart_disease"),
    "heart disease": ("DXG:ischemic_heart_disease", "DXG:acute_myocardial_infarction"),
    "coronary artery disease": ("DXG:ischemic_heart_disease", "DXG:acute_myocardial_infarction"),
    "myocardial infarction": ("DXG:acute_myocardial_infarction", "DXG:ischemic_heart_disease"),
    "infarto": ("DXG:acute_myocardial_infarction", "DXG:ischemic_heart_disease"),
    "high blood pressure": ("DXG:essential_hypertension",),
    "hypertension": ("DXG:essential_hypertension",),
    "hipertension": ("DXG:essential_hypertension",),
    "stroke": ("DXG:ischemic_stroke",),
    "ictus": ("DXG:ischemic_stroke",),
    "colon cancer": ("DXG:colorectal_cancer",),
    "bowel cancer": ("DXG:colorectal_cancer",),
    "cancer de colon": ("DXG:colorectal_cancer",),
    "inflammatory bowel disease": ("DXG:crohn_disease", "DXG:ulcerative_colitis"),
    "thyroid disease": ("DXG:hypothyroidism", "DXG:hashimoto_thyroiditis", "DXG:graves_disease"),
}
_WORD = re.compile(r"[a-z0-9]+")


def _key(text: str) -> str:
    """Lower case, no accents, words only, each folded as the note's words are ("migraines" ~ "migraine")."""
    return " ".join(fold(word) for word in _WORD.findall(normalize(text)))


class DiseaseNames:
    """Name variants (normalised: lower case, no accents, words only) -> curated disease ids."""

    def __init__(self, kb: KnowledgeBase) -> None:
        names: dict[str, set[str]] = {}
        for index, disease in enumerate(kb.disease_ids):
            if not disease.startswith("DXG:"):
                continue
            for label in (kb.disease_names[index], kb.disease_info[index].get("label_es") or ""):
                for variant in _variants(label):
                    names.setdefault(variant, set()).add(disease)
        for name, diseases in GROUP_NAMES.items():
            known = {d for d in diseases if d in kb.disease_index}
            if known:
                names[_key(name)] = known
        # a name's head ("hypothyroidism" of "primary hypothyroidism", "aortic aneurysm" of "abdominal aortic
        # aneurysm") stands for it too, when it names at most 3 diseases and is not a name of its own
        # (Spanish puts the noun first: "hipotiroidismo" of "hipotiroidismo primario")
        heads: dict[str, set[str]] = {}
        for name, ids in names.items():
            words = name.split()
            for cut in range(1, len(words)):
                heads.setdefault(" ".join(words[cut:]), set()).update(ids)
                heads.setdefault(" ".join(words[:cut]), set()).update(ids)
        for head, ids in heads.items():  # one word for one disease only ("aneurysm" is not an aortic one)
            limit = 3 if " " in head else 1
            if head not in names and len(ids) <= limit and _names_a_disease(head):
                names[head] = ids
        self.names = {name: tuple(sorted(ids)) for name, ids in names.items() if name}
        self.longest = max((len(name.split()) for name in self.names), default=0)

    def lookup(self, name: str) -> tuple[str, ...]:
        """The diseases a name stands for: the name's own (or a name's head), else the (at most 3) whose name
        holds it ("otitis media": acute and chronic otitis media); empty when unknown."""
        key = _key(name)
        if key in self.names:
            return self.names[key]
        padded = f" {key} "
        holding = sorted({d for variant, ids in self.names.items() if padded in f" {variant} " for d in ids})
        return tuple(holding) if 0 < len(holding) <= 3 else ()

    def in_words(self, words: list[str]) -> list[str]:
        """The diseases named in a run of normalised, folded words, longest name first, without overlaps."""
        found: list[str] = []
        position = 0
        while position < len(words):
            for size in range(min(self.longest, len(words) - position), 0, -1):
                ids = self.names.get(" ".join(words[position : position + size]))
                if ids:
                    found.extend(ids)
                    position += size
                    break
            else:
                position += 1
        return list(dict.fromkeys(found))


# the endings of a word that names a disease by itself ("hypothyroidism", "aneurysm", "thyroiditis"), as
# against "symptoms", "disorder", "leg", "pregnancy"
_ENDINGS = (
    "itis ism ysm osis oma emia aemia pathy algia iasis ectasis cele rrhea rrhoea plegia ismo patia plejia"
)
_DISEASE_ENDINGS = tuple(fold(ending) for ending in _ENDINGS.split())  # English and Spanish
_LEADING = frozenset(["of", "the", "in", "with", "due", "to", "and", "or", "from", "by", "for", "a", "an"])


def _names_a_disease(head: str) -> bool:
    """A name's tail that can stand for it: its last word a disease's ending, its first not a joining word."""
    words = head.split()
    return bool(words) and words[-1].endswith(_DISEASE_ENDINGS) and words[0] not in _LEADING


def _variants(label: str) -> set[str]:
    """'Acute cystitis (lower urinary tract infection)' -> the whole label, the part outside the brackets
    and each comma-separated name inside them."""
    outside = re.sub(r"\([^)]*\)", " ", label)
    inside = [part for group in re.findall(r"\(([^)]*)\)", label) for part in group.split(",")]
    return {_key(text) for text in (label, outside, *inside) if len(_key(text)) > 3}
