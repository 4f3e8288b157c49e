"""The leakage unit of a published case: its publication (the PMID in a phenopacket-store case id)."""

from __future__ import annotations

import hashlib
import re

__all__ = ["publication_fold", "publication_of"]

_PMID = re.compile(r"PMID[_:](\d+)")


def publication_of(case_id: str) -> str | None:
    """'PMID_12345_patient_3' -> 'PMID:12345'; None when the id names no publication."""
    match = _PMID.search(case_id or "")
    return f"PMID:{match.group(1)}" if match else None


def publication_fold(case_id: str, folds: int = 2) -> int:
    """A stable fold for a case's publication (the case id itself when it names none)."""
    key = publication_of(case_id) or case_id
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % folds
