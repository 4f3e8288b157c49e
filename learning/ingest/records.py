"""One clinical record (a visit: tabular row or group of long rows, JSON object, note) -> store rows.

Adapters turn files into `RawRecord`s (canonical fields, symptom cells, identifier values, a note);
`RecordCleaner.add` validates and homogenises one record into a `RecordBatch`: units converted, local
symptom names mapped to HPO ids, identifiers dropped (only used to scrub the note), the patient id turned
into an HMAC pseudonym, quasi-identifiers generalised (age > 89 -> 90, date -> year, postal code -> 3-digit
prefix kept in memory for the k-anonymity report only). Every value that cannot be used goes to
quarantine with row, source and reason; everything valid in the record is still kept. Records of the same
pseudonymous patient on the same date (or visit id) merge into one encounter, across sources.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from functools import cached_property

from inference.vitals import bin_vitals
from knowledge.kb import KnowledgeBase
from learning.ingest import fields as F
from learning.ingest import values as V
from learning.ingest.batch import (
    RecordBatch,
    RecordQuarantine,
    SourceContext,
    age_band,
    generalise_age,
    truncate,
)
from learning.ingest.raw import RawRecord, SymptomCell
from learning.ingest.text_to_hpo import SymptomMapper, extract_findings
from learning.privacy.anonymize import (
    Scrubber,
    age_at,
    generalise_date,
    identifier_terms,
    normalise_patient_id,
    postal_prefix,
)
from learning.privacy.person_names import clinical_vocabulary
from learning.privacy.pseudonym import pseudonym

__all__ = ["RecordCleaner"]

# sex-specific findings: (roots, sex that cannot have them, reason)
PREGNANCY_TERMS = ("HP:6000485",)  # positive pregnancy test / beta-hCG (local "embarazo", "pregnant")
FEMALE_ONLY_ROOTS = ("HP:0010460", "HP:0000140", *PREGNANCY_TERMS)  # female genitalia, menstrual cycle
MALE_ONLY_ROOTS = ("HP:0010461",)  # male genitalia
REFUSING_FIELDS = frozenset({"json", "record", "file"})  # a problem there, and nothing read: record refused
DISEASE_ID = re.compile(r"^(OMIM|ORPHA|DECIPHER|MONDO|DXG)[:_ ]?\s*([A-Za-z0-9_]+)$", re.IGNORECASE)


class RecordCleaner:
    """Validates records into a RecordBatch; keeps per-run indexes so repeated visits merge."""

    def __init__(self, kb: KnowledgeBase, key: bytes, scrubber: Scrubber | None = None) -> None:
        self.kb = kb
        self.key = key
        self.mapper = SymptomMapper(kb)
        self.scrubber = scrubber or Scrubber(protected=lambda: clinical_vocabulary(kb))
        self._encounters: dict[str, dict] = {}
        self._patients: dict[str, dict] = {}
        self._findings: dict[tuple[str, str], dict] = {}
        self._diagnoses: dict[tuple[str, str], None] = {}
        self._notes: dict[tuple[str, str], None] = {}
        self._occurrences: Counter[tuple[str, str, str]] = Counter()

    _INDEXES = ("_encounters", "_patients", "_findings", "_diagnoses", "_notes", "_occurrences")

    def checkpoint(self) -> dict[str, int]:
        """Sizes of the per-run indexes, to forget a failed file's records with `rollback`."""
        return {name: len(getattr(self, name)) for name in self._INDEXES}

    def rollback(self, mark: dict[str, int]) -> None:
        """Drop what was indexed since a checkpoint."""
        for name in self._INDEXES:
            truncate(getattr(self, name), mark[name])

    # ---- lookups --------------------------------------------------------------------------------
    @cached_property
    def _female_only(self) -> frozenset[str]:
        return self._descendants(FEMALE_ONLY_ROOTS)

    @cached_property
    def _male_only(self) -> frozenset[str]:
        return self._descendants(MALE_ONLY_ROOTS)

    def _descendants(self, roots: tuple[str, ...]) -> frozenset[str]:
        found: set[str] = set()
        for root in roots:
            if root in self.kb.term_index:
                found |= {self.kb.term_ids[i] for i in self.kb.descendants(self.kb.term_index[root])}
        return frozenset(found)

    @cached_property
    def _disease_names(self) -> dict[str, int]:
        """Folded English/Spanish disease labels and ICD-10 codes of curated diseases -> disease index."""
        names: dict[str, int] = {}
        for index, name in enumerate(self.kb.disease_names):
            names.setdefault(V.fold(name), index)
        for index, info in enumerate(self.kb.disease_info):
            if info.get("label_es"):
                names.setdefault(V.fold(info["label_es"]), index)
                short = info["label_es"].split("(")[0]
                names.setdefault(V.fold(short), index)
            for code in info.get("icd10") or []:
                names.setdefault(V.fold(code), index)
            for xref in info.get("xrefs") or []:
                names.setdefault(V.fold(xref), index)
        for index, name in enumerate(self.kb.disease_names):
            names.setdefault(V.fold(name.split("(")[0]), index)
        return names

    def resolve_disease(self, value: object) -> str | None:
        """The knowledge base's disease id for a cell: a disease id (any case) or a disease name; None if
        neither."""
        text = str(value).strip()
        match = DISEASE_ID.match(text)
        if match:
            candidate = f"{match.group(1).upper()}:{match.group(2)}"
            if candidate in self.kb.disease_index:
                return candidate
        index = self._disease_names.get(V.fold(text))
        return self.kb.disease_ids[index] if index is not None else None

    # ---- one record -----------------------------------------------------------------------------
    def add(self, batch: RecordBatch, context: SourceContext, record: RawRecord) -> str | None:
        """Validate one record into the batch; returns its encounter, or None when it is refused whole."""
        batch.rows_read += record.rows
        values = record.fields
        known = self._known_identifiers(record) if record.notes else None
        lazy = known if known is not None else (lambda: self._known_identifiers(record))
        raw_patient = values.get(F.PATIENT)
        base = normalise_patient_id(raw_patient) if not V.is_missing(raw_patient) else ""
        # the row's own content (not its position): a re-exported file maps its old rows to the same keys;
        # identical rows of one file are told apart by their occurrence
        digest = record.content_digest()
        occurrence = self._occurrences[(context.source_id, base, digest)]
        self._occurrences[(context.source_id, base, digest)] = occurrence + 1
        content_key = f"content:{context.path_key}|{digest}|{occurrence}"
        row_key = pseudonym(self.key, f"{base}|{content_key}", "row")[2:18]
        quarantine = RecordQuarantine(batch, context, record.row_ref, self.scrubber.scrub, lazy, row_key)
        refused = record.is_empty() and any(f in REFUSING_FIELDS for _, f, _ in record.problems)
        for row_ref, field_name, reason in record.problems:
            quarantine.add(field_name, reason, row_ref, "refused" if refused else "dropped")
        if refused:
            return None

        patient_key = base or f"anonymous|{content_key}"
        patient = pseudonym(self.key, patient_key, "patient")
        visit_date = self._parse(quarantine, F.DATE, values.get(F.DATE), V.parse_date)
        birth = self._parse(quarantine, F.BIRTH_DATE, values.get(F.BIRTH_DATE), V.parse_date)
        visit = values.get(F.VISIT)
        if visit_date is not None:
            visit_key = visit_date.isoformat()
        elif not V.is_missing(visit):
            visit_key = f"visit:{V.fold(visit)}"
        else:
            visit_key = content_key
            if occurrence:
                quarantine.add(
                    "record",
                    "identical to an earlier row of the same file: kept as a separate visit",
                    None,
                    "warning",
                )
        encounter = pseudonym(self.key, f"{patient_key}|{visit_key}", "encounter")

        age = self._age(quarantine, values.get(F.AGE), birth, visit_date)
        spanish = bool(values.get(F.SEX_SPANISH))
        sex = self._parse(quarantine, F.SEX, values.get(F.SEX), lambda v: V.parse_sex(v, spanish))
        synthetic = V.parse_bool(values.get(F.SYNTHETIC))
        self._patient(batch, patient, sex, synthetic)
        self._encounter(batch, context, encounter, patient, age, visit_date)
        batch.quasi.setdefault(
            encounter,
            {
                "age_band": age_band(age),
                "sex": sex,
                "year": generalise_date(visit_date),
                "postal_prefix": postal_prefix(values.get(F.POSTAL)),
            },
        )

        provenance = f"{context.kind}:{record.row_ref}"
        findings: list[tuple[str, str, str | None, str, str]] = []  # term, status, severity, prov, row
        self._temperature(quarantine, record, age, findings, provenance)
        for cell in record.symptoms:
            self._symptom(quarantine, cell, findings, f"{context.kind}:{cell.row_ref}")
        language = V.parse_language(values.get(F.LANGUAGE))
        for text in record.notes:
            if V.is_missing(text):
                continue
            scrubbed = self.scrubber.scrub(str(text), known)
            lang = language or V.guess_language(scrubbed)
            if (encounter, scrubbed) not in self._notes:
                self._notes[(encounter, scrubbed)] = None
                batch.notes.append({"encounter_id": encounter, "language": lang, "text_scrubbed": scrubbed})
            for found in extract_findings(self.kb, scrubbed, lang):
                status = V.PRESENT if found.present else V.ABSENT
                findings.append((found.term, status, found.severity, f"note:{provenance}", record.row_ref))
        for term, status, severity, prov, row_ref in findings:
            if status == V.PRESENT and not self._sex_consistent(quarantine, term, sex, row_ref):
                continue
            self._finding(batch, quarantine, encounter, term, status, severity, prov, row_ref)
        for value in record.diagnoses:
            if V.is_missing(value):
                continue
            disease = self.resolve_disease(value)
            if disease is None:
                quarantine.add(F.DIAGNOSIS, "unknown diagnosis")
                continue
            if (encounter, disease) not in self._diagnoses:
                self._diagnoses[(encounter, disease)] = None
                label = self.kb.disease_names[self.kb.disease_index[disease]]
                batch.diagnoses.append({"encounter_id": encounter, "disease_id": disease, "label": label})
        return encounter

    # ---- parts ----------------------------------------------------------------------------------
    @staticmethod
    def _known_identifiers(record: RawRecord) -> list[str]:
        values = [v for kind, vs in record.identifiers.items() for v in vs]
        names = list(record.identifiers.get(F.ID_NAME, []))
        for name in (F.PATIENT, F.BIRTH_DATE, F.POSTAL, F.VISIT):
            raw = record.fields.get(name)
            if not V.is_missing(raw) and len(str(raw).strip()) >= 3:
                values.append(str(raw))
        patient = record.fields.get(F.PATIENT)
        if isinstance(patient, str) and len(patient.split()) > 1 and not any(c.isdigit() for c in patient):
            names.append(patient)  # a name used as the patient id
        birth = record.fields.get(F.BIRTH_DATE)
        try:
            parsed = V.parse_date(birth)
        except ValueError:
            parsed = None
        if parsed:
            values += [parsed.strftime("%d/%m/%Y"), parsed.strftime("%m/%d/%Y"), parsed.isoformat()]
        return identifier_terms(values, names)

    @staticmethod
    def _parse(quarantine: RecordQuarantine, name: str, value: object, parser):
        try:
            return parser(value)
        except ValueError as error:
            quarantine.add(name, str(error))
            return None

    def _age(
        self, quarantine: RecordQuarantine, value: object, birth: dt.date | None, when: dt.date | None
    ) -> float | None:
        try:
            parsed = V.parse_number(value)
        except ValueError:
            quarantine.add(F.AGE, "unparseable age")
            parsed = None
        age = parsed[0] if parsed else None
        if age is None and birth is not None and when is not None:
            age = age_at(birth, when)
        if age is None:
            return None
        if age < 0:
            quarantine.add(F.AGE, "negative age")
            return None
        if age > 130:
            quarantine.add(F.AGE, "implausible age (over 130)")
            return None
        return generalise_age(age)

    def _patient(self, batch: RecordBatch, patient: str, sex: str | None, synthetic: bool) -> None:
        row = self._patients.get(patient)
        if row is None:
            row = {"patient_id": patient, "sex": sex, "synthetic": synthetic}
            self._patients[patient] = row
            batch.patients.append(row)
        elif row["sex"] is None and sex is not None:
            row["sex"] = sex

    def _encounter(
        self,
        batch: RecordBatch,
        context: SourceContext,
        encounter: str,
        patient: str,
        age: float | None,
        when: dt.date | None,
    ) -> None:
        row = self._encounters.get(encounter)
        if row is None:
            row = {
                "encounter_id": encounter,
                "patient_id": patient,
                "source_id": context.source_id,
                "age_years": age,
                "age_band": age_band(age),
                "year": generalise_date(when),
                "context": "primary-care",
                "publication": None,
                "run_id": context.run_id,
            }
            self._encounters[encounter] = row
            batch.encounters.append(row)
            return
        if row["age_years"] is None and age is not None:
            row["age_years"], row["age_band"] = age, age_band(age)
        if row["year"] is None and when is not None:
            row["year"] = when.year

    def _temperature(
        self,
        quarantine: RecordQuarantine,
        record: RawRecord,
        age: float | None,
        findings: list,
        provenance: str,
    ) -> None:
        raw = record.fields.get(F.TEMPERATURE)
        try:
            parsed = V.parse_number(raw)
            if parsed is None:
                return
            unit = parsed[1] or V.parse_unit(record.fields.get(F.TEMPERATURE_UNIT)) or record.temperature_unit
            celsius = V.temperature_celsius(parsed[0], unit)
        except ValueError as error:
            reason = str(error) if "temperature" in str(error) else f"temperature: {error}"
            quarantine.add(F.TEMPERATURE, reason)
            return
        for vital in bin_vitals(temperature_c=celsius, age_years=age):
            if vital.term in self.kb.term_index:
                status = V.PRESENT if vital.present else V.ABSENT
                findings.append((vital.term, status, None, f"vitals:{provenance}", record.row_ref))

    def _symptom(
        self, quarantine: RecordQuarantine, cell: SymptomCell, findings: list, provenance: str
    ) -> None:
        try:
            parsed = V.parse_status(cell.value)
            severity = V.parse_severity(cell.severity)
        except ValueError as error:
            quarantine.add(quarantine.label(cell.name), str(error), cell.row_ref)
            return
        if parsed is None:
            return  # missing value: neither present nor absent
        term = self.mapper.map_name(cell.name)
        if term is None:
            quarantine.add(quarantine.label(cell.name), "unknown symptom name", cell.row_ref)
            return
        status, cell_severity = parsed
        severity = (severity or cell_severity) if status == V.PRESENT else None
        findings.append((term, status, severity, provenance, cell.row_ref))

    def _sex_consistent(self, quarantine: RecordQuarantine, term: str, sex: str | None, row_ref: str) -> bool:
        if sex == "male" and term in self._female_only:
            reason = (
                "pregnancy finding in a male" if term in PREGNANCY_TERMS else "female-only finding in a male"
            )
            quarantine.add(term, reason, row_ref)
            return False
        if sex == "female" and term in self._male_only:
            quarantine.add(term, "male-only finding in a female", row_ref)
            return False
        return True

    def _finding(
        self,
        batch: RecordBatch,
        quarantine: RecordQuarantine,
        encounter: str,
        term: str,
        status: str,
        severity: str | None,
        provenance: str,
        row_ref: str,
    ) -> None:
        existing = self._findings.get((encounter, term))
        if existing is None:
            row = {
                "encounter_id": encounter,
                "term_id": term,
                "status": status,
                "severity": severity,
                "provenance": provenance,
            }
            self._findings[(encounter, term)] = row
            batch.findings.append(row)
            return
        if existing["status"] == status:  # the same statement again: one finding, both provenances
            if existing["severity"] is None and severity is not None:
                existing["severity"] = severity
            if provenance not in existing["provenance"].split(";"):
                existing["provenance"] += ";" + provenance
            return
        # present in one source, absent in another: keep present, quarantine the absent statement
        quarantine.add(
            term, "conflicting present/absent statements for one visit: kept present", row_ref, "warning"
        )
        if status == V.PRESENT:
            existing.update(status=status, severity=severity, provenance=provenance)
