"""Summary figures of a compiled knowledge base (what `dxgraph kb stats` prints)."""

from __future__ import annotations

from collections import Counter

import numpy as np

from knowledge.kb import ORIGINS, KnowledgeBase

__all__ = ["kb_stats"]


def kb_stats(kb: KnowledgeBase) -> dict:
    """Counts describing a build (release, version, terms, diseases by source, links by origin, ...), for
    `dxgraph kb stats`."""
    positive = ~kb.link_negated
    by_source = Counter(kb.disease_source)
    origin_names = np.asarray(ORIGINS)[kb.link_origin]
    return {
        "hpo_release": kb.release,
        "kb_version": kb.version,
        "built_at": kb.meta["built_at"],
        "terms": len(kb.term_ids),
        "diseases": {
            "total": len(kb.disease_ids),
            **{k: by_source.get(k, 0) for k in ("OMIM", "ORPHA", "DECIPHER", "curated")},
        },
        "orphan_diseases": int(kb.disease_orphan.sum()),
        "phenotype_links": int(positive.sum()),
        "links_with_frequency": int((positive & ~np.isnan(kb.link_freq)).sum()),
        "links_with_counts": int((positive & (kb.link_m > 0)).sum()),
        "not_links": int(kb.link_negated.sum()),
        "links_by_origin": {name: int((origin_names == name).sum()) for name in ORIGINS},
        "overridden_hpo_links": kb.meta["overridden_hpo_links"],
        "unparsed_frequencies": kb.meta["unparsed_frequencies"],
        "spanish_term_labels": len(kb.term_info["labels_es"]),
    }
