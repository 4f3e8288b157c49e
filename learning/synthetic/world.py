"""A SYNTHETIC true world that differs from the literature, and the learning-gain experiment run on it.

The real dev cases hold rare diseases only, so whether learning from patients helps on common diseases can
only be shown on synthetic data. The true world starts from the literature (the compiled network's link
strengths) and departs from it: frequencies perturbed on the logit scale, some listed features truly
absent, a few unlisted true features, and some diseases hidden from the literature altogether. Patients
are sampled from the true world (imbalanced case mix, partial and less specific reporting, excluded and
noise findings), written as phenopackets labelled synthetic, ingested through the real store and learning
code, and both the literature-only and the learned model are scored on held-out patients
(`learning.synthetic.experiment`). Every identifier made here starts with SYNTHETIC_; no real patient is
involved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from inference.network import PHENOTYPIC_ABNORMALITY, ROOT, compile_network
from inference.params import ModelParams
from inference.priors import ONSET_RANGE
from knowledge.kb import KnowledgeBase
from learning.synthetic.patients import rare_disease_pool, sample_sex

__all__ = [
    "GROUPS",
    "SyntheticEncounter",
    "TrueWorld",
    "WorldSpec",
    "build_world",
    "divergence",
    "literature_kb",
    "sample_encounters",
    "split_patients",
    "to_phenopacket",
]

GROUPS = ("common", "orphan", "absent")  # curated common; HPO rare; HPO rare hidden from the literature


@dataclass(frozen=True)
class WorldSpec:
    """Every setting of the synthetic world and the experiment; chosen a priori, recorded in the report."""

    seed: int = 0
    orphan_diseases: int = 300  # HPO diseases sampled into the world (the literature knows them)
    absent_diseases: int = 60  # further HPO diseases hidden from the literature (only data can teach them)
    common_patients: int = 4000  # spread over the curated common diseases by sqrt(prevalence)
    rare_patients_mean: float = 2.0  # each orphan / absent disease has 1 + Poisson(this) patients
    logit_noise: float = 1.0  # sd of the true-vs-literature frequency perturbation, logit scale
    dropped_share: float = 0.1  # literature features the true disease does not have
    extra_features: int = 2  # true features per disease the literature does not list
    extra_frequency: tuple[float, float] = (0.2, 0.7)  # their true frequency, uniform in this range
    report_rate: float = 0.7  # a present feature is reported with this probability
    less_specific_rate: float = 0.1  # a reported feature is recorded as one of its parents
    exclude_rate: float = 0.2  # a known feature the patient lacks is recorded as excluded
    noise_findings: float = 0.5  # Poisson mean of unrelated findings per encounter
    second_visit_rate: float = 0.1  # a patient returns: a second encounter of the same illness
    test_fraction: float = 0.3  # share of patients held out (all their encounters)
    context: str = "primary-care"  # clinical context both models are queried in
    bootstrap: int = 2000  # patient-level bootstrap resamples for the top-1 gain interval


@dataclass
class WorldDisease:
    """One disease of the true world: its features with literature strength and true frequency."""

    disease_id: str
    label: str
    group: str
    terms: list[str]  # union of the literature's and the true features
    literature: np.ndarray  # literature strength per term (0: the literature does not list it)
    truth: np.ndarray  # true frequency per term (0: the disease does not cause it)
    patients: int
    sex_pattern: str
    age_range: tuple[float, float]


@dataclass
class TrueWorld:
    """The diseases patients are drawn from, and the term pools their reports use."""

    diseases: list[WorldDisease]
    noise_terms: list[str]  # pool of unrelated findings
    parents: dict[str, list[str]]  # usable (not too general) parents of each true feature

    @property
    def hidden(self) -> list[str]:
        """Ids of the diseases the literature must not know."""
        return [d.disease_id for d in self.diseases if d.group == "absent"]


@dataclass
class SyntheticEncounter:
    """One recorded visit of a synthetic patient (what a phenopacket carries), with its true disease."""

    patient: str
    packet_id: str
    disease_id: str
    group: str
    present: list[str]
    excluded: list[str]
    sex: str
    age: float


# ---- the true world ------------------------------------------------------------------------------------
def _logit(p: np.ndarray) -> np.ndarray:
    """Logit, clipped away from 0 and 1 so certain literature frequencies can still move."""
    p = np.clip(p, 0.01, 0.99)
    return np.log(p) - np.log1p(-p)


def too_general_terms(kb: KnowledgeBase) -> set[int]:
    """Root, 'Phenotypic abnormality' and the organ-system categories: never a useful finding."""
    result: set[int] = set()
    for term in (ROOT, PHENOTYPIC_ABNORMALITY):
        if term in kb.term_index:
            result.add(kb.term_index[term])
    if PHENOTYPIC_ABNORMALITY in kb.term_index:
        result.update(kb.children_lists[kb.term_index[PHENOTYPIC_ABNORMALITY]])
    return result


def literature_strengths(kb: KnowledgeBase) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per disease index: (term indices, link strengths) exactly as the literature-only network uses them."""
    network = compile_network(kb, ModelParams())
    return {
        d: (
            network.ann_term[network.ann_ptr[d] : network.ann_ptr[d + 1]].astype(np.int64),
            network.ann_strength[network.ann_ptr[d] : network.ann_ptr[d + 1]],
        )
        for d in range(len(kb.disease_ids))
        if network.ann_ptr[d + 1] > network.ann_ptr[d]
    }


def choose_diseases(
    kb: KnowledgeBase, spec: WorldSpec, rng: np.random.Generator, annotated: set[int]
) -> dict[str, list[int]]:
    """Curated common diseases with literature, plus disjoint random samples of HPO diseases."""
    common = [i for i, s in enumerate(kb.disease_source) if s == "curated" and i in annotated]
    pool = [i for i in rare_disease_pool(kb) if i in annotated]
    order = rng.permutation(pool).tolist()
    return {
        "common": common,
        "orphan": sorted(order[: spec.orphan_diseases]),
        "absent": sorted(order[spec.orphan_diseases : spec.orphan_diseases + spec.absent_diseases]),
    }


def patient_counts(
    kb: KnowledgeBase, chosen: dict[str, list[int]], spec: WorldSpec, rng: np.random.Generator
) -> dict[int, int]:
    """Imbalanced case mix: common diseases share many patients by sqrt(prevalence), rare ones get few."""
    prevalence = np.nan_to_num(kb.disease_prevalence[chosen["common"]], nan=1e-4)
    weights = np.sqrt(prevalence) / np.sqrt(prevalence).sum()
    counts = dict(zip(chosen["common"], rng.multinomial(spec.common_patients, weights).tolist(), strict=True))
    for disease in chosen["orphan"] + chosen["absent"]:
        counts[disease] = 1 + int(rng.poisson(spec.rare_patients_mean))
    return counts


def related(kb: KnowledgeBase, a: int, b: int) -> bool:
    """Whether two terms lie on one path of the ontology (one is the other or an ancestor of it)."""
    return a in kb.ancestor_sets[b] or b in kb.ancestor_sets[a]


def perturb(
    kb: KnowledgeBase,
    terms: np.ndarray,
    strengths: np.ndarray,
    extra_pool: np.ndarray,
    spec: WorldSpec,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True frequencies: literature ones perturbed on the logit scale, some dropped, some features added."""
    noisy = 1.0 / (1.0 + np.exp(-(_logit(strengths) + rng.normal(0.0, spec.logit_noise, len(strengths)))))
    truth = np.where(rng.random(len(strengths)) < spec.dropped_share, 0.0, noisy)
    extras: list[int] = []
    for candidate in rng.permutation(extra_pool).tolist():
        if len(extras) >= spec.extra_features:
            break
        if not any(related(kb, candidate, int(t)) for t in list(terms) + extras):
            extras.append(candidate)
    low, high = spec.extra_frequency
    all_terms = np.concatenate([terms, np.asarray(extras, dtype=np.int64)])
    literature = np.concatenate([strengths, np.zeros(len(extras))])
    truth = np.concatenate([truth, rng.uniform(low, high, len(extras))])
    return all_terms, literature, truth


def age_range(kb: KnowledgeBase, disease: int) -> tuple[float, float]:
    """Ages the disease is seen at: its curated range, else from its earliest onset for 40 years."""
    info = kb.disease_info[disease]
    onset = min((ONSET_RANGE[t][0] for t in info.get("onset", []) if t in ONSET_RANGE), default=0)
    low = float(max(info.get("age_min") or 0, onset))
    high = float(min(info["age_max"] if info.get("age_max") is not None else low + 40, 99))
    return low, max(low, high)


def extra_feature_pools(
    kb: KnowledgeBase, lit: dict[int, tuple[np.ndarray, np.ndarray]], general: set[int]
) -> dict[str, np.ndarray]:
    """Candidate unlisted true features: the vocabulary of the common diseases, and that of rare ones."""
    members = {
        "common": [d for d in lit if kb.disease_source[d] == "curated"],
        "rare": [d for d in rare_disease_pool(kb) if d in lit],
    }
    return {
        name: np.asarray([t for t in np.unique(np.concatenate([lit[d][0] for d in ds])) if t not in general])
        for name, ds in members.items()
    }


def world_disease(
    kb: KnowledgeBase,
    disease: int,
    group: str,
    literature: tuple[np.ndarray, np.ndarray],
    pool: np.ndarray,
    patients: int,
    spec: WorldSpec,
) -> WorldDisease:
    """One disease's true features, from its own random stream (independent of the other diseases)."""
    rng = np.random.default_rng([spec.seed, 3, disease])
    terms, lit, truth = perturb(kb, literature[0], literature[1], pool, spec, rng)
    return WorldDisease(
        kb.disease_ids[disease],
        kb.disease_names[disease],
        group,
        [kb.term_ids[t] for t in terms],
        lit,
        truth,
        patients,
        kb.disease_info[disease].get("sex_pattern", "any"),
        age_range(kb, disease),
    )


def build_world(kb: KnowledgeBase, spec: WorldSpec) -> TrueWorld:
    """The true world over `kb` (the full knowledge base, hidden diseases included); seeded, pure."""
    lit = literature_strengths(kb)
    general = too_general_terms(kb)
    chosen = choose_diseases(kb, spec, np.random.default_rng([spec.seed, 1]), set(lit))
    counts = patient_counts(kb, chosen, spec, np.random.default_rng([spec.seed, 2]))
    pools = extra_feature_pools(kb, lit, general)
    diseases = [
        world_disease(kb, d, group, lit[d], pools["common" if group == "common" else "rare"], counts[d], spec)
        for group in GROUPS
        for d in chosen[group]
    ]
    used = sorted({t for d in diseases for t in d.terms})
    parents = {
        t: [kb.term_ids[p] for p in kb.parents(kb.term_index[t]).tolist() if int(p) not in general]
        for t in used
    }
    noise = [kb.term_ids[t] for t in np.union1d(pools["common"], pools["rare"]).tolist()]
    return TrueWorld(diseases, noise, parents)


def divergence(world: TrueWorld) -> dict:
    """How far the true world is from the literature, over all (disease, feature) pairs and per group."""
    result = {}
    for group in (*GROUPS, "all"):
        chosen = [d for d in world.diseases if group in ("all", d.group)]
        if not chosen:
            continue
        lit = np.concatenate([d.literature for d in chosen])
        truth = np.concatenate([d.truth for d in chosen])
        listed = lit > 0
        result[group] = {
            "diseases": len(chosen),
            "features": int(len(lit)),
            "mean_abs_difference": float(np.abs(truth - lit).mean()),
            "listed_but_truly_absent": int((listed & (truth == 0)).sum()),
            "true_but_unlisted": int((~listed & (truth > 0)).sum()),
        }
    return result


def literature_kb(kb: KnowledgeBase, hidden: Iterable[str]) -> KnowledgeBase:
    """A copy of the knowledge base without the hidden diseases (and their links): the literature."""
    hidden = set(hidden)
    keep = np.asarray([d not in hidden for d in kb.disease_ids])
    digest = hashlib.sha256("\n".join(sorted(hidden)).encode()).hexdigest()[:8]
    meta = {
        **kb.meta,
        "version": f"{kb.version}-synthetic-literature-{digest}",
        "hidden_diseases": len(hidden),
    }
    return kb.with_diseases(keep, meta)


# ---- patients ------------------------------------------------------------------------------------------
def recorded_as(term: str, world: TrueWorld, spec: WorldSpec, rng: np.random.Generator) -> str:
    """A reported feature, sometimes recorded less specifically (as one of its parents)."""
    parents = world.parents.get(term, [])
    if parents and rng.random() < spec.less_specific_rate:
        return parents[rng.integers(len(parents))]
    return term


def report_visit(
    kb: KnowledgeBase,
    world: TrueWorld,
    disease: WorldDisease,
    present: list[str],
    spec: WorldSpec,
    rng: np.random.Generator,
) -> tuple[list[str], list[str]]:
    """What one encounter records: some present features (a few less specific), exclusions, noise."""
    reported = [t for t in present if rng.random() < spec.report_rate]
    reported = reported or [present[rng.integers(len(present))]]  # the reason the patient came
    recorded = [recorded_as(t, world, spec, rng) for t in reported]
    implied = set().union(*(kb.ancestor_sets[kb.term_index[t]] for t in present))
    excluded = [
        t for t in disease.terms if kb.term_index[t] not in implied and rng.random() < spec.exclude_rate
    ]
    excluded_index = {kb.term_index[t] for t in excluded}
    for _ in range(int(rng.poisson(spec.noise_findings))):
        noise = world.noise_terms[rng.integers(len(world.noise_terms))]
        if (
            kb.term_index[noise] not in implied
            and not excluded_index & kb.ancestor_sets[kb.term_index[noise]]
        ):
            recorded.append(noise)
    return sorted(set(recorded)), sorted(set(excluded))


def sample_encounters(
    kb: KnowledgeBase, world: TrueWorld, spec: WorldSpec, progress: bool = False
) -> list[SyntheticEncounter]:
    """Patients of every world disease; each has a true feature set and one or two reported visits."""
    rng = np.random.default_rng([spec.seed, 4])
    encounters: list[SyntheticEncounter] = []
    number = 0
    total = sum(d.patients for d in world.diseases)
    with tqdm(total=total, desc="sampling patients", unit="patient", disable=not progress) as bar:
        for disease in world.diseases:
            for _ in range(disease.patients):
                number += 1
                has = rng.random(len(disease.truth)) < disease.truth
                if not has.any():
                    has[int(np.argmax(disease.truth))] = True  # a patient presents with something
                present = [t for t, h in zip(disease.terms, has, strict=True) if h]
                sex = sample_sex(disease.sex_pattern, rng)
                age = float(rng.uniform(*disease.age_range))
                visits = 2 if rng.random() < spec.second_visit_rate else 1
                for visit in range(1, visits + 1):
                    shown, excluded = report_visit(kb, world, disease, present, spec, rng)
                    encounters.append(
                        SyntheticEncounter(
                            f"SYNTHETIC_P{number:06d}",
                            f"SYNTHETIC_P{number:06d}_V{visit}",
                            disease.disease_id,
                            disease.group,
                            shown,
                            excluded,
                            sex,
                            round(age + (visit - 1) * float(rng.uniform(0, 2)), 1),
                        )
                    )
                bar.update()
    return encounters


def to_phenopacket(encounter: SyntheticEncounter, label: str) -> dict:
    """A GA4GH-style phenopacket of a synthetic encounter (what the real ingestion reads)."""
    years, months = int(encounter.age), int(round((encounter.age % 1) * 12)) % 12
    features = [{"type": {"id": t}} for t in encounter.present]
    features += [{"type": {"id": t}, "excluded": True} for t in encounter.excluded]
    return {
        "id": encounter.packet_id,
        "subject": {
            "id": encounter.patient,
            "sex": encounter.sex.upper(),
            "timeAtLastEncounter": {"age": {"iso8601duration": f"P{years}Y{months}M"}},
        },
        "phenotypicFeatures": features,
        "interpretations": [
            {"id": "synthetic", "diagnosis": {"disease": {"id": encounter.disease_id, "label": label}}}
        ],
        "metaData": {"synthetic": True, "createdBy": "learning.synthetic_world"},
    }


def split_patients(
    encounters: list[SyntheticEncounter], test_fraction: float, seed: int
) -> tuple[list[SyntheticEncounter], list[SyntheticEncounter]]:
    """Train / test grouped by patient: all encounters of a patient land on the same side."""
    patients = sorted({e.patient for e in encounters})
    order = np.random.default_rng([seed, 5]).permutation(len(patients))
    test = {patients[i] for i in order[: int(round(test_fraction * len(patients)))]}
    return [e for e in encounters if e.patient not in test], [e for e in encounters if e.patient in test]
