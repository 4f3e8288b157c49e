"""Stored encounters as evaluation cases: one query and one evidence rule for the gate, the protocol and
every evaluation that reads the store."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from inference.evaluation import EvalCase
from inference.evidence import SEVERITY_WEIGHT, Evidence, EvidenceError, make_evidence
from knowledge.kb import KnowledgeBase
from learning.store import Store

__all__ = ["case_records", "eval_cases", "load_cases", "orphan_mask"]

COLUMNS = ["encounter_id", "patient_id", "publication", "age_years", "sex", "diseases", "present", "absent"]


def load_cases(store: Store, encounters: list[str] | None = None) -> pd.DataFrame:
    """One row per diagnosed encounter (all, or those listed): ids, publication, age, sex, diseases
    (tuple), present findings as (term, severity) pairs and absent terms."""
    where, params = ("WHERE e.encounter_id IN (SELECT unnest(?))", [encounters]) if encounters else ("", [])
    rows = store.connection.execute(
        f"""WITH dx AS (SELECT encounter_id, list(DISTINCT disease_id ORDER BY disease_id) AS diseases
                       FROM diagnoses GROUP BY 1),
                fx AS (SELECT encounter_id,
                              list({{'term': term_id, 'severity': severity}})
                                  FILTER (WHERE status = 'present') AS present,
                              list(term_id) FILTER (WHERE status = 'absent') AS absent
                       FROM findings GROUP BY 1)
           SELECT e.encounter_id, e.patient_id, e.publication, e.age_years, p.sex, dx.diseases,
                  fx.present, fx.absent
           FROM encounters e JOIN dx USING (encounter_id)
           LEFT JOIN patients p USING (patient_id) LEFT JOIN fx USING (encounter_id)
           {where} ORDER BY 1""",
        params,
    ).fetchall()
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype=object)
    frame["diseases"] = [tuple(d) for d in frame["diseases"]]
    frame["present"] = [[(f["term"], f["severity"]) for f in p or []] for p in frame["present"]]
    frame["absent"] = [list(a or []) for a in frame["absent"]]
    return frame


def age_of(value: object) -> float | None:
    """A stored age in years, or None when missing or implausible."""
    if isinstance(value, (int, float)) and np.isfinite(value) and 0 <= value <= 130:
        return float(value)
    return None


def sex_of(value: object) -> str | None:
    return value.lower() if isinstance(value, str) and value.lower() in ("female", "male") else None


def case_records(cases: pd.DataFrame) -> list[dict]:
    """Plain records (present, absent, age_years, sex) for the baseline."""
    return [
        {"present": r.present, "absent": r.absent, "age_years": age_of(r.age_years), "sex": sex_of(r.sex)}
        for r in cases.itertuples()
    ]


def record_evidence(kb: KnowledgeBase, row: Any, context: str = "rare-disease-clinic") -> Evidence:
    """The engine's evidence for a stored case (unknown terms dropped; a term both present and absent
    after alt-id resolution counts as present)."""
    present = [(t, s if s in SEVERITY_WEIGHT else None) for t, s in row.present]
    observed = {t for t, _ in present}
    absent = [t for t in row.absent if t not in observed]
    options = {
        "age_years": age_of(row.age_years),
        "sex": sex_of(row.sex),
        "context": context,
        "strict": False,
    }
    try:
        return make_evidence(kb, present, absent, **options)
    except EvidenceError:
        resolved = {kb.resolve_term(t)[0] for t in observed}
        return make_evidence(
            kb, present, [t for t in absent if kb.resolve_term(t)[0] not in resolved], **options
        )


def eval_cases(
    kb: KnowledgeBase, cases: pd.DataFrame, context: str = "rare-disease-clinic"
) -> list[EvalCase]:
    """The frame's encounters as evaluation cases (any stored diagnosis counts as the truth)."""
    return [
        EvalCase(str(row.encounter_id), record_evidence(kb, row, context), tuple(row.diseases))
        for row in cases.itertuples()
    ]


def orphan_mask(kb: KnowledgeBase, cases: pd.DataFrame) -> np.ndarray:
    """Per case: is its first diagnosis an orphan disease (or unknown to the knowledge base)?"""
    index = kb.disease_index
    return np.asarray(
        [
            True if index.get(d[0]) is None else bool(kb.disease_orphan[index[d[0]]])
            for d in cases["diseases"]
        ],
        dtype=bool,
    )
