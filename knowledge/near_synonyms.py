"""Clinical near-synonyms (ontologies/curation/near_synonyms.tsv): a curated disease annotated with one term
of a pair also matches the other at a discounted frequency, without merging HPO's terms."""

from __future__ import annotations

from pathlib import Path

__all__ = ["NEAR_SYNONYMS", "read_pairs", "related_rows"]

NEAR_SYNONYMS = Path("curation") / "near_synonyms.tsv"
DISCOUNT = 0.7  # the related term is a little less typical of the disease than the annotated one


def read_pairs(ontologies_dir: Path, known_terms: set[str]) -> list[tuple[str, str]]:
    """The reviewed pairs; a line naming an unknown term raises ValueError with file and line."""
    path = ontologies_dir / NEAR_SYNONYMS
    if not path.exists():
        return []
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("term_a\t"):
            continue
        parts = line.split("\t")
        if len(parts) < 2 or any(p not in known_terms for p in parts[:2]):
            raise ValueError(
                f"{path}:{number}: expected two live HPO ids separated by a tab, got {line[:60]!r}"
            )
        pairs.append((parts[0], parts[1]))
    return pairs


def related_rows(
    rows: list[tuple], pairs: list[tuple[str, str]], term_index: dict[str, int], curated: set[int]
) -> list[tuple]:
    """Extra link rows: for each curated disease's positive link to one term of a pair, the other term (unless
    the disease already has it), with the frequency discounted and the pair cited."""
    related: dict[int, list[int]] = {}
    for a, b in pairs:
        related.setdefault(term_index[a], []).append(term_index[b])
        related.setdefault(term_index[b], []).append(term_index[a])
    term_ids = {index: term for term, index in term_index.items()}
    existing = {(row[0], row[1]) for row in rows}
    extra: dict[tuple[int, int], tuple] = {}
    for row in rows:
        disease, term, freq, negated = row[0], row[1], row[2], row[5]
        if disease not in curated or negated or term not in related:
            continue
        for other in related[term]:
            key = (disease, other)
            if key in existing:
                continue
            value = DISCOUNT * (freq if freq == freq else 1.0)  # NaN (no frequency) counts as 1
            if key not in extra or extra[key][2] < value:
                refs = f"near-synonym of {term_ids[term]}" + (f" ({row[9]})" if row[9] else "")
                extra[key] = (disease, other, value, -1, -1, False, row[6], row[7], -1, refs, "near-synonym")
    return list(extra.values())
