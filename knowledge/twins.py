"""OMIM / Orphanet twins: the same disease catalogued twice, found from shared genes plus name or phenotype.

HPO annotates many diseases under both an OMIM and an ORPHA id. Ranked side by side they split one
diagnosis's probability and push other candidates down; inference shows them as one entry (docs/model.md).
There is no OMIM-ORPHA mapping in the HPO release, so a pair counts as twins when their names agree
(ignoring case, punctuation and the word "type") and no other OMIM or ORPHA entry has that name, or when both
are linked to a common gene in ``genes_to_phenotype.txt`` and either their names agree or their phenotype
sets overlap by Jaccard >= 0.5; only one-to-one pairs are kept (name matches
first) (an Orphanet
group covering several OMIM entries is a different, broader concept).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

__all__ = ["GENES_FILE", "find_twins", "normalized_name", "read_disease_genes"]

GENES_FILE = "genes_to_phenotype.txt"
MIN_JACCARD = 0.5


_ROMAN = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})([a-e]?)$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def _arabic(token: str, following: str) -> str:
    """A Roman numeral as a number ("ia" -> "1a", "iv" -> "4"); other words, and the X of "X-linked", as
    they are."""
    match = _ROMAN.match(token)
    if not match or not (match.group(1) or match.group(2)) or following == "linked":
        return token
    numeral = match.group(1) + match.group(2)
    value = sum(
        -_ROMAN_VALUES[c]
        if i + 1 < len(numeral) and _ROMAN_VALUES[c] < _ROMAN_VALUES[numeral[i + 1]]
        else _ROMAN_VALUES[c]
        for i, c in enumerate(numeral)
    )
    return f"{value}{match.group(3)}"


def normalized_name(name: str) -> str:
    """A disease name for comparing near twins: lowercased, without "type" and punctuation, Roman numerals as
    numbers, words in a fixed order ("Cutis laxa, autosomal recessive, type IA" = "Autosomal recessive cutis
    laxa type 1A"; "Orofaciodigital syndrome I" = "Orofaciodigital syndrome type 1")."""
    text = re.sub(r"\btype\b", " ", name.lower())
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    following = words[1:] + [""]
    return " ".join(sorted(_arabic(w, f) for w, f in zip(words, following, strict=True)))


def read_disease_genes(path: Path) -> dict[str, set[str]]:
    """disease id -> gene symbols, from HPO's genes_to_phenotype.txt (empty when the file is absent)."""
    genes: dict[str, set[str]] = defaultdict(set)
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        gene_col, disease_col = header.index("gene_symbol"), header.index("disease_id")
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) > max(gene_col, disease_col):
                genes[parts[disease_col]].add(parts[gene_col])
    return dict(genes)


def find_twins(
    disease_ids: Sequence[str],
    names: Sequence[str],
    phenotypes: Mapping[int, set[int]],
    genes: Mapping[str, Iterable[str]],
) -> list[tuple[int, int]]:
    """One-to-one (OMIM index, ORPHA index) pairs describing the same disease."""
    by_gene: dict[str, list[int]] = defaultdict(list)
    for index, disease in enumerate(disease_ids):
        if disease.startswith(("OMIM:", "ORPHA:")):
            for gene in genes.get(disease, ()):
                by_gene[gene].append(index)
    named: set[tuple[int, int]] = set()
    similar: set[tuple[int, int]] = set()
    for members in by_gene.values():
        omim = [i for i in members if disease_ids[i].startswith("OMIM:")]
        orpha = [i for i in members if disease_ids[i].startswith("ORPHA:")]
        for o in omim:
            for r in orpha:
                if normalized_name(names[o]) == normalized_name(names[r]):
                    named.add((o, r))
                elif _jaccard(phenotypes.get(o, set()), phenotypes.get(r, set())) >= MIN_JACCARD:
                    similar.add((o, r))
    named |= _unique_name_pairs(disease_ids, names)
    pairs = _one_to_one(named)
    taken = {i for pair in pairs for i in pair}
    pairs += _one_to_one({(o, r) for o, r in similar if o not in taken and r not in taken})
    return sorted(pairs)


def _unique_name_pairs(disease_ids: Sequence[str], names: Sequence[str]) -> set[tuple[int, int]]:
    """Pairs whose normalized name is carried by exactly one OMIM and one ORPHA entry (many Orphanet
    entries have no gene in the release)."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for index, disease in enumerate(disease_ids):
        if disease.startswith(("OMIM:", "ORPHA:")):
            by_name[normalized_name(names[index])].append(index)
    pairs = set()
    for members in by_name.values():
        if len(members) == 2:
            a, b = sorted(members, key=lambda i: not disease_ids[i].startswith("OMIM:"))
            if disease_ids[a].startswith("OMIM:") and disease_ids[b].startswith("ORPHA:"):
                pairs.add((a, b))
    return pairs


def _one_to_one(pairs: set[tuple[int, int]]) -> list[tuple[int, int]]:
    omim_count = Counter(o for o, _ in pairs)
    orpha_count = Counter(r for _, r in pairs)
    return [(o, r) for o, r in pairs if omim_count[o] == 1 and orpha_count[r] == 1]


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0
