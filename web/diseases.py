"""A disease's page: its facts and phenotype links (frequency, provenance, references) from the loaded KB,
with the links of its references and identifiers and the language its label is shown in."""

from __future__ import annotations

import math

import numpy as np

from knowledge.kb import ORIGINS, SEXES
from web.schemas import ApiError
from web.state import Engine
from web.wording import number

__all__ = ["disease", "disease_url", "label_lang", "reference"]

_REFERENCE_URLS = {
    "PMID": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "OMIM": "https://omim.org/entry/{}",
    "ORPHA": "https://www.orpha.net/en/disease/detail/{}",
    "DOI": "https://doi.org/{}",
    "MONDO": "https://monarchinitiative.org/MONDO:{}",
    "DECIPHER": "https://www.deciphergenomics.org/syndrome/{}",
}
_MESH_URL = "https://meshb.nlm.nih.gov/record/ui?ui={}"


def reference(ref: str) -> dict:
    """A reference or identifier ("PMID:123", "OMIM:601622") with the URL that shows it (None when none
    does)."""
    prefix, _, local = ref.partition(":")
    if ref.startswith("dataset:HSDN/"):  # a literature feature: the MeSH disease it co-occurs with
        return {"id": ref, "url": _MESH_URL.format(local.removeprefix("HSDN/").split("#", 1)[0])}
    template = _REFERENCE_URLS.get(prefix.upper())
    return {"id": ref, "url": template.format(local.strip()) if template and local.strip() else None}


def disease_url(disease_id: str) -> str:
    """The path of a disease's page."""
    return f"/diseases/{disease_id}"


def label_lang(kb, index: int, lang: str) -> str:
    """The language of a disease's label: English where no source gives one in `lang`."""
    return "es" if lang == "es" and kb.disease_info[index].get("label_es") else "en"


def disease(engine: Engine, disease_id: str, lang: str = "en") -> dict:
    """A disease's facts and phenotype links (frequency, provenance) from the loaded KB."""
    kb = engine.diagnoser.kb
    index = kb.disease_index.get(disease_id)
    if index is None:
        raise ApiError(404, f"unknown disease id {disease_id!r}", "disease_id")
    info = kb.disease_info[index]
    base = engine.kb
    refs, evidence = engine.link_refs, engine.link_evidence  # packed: read without touching shared pages
    rows = np.flatnonzero(base.link_disease == index) if index < len(base.disease_ids) else np.array([], int)
    phenotypes, not_links = [], []
    for row in rows.tolist():
        term = base.term_ids[int(base.link_term[row])]
        frequency = float(base.link_freq[row])
        onset = int(base.link_onset[row])
        link = {
            "id": term,
            "label": base.label(term, lang),
            "frequency": None if math.isnan(frequency) else frequency,
            "n": int(base.link_n[row]) if base.link_n[row] >= 0 else None,
            "m": int(base.link_m[row]) if base.link_m[row] >= 0 else None,
            "origin": ORIGINS[int(base.link_origin[row])],
            "sex": SEXES[int(base.link_sex[row])].lower() or None,
            "onset": base.label(base.term_ids[onset], lang) if onset >= 0 else None,
            "evidence": evidence[row] or None,
            "references": [reference(r) for r in refs[row].split(";") if r.strip()],
        }
        (not_links if base.link_negated[row] else phenotypes).append(link)
    phenotypes.sort(
        key=lambda link: (-(link["frequency"] if link["frequency"] is not None else -1), link["label"])
    )
    prevalence = float(kb.disease_prevalence[index])
    source_ref = reference(disease_id)
    return {
        "disease_id": disease_id,
        "label": kb.disease_label(index, lang),
        "label_en": kb.disease_names[index],
        "label_lang": label_lang(kb, index, lang),
        "source": kb.disease_source[index],
        "source_url": source_ref["url"],
        "orphan": bool(kb.disease_orphan[index]),
        "kind": "orphan" if kb.disease_orphan[index] else "common",
        "prevalence": None if math.isnan(prevalence) else prevalence,
        "prevalence_kind": info.get("prevalence_kind"),
        "prevalence_source": reference(info["prevalence_source"]) if info.get("prevalence_source") else None,
        "icd10": info.get("icd10", []),
        "xrefs": [reference(x) for x in info.get("xrefs", [])],
        "setting": info.get("setting", []),
        "age_range": [info["age_min"], info["age_max"]] if "age_min" in info else None,
        "sex_pattern": info.get("sex_pattern"),
        "inheritance": [base.label(t, lang) for t in info.get("inheritance", [])],
        "onset": [base.label(t, lang) for t in info.get("onset", [])],
        "data_only": bool(info.get("data_only", False)),
        "phenotypes": phenotypes,
        "not_phenotypes": not_links,
        "risk_factors": _risk_factors(kb, info, lang),
        "url": disease_url(disease_id),
    }


def _risk_factors(kb, info: dict, lang: str) -> list[dict]:
    """The factors that make the disease likelier (or, at most 0.5, less likely), strongest first, with their
    relative risk and source (ontologies/risk_factors.ttl)."""
    factors = kb.term_info.get("risk_factors") or {}
    out = [
        {
            "factor": key,
            "label": (factors.get(key, {}).get("label_es") if lang == "es" else None)
            or factors.get(key, {}).get("label")
            or key,
            "relative_risk": relative_risk,
            "shown": number(relative_risk, lang),
            "required": relative_risk >= 1000,
            "source": reference(source),
        }
        for key, (relative_risk, source) in (info.get("risk") or {}).items()
    ]
    return sorted(out, key=lambda item: (-item["relative_risk"], item["label"]))
