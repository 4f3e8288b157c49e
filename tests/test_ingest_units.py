"""Pure parts of ingestion: field vocabulary, value parsers, symptom-name mapping, notes -> HPO."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from learning.ingest import fields as F
from learning.ingest import values as V
from learning.ingest.tabular import table_records
from learning.ingest.text_to_hpo import SymptomMapper, extract_findings
from learning.privacy.anonymize import normalise_patient_id, postal_prefix
from learning.privacy.kanon import k_anonymity, suppress_below_k


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Paciente", (F.PATIENT, None)),
        ("FECHA_CONSULTA", (F.DATE, None)),
        ("Temperatura (°F)", (F.TEMPERATURE, "F")),
        ("temperature_c", (F.TEMPERATURE, "C")),
        ("Nombre del paciente", (F.ID_NAME, None)),
        ("DNI", (F.ID_NATIONAL, None)),
        ("NHC", (F.ID_RECORD, None)),
        ("Correo electrónico", (F.ID_EMAIL, None)),
        ("Fiebre", (None, None)),
    ],
)
def test_headers_in_both_languages(header, expected):
    assert F.canonical_header(header) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("sí", ("present", None)),
        ("Presente", ("present", None)),
        ("AUSENTE", ("absent", None)),
        ("no", ("absent", None)),
        ("leve", ("present", "mild")),
        ("grave", ("present", "severe")),
        ("moderate", ("present", "moderate")),
        ("1", ("present", None)),
        (0, ("absent", None)),
        ("", None),
        ("desconocido", None),
        (float("nan"), None),
    ],
)
def test_symptom_values(value, expected):
    assert V.parse_status(value) == expected


def test_unrecognised_values_raise():
    for parser, value in ((V.parse_status, "maybe"), (V.parse_sex, "alien"), (V.parse_date, "31/02/2024")):
        with pytest.raises(ValueError):
            parser(value)


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-12",
        "12/03/2024",
        "12-03-2024",
        "12.03.2024",
        "12 de marzo de 2024",
        "March 12, 2024",
        "12 Mar 2024",
        "20240312",
        "2024-03-12T10:30:00",
    ],
)
def test_dates_in_several_formats(text):
    assert V.parse_date(text) == dt.date(2024, 3, 12)


def test_month_first_when_day_first_is_impossible():
    assert V.parse_date("03/25/2024") == dt.date(2024, 3, 25)


def test_temperature_units_by_suffix_column_or_range():
    assert V.parse_number("38,5 °C") == (38.5, "C")
    assert V.temperature_celsius(101.3, None) == pytest.approx(38.5)
    assert V.temperature_celsius(38.5, None) == 38.5
    assert V.temperature_celsius(100.4, "F") == pytest.approx(38.0)
    for value, unit in ((60, "C"), (60, None), (140, "F"), (15, None)):
        with pytest.raises(ValueError, match="implausible temperature"):
            V.temperature_celsius(value, unit)


def test_sex_m_means_mujer_under_a_spanish_header():
    assert V.parse_sex("M", spanish=True) == "female"
    assert V.parse_sex("M") == "male"
    assert V.parse_sex("Hombre") == "male" and V.parse_sex("varón") == "male"


def test_patient_ids_normalise_across_spellings():
    assert (
        normalise_patient_id("PAC-0001") == normalise_patient_id("pac 1") == normalise_patient_id("Pac_001")
    )
    assert normalise_patient_id("PAC-0001") != normalise_patient_id("PAC-0010")
    assert postal_prefix("28013") == "280" and postal_prefix("") is None


def test_wide_and_long_tables_are_told_apart():
    wide = pd.DataFrame({"Paciente": ["A1"], "Fiebre": ["sí"], "Tos": ["no"], "Nombre": ["Ana Ruiz"]})
    (record,) = table_records(wide, "w.csv")
    assert [(c.name, c.value) for c in record.symptoms] == [("Fiebre", "sí"), ("Tos", "no")]
    assert record.identifiers == {F.ID_NAME: ["Ana Ruiz"]} and record.row_ref == "w.csv:2"
    long = pd.DataFrame(
        {
            "patient": ["A1", "A1", "B2"],
            "date": ["2024-01-02"] * 3,
            "symptom": ["fever", "cough", "rash"],
            "status": ["yes", "no", "yes"],
        }
    )
    records = list(table_records(long, "l.csv"))
    assert len(records) == 2 and records[0].rows == 2
    assert [c.row_ref for c in records[0].symptoms] == ["l.csv:2", "l.csv:3"]


def test_local_symptom_names_map_to_hpo(kb):
    mapper = SymptomMapper(kb)
    expected = {
        "Fiebre": "HP:0001945",
        "dolor_de_cabeza": "HP:0002315",
        "Vómitos": "HP:0002013",
        "cough": "HP:0012735",
        "Dolor de garganta": "HP:0033050",
        "Mialgias": "HP:0003326",
        "fiebree": "HP:0001945",  # a typo
        "hp_0001945": "HP:0001945",
        "embarazo": "HP:6000485",
    }
    assert {name: mapper.map_name(name) for name in expected} == expected
    assert mapper.map_name("Blorp") is None and mapper.map_name("hospital") is None


@pytest.mark.parametrize(
    ("text", "lang", "present", "absent"),
    [
        (
            "Refiere fiebre y tos. Niega disnea. Sin dolor torácico.",
            "es",
            {"HP:0001945", "HP:0012735"},
            {"HP:0002094", "HP:0100749"},
        ),
        ("Paciente con cefalea intensa; no fiebre, niega fiebre.", "es", {"HP:0002315"}, {"HP:0001945"}),
        (
            "Reports fever and cough. Denies rash. No vomiting.",
            "en",
            {"HP:0001945", "HP:0012735"},
            {"HP:0000988", "HP:0002013"},
        ),
    ],
)
def test_notes_to_hpo_with_negation(kb, text, lang, present, absent):
    found = extract_findings(kb, text, lang)
    assert {f.term for f in found if f.present} == present
    assert {f.term for f in found if not f.present} == absent


def test_k_anonymity_report_and_suppression():
    frame = pd.DataFrame(
        {
            "age_band": ["18-39"] * 6 + ["90+"],
            "sex": ["female"] * 6 + ["male"],
            "year": [2024] * 7,
            "postal_prefix": ["280"] * 6 + ["410"],
        }
    )
    report = k_anonymity(frame, k=5)
    assert (report.records, report.classes, report.smallest_class) == (7, 2, 1)
    assert report.records_below_k == 1 and not report.k_anonymous
    assert report.table == [
        {"age_band": "18-39", "sex": "female", "year": "2024", "postal_prefix": "280", "count": 6}
    ]
    released = suppress_below_k(frame, k=5)
    assert released.iloc[-1].tolist() == ["*", "*", "*", "*"] and released.iloc[0]["age_band"] == "18-39"
    assert k_anonymity(released.iloc[:6], k=5).k_anonymous
