"""SYNTHETIC patients for the demo and for tests of formats with no open real data (written as files by
`learning.synthetic.files`).

Everything made here is labelled synthetic: file names start with `synthetic_`, every row / record /
note carries a synthetic flag (so `patients.synthetic` is true once ingested) and the identifiers are
invented (names from a list, phones, e-mails at example domains, DNI numbers with a valid check letter,
addresses, record numbers). Patients are sampled from the knowledge base: mostly curated common diseases
(weighted by prevalence, so classes are imbalanced), some rare ones; findings drawn with the literature
frequencies, plus noise, missing values, typos, both languages, and a small share of impossible values
(60 C, negative ages, pregnancy in a male, unparseable dates) for the quarantine to catch. Some visits are
written to two sources with differently formatted patient ids, for the merge.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

import numpy as np

from knowledge.kb import KnowledgeBase
from learning.privacy.patterns import FIRST_NAMES_EN, FIRST_NAMES_ES

__all__ = [
    "DNI_LETTERS",
    "NO_EN",
    "NO_ES",
    "PREGNANCY",
    "SEVERITY_ES",
    "YES_EN",
    "YES_ES",
    "SyntheticPatient",
    "SyntheticSpec",
    "rare_disease_pool",
    "sample_sex",
]

_SURNAMES_ES = (
    "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández "
    "Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ramírez "
    "Serrano Blanco Molina Morales Suárez Ortega Delgado Castro Ortiz Rubio Marín Sanz Iglesias"
)
_SURNAMES_EN = (
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson White "
    "Harris Martin Thompson Clark Lewis Walker Hall Allen Young King Wright Scott Green Baker Adams Nelson"
)
SURNAMES_ES, SURNAMES_EN = _SURNAMES_ES.split(), _SURNAMES_EN.split()
_MONTHS_ES = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
STREETS_ES = ("Mayor", "Real", "del Sol", "de la Paz", "Nueva", "San Juan", "Alcalá", "Gran Vía", "Toledo")
STREETS_EN = ("Main", "Oak", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park")
CITIES_ES = (("Madrid", "28"), ("Sevilla", "41"), ("Valencia", "46"), ("Barcelona", "08"), ("Málaga", "29"))
CITIES_EN = (("Springfield", "62"), ("Riverside", "92"), ("Fairview", "37"), ("Franklin", "02"))
DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
FEVER, PREGNANCY = "HP:0001945", "HP:6000485"
SEVERITY_ES = {"mild": "leve", "moderate": "moderado", "severe": "grave"}
YES_ES, NO_ES = ("sí", "si", "Sí", "presente", "SI"), ("no", "No", "ausente", "NO")
YES_EN, NO_EN = ("yes", "Yes", "present", "Y", "1"), ("no", "No", "absent", "N", "0")


@dataclass
class SyntheticPatient:
    """One SYNTHETIC patient: identity, demographics and visit (never a real person)."""

    pid: str
    lang: str
    first: str
    last: str
    sex: str
    age: float
    birth: dt.date
    visit: dt.date
    phone: str
    email: str
    dni: str
    address: str
    city: str
    postal: str
    record_number: str
    disease: str | None  # None: unlabelled visit
    disease_label: str
    present: list[tuple[str, str | None]] = field(default_factory=list)  # (term, severity)
    absent: list[str] = field(default_factory=list)
    temperature: float | None = None  # in `temperature_unit`
    temperature_unit: str = "C"
    date_text: str = ""  # as written (may be unparseable on purpose)
    age_text: str = ""
    pregnant_male: bool = False
    rare: bool = False

    @property
    def name(self) -> str:
        """The full name."""
        return f"{self.first} {self.last}"


@dataclass
class SyntheticSpec:
    """How many SYNTHETIC patients, and how much noise (duplicates, errors, typos, missing values) they
    carry."""

    patients: int = 200
    seed: int = 0
    rare_share: float = 0.12
    duplicate_share: float = 0.05
    error_rate: float = 0.01  # each kind of impossible value
    typo_rate: float = 0.03
    missing_rate: float = 0.15
    notes_as_files: int = 25  # the first notes also as one .txt each (the rest in a JSONL)


def rare_disease_pool(kb: KnowledgeBase, min_links: int = 8, max_links: int = 40) -> list[int]:
    """HPO (OMIM / ORPHA) diseases with a moderate number of positive annotations: realistic rare patients."""
    links = np.bincount(kb.link_disease[~kb.link_negated], minlength=len(kb.disease_ids))
    return [
        i
        for i, source in enumerate(kb.disease_source)
        if source in ("OMIM", "ORPHA") and min_links <= links[i] <= max_links
    ]


def sample_sex(pattern: str, rng: random.Random | np.random.Generator) -> str:
    """A sex consistent with the disease's curated sex pattern (sex-limited, predominant or any)."""
    if pattern == "female":
        return "female"
    if pattern == "male":
        return "male"
    bias = {"female-predominant": 0.7, "male-predominant": 0.3}.get(pattern, 0.5)
    return "female" if rng.random() < bias else "male"


def dni(rng: random.Random) -> str:
    number = rng.randrange(10_000_000, 99_999_999)
    return f"{number}{DNI_LETTERS[number % 23]}"


class _Sampler:
    def __init__(self, kb: KnowledgeBase, spec: SyntheticSpec) -> None:
        self.kb, self.spec = kb, spec
        self.rng = random.Random(spec.seed)
        links = [i for i in range(len(kb.link_disease)) if not kb.link_negated[i]]
        self.by_disease: dict[int, list[tuple[int, float]]] = {}
        for i in links:
            freq = float(kb.link_freq[i])
            self.by_disease.setdefault(int(kb.link_disease[i]), []).append(
                (int(kb.link_term[i]), 0.5 if math.isnan(freq) else min(freq, 0.95))
            )
        curated = [i for i, s in enumerate(kb.disease_source) if s == "curated" and i in self.by_disease]
        weights = [
            math.sqrt(float(kb.disease_prevalence[i]) if kb.disease_prevalence[i] > 0 else 1e-4)
            for i in curated
        ]
        self.common, self.common_weights = curated, weights
        rare = rare_disease_pool(kb)
        self.rare = (
            sorted(
                np.random.default_rng(spec.seed).choice(rare, size=min(40, len(rare)), replace=False).tolist()
            )
            if rare
            else []
        )
        pool = {t for i in curated for t, _ in self.by_disease[i]}
        self.noise_terms = sorted(pool)

    def patient(self, number: int) -> SyntheticPatient:
        rng, kb = self.rng, self.kb
        rare = bool(self.rare) and rng.random() < self.spec.rare_share
        index = rng.choice(self.rare) if rare else rng.choices(self.common, self.common_weights)[0]
        info = kb.disease_info[index]
        lang = "es" if rng.random() < 0.6 else "en"
        sex = sample_sex(info.get("sex_pattern", "any"), rng)
        low, high = (info.get("age_min", 0), min(info.get("age_max", 95), 99)) if not rare else (0, 40)
        age = round(rng.uniform(low, max(low, high)), 1)
        visit = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 700))
        birth = visit - dt.timedelta(days=int(age * 365.25))
        names, surnames = (FIRST_NAMES_ES, SURNAMES_ES) if lang == "es" else (FIRST_NAMES_EN, SURNAMES_EN)
        first = rng.choice(names.split())
        last = " ".join(rng.sample(surnames, 2 if lang == "es" else 1))
        city, prefix = rng.choice(CITIES_ES if lang == "es" else CITIES_EN)
        postal = f"{prefix}{rng.randrange(0, 1000):03d}"
        if lang == "es":
            phone = f"6{rng.randrange(10, 99)} {rng.randrange(100, 999)} {rng.randrange(100, 999)}"
            address = f"C/ {rng.choice(STREETS_ES)} {rng.randrange(1, 200)}, {rng.randrange(1, 9)}º"
        else:
            phone = f"(555) {rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}"
            address = f"{rng.randrange(1, 999)} {rng.choice(STREETS_EN)} Street"
        domain = "example.es" if lang == "es" else "example.com"
        email = f"{_ascii(first).lower()}.{_ascii(last.split()[0]).lower()}{number}@{domain}"
        labelled = rng.random() > 0.08
        disease_id = kb.disease_ids[index]
        label = kb.disease_label(index, lang) if lang == "es" else kb.disease_names[index]
        patient = SyntheticPatient(
            pid=f"SYN-{number:06d}",
            lang=lang,
            first=first,
            last=last,
            sex=sex,
            age=age,
            birth=birth,
            visit=visit,
            phone=phone,
            email=email,
            dni=dni(rng),
            address=address,
            city=city,
            postal=postal,
            record_number=f"NHC{rng.randrange(1_000_000, 9_999_999)}",
            disease=disease_id if labelled else None,
            disease_label=label.split(" (")[0] if labelled else "",
            rare=rare,
        )
        links = list(self.by_disease[index])
        rng.shuffle(links)
        for term_index, freq in links[:14]:
            term = kb.term_ids[term_index]
            if rng.random() < freq:
                severity = rng.choice((None, None, "mild", "moderate", "severe"))
                patient.present.append((term, severity))
            elif not rare and rng.random() < 0.35:
                patient.absent.append(term)
        if rng.random() < 0.1:  # noise: a finding unrelated to the disease
            noise = kb.term_ids[rng.choice(self.noise_terms)]
            if noise not in patient.absent and all(t != noise for t, _ in patient.present):
                patient.present.append((noise, None))
        if not patient.present:
            term_index, _ = max(links, key=lambda x: x[1])
            patient.present.append((kb.term_ids[term_index], None))
        fever = any(t == FEVER for t, _ in patient.present)
        if not rare and rng.random() > self.spec.missing_rate:
            celsius = rng.uniform(38.0, 40.0) if fever else rng.uniform(36.0, 37.5)
            if rng.random() < self.spec.error_rate:
                celsius = 60.0  # impossible
            if lang == "en" and rng.random() < 0.7:
                patient.temperature, patient.temperature_unit = round(celsius * 9 / 5 + 32, 1), "F"
            else:
                patient.temperature = round(celsius, 1)
        patient.date_text = _date_text(rng, visit, lang)
        if rng.random() < self.spec.error_rate:
            patient.date_text = rng.choice(("31/02/2024", "ayer", "2024-13-45", "unknown date"))
        patient.age_text = "" if rng.random() < self.spec.missing_rate / 3 else f"{age:g}"
        if rng.random() < self.spec.error_rate:
            patient.age_text = f"-{rng.randrange(1, 30)}"
        if sex == "male" and rng.random() < self.spec.error_rate:
            patient.pregnant_male = True
        return patient


def _ascii(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).replace(
        " ", ""
    )


def _date_text(rng: random.Random, when: dt.date, lang: str) -> str:
    months_es = _MONTHS_ES.split()
    style = rng.randrange(4)
    if style == 0:
        return when.isoformat()
    if style == 1:
        return when.strftime("%d/%m/%Y")
    if style == 2:
        return (
            f"{when.day} de {months_es[when.month - 1]} de {when.year}"
            if lang == "es"
            else when.strftime("%B %d, %Y")
        )
    return when.strftime("%d-%m-%Y") if lang == "es" else when.strftime("%Y/%m/%d")
