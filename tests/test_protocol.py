"""The evaluation protocol: split properties, metrics on hand-checkable inputs, the baseline estimator, and
the whole protocol (store, learning, network, baseline, report) on the toy HPO release."""

from __future__ import annotations

import json
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.metrics import precision_recall_fscore_support

from cli.main import main
from inference.engine import Diagnoser
from inference.evaluation import NOT_RANKED, Scores, classification_metrics, rank_summary
from inference.evidence import make_evidence
from inference.params import ModelParams
from learning.evaluation.baseline import CaseEncoder, OneVsRestBaseline
from learning.evaluation.cases import load_cases
from learning.evaluation.protocol import ProtocolConfig, run_protocol
from learning.evaluation.protocol_report import write_protocol_report
from learning.evaluation.scoring import calibration_of, score_network
from learning.evaluation.split import PARTS, group_keys, stratified_group_folds, stratified_group_split
from learning.evaluation.stratify import iterative_stratification
from learning.evaluation.tuning import learning_grid, raw_params
from learning.ingest.pipeline import ingest_phenopackets
from learning.store import Store
from tests.toy import TOY_HPO, toy_kb

# ---- synthetic case frames (labelled synthetic: no real patient) -----------------------------------------


def synthetic_cases(publications: list[tuple[str, list[tuple[str, int]]]]) -> pd.DataFrame:
    """publications: (pmid, [(disease, n_cases), ...]) -> a cases frame like load_cases returns."""
    rows = []
    for pmid, content in publications:
        for disease, n in content:
            for i in range(n):
                rows.append(
                    {
                        "encounter_id": f"e-{pmid}-{disease}-{i}",
                        "patient_id": f"p-{pmid}-{disease}-{i}",
                        "publication": f"PMID:{pmid}",
                        "age_years": 5.0,
                        "sex": "female",
                        "diseases": (disease,),
                        "present": [],
                        "absent": [],
                    }
                )
    return pd.DataFrame(rows)


def random_publications(seed: int, diseases: int = 25, multi: bool = True) -> list:
    """Each disease in 1-6 publications of 1-8 cases; some publications report two diseases."""
    rng = random.Random(seed)
    publications = []
    for d in range(diseases):
        for _ in range(rng.randint(1, 6)):
            content = [(f"D{d}", rng.randint(1, 8))]
            if multi and rng.random() < 0.15:
                content.append((f"D{rng.randrange(diseases)}", rng.randint(1, 3)))
            publications.append((str(len(publications)), content))
    return publications


def _parts_of(cases: pd.DataFrame, part: np.ndarray, key: str) -> pd.Series:
    return pd.DataFrame({"key": cases[key], "part": part}).groupby("key")["part"].nunique()


def test_split_is_grouped_and_every_disease_with_three_cases_is_in_all_parts():
    # every disease with >= 3 cases is reported by >= 3 publications: the split must put it in all parts
    publications = []
    for d in range(12):
        for p in range(3 + d % 4):
            publications.append((f"{d}{p}", [(f"D{d}", 1 + (d + p) % 5)]))
    publications += [("900", [("D_once", 1)]), ("901", [("D_twice", 2)])]
    cases = synthetic_cases(publications)
    split = stratified_group_split(cases, seed=3)
    assert (_parts_of(cases, split.part, "publication") == 1).all()  # no publication in two parts
    for disease in {d for labels in cases["diseases"] for d in labels}:
        members = cases["diseases"].map(lambda labels, d=disease: d in labels).to_numpy()
        if members.sum() >= 3:
            assert set(split.part[members]) == {0, 1, 2}, disease
    quality = split.quality
    assert quality["leaks"] == {"groups": 0, "patients": 0, "publications": 0}
    assert quality["diseases_min_cases"] == quality["diseases_min_cases_in_all_parts"] == 12
    shares = [quality["parts"][p]["share"] for p in PARTS]
    assert shares == pytest.approx([0.6, 0.2, 0.2], abs=0.1)


def test_infeasible_diseases_are_reported_and_patient_grouping_covers_them():
    # D0 has 10 cases but only from 2 publications: grouped by publication it cannot be in all 3 parts
    cases = synthetic_cases([("1", [("D0", 6)]), ("2", [("D0", 4)]), ("3", [("D1", 3)])])
    by_publication = stratified_group_split(cases, seed=0)
    assert by_publication.quality["infeasible_too_few_groups"] == 2
    assert (_parts_of(cases, by_publication.part, "publication") == 1).all()
    by_patient = stratified_group_split(cases, group_by="patient", seed=0)
    assert by_patient.quality["diseases_min_cases_in_all_parts"] == 2
    assert by_patient.quality["leaks"]["patients"] == 0
    assert by_patient.quality["leaks"]["publications"] > 0  # the trade-off, reported


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.booleans())
def test_split_properties_hold_for_random_case_mixes(seed, multi):
    cases = synthetic_cases(random_publications(seed, multi=multi))
    split = stratified_group_split(cases, seed=seed)
    assert (_parts_of(cases, split.part, "publication") == 1).all()
    groups = group_keys(cases)
    recount = 0
    for disease in {d for labels in cases["diseases"] for d in labels}:
        members = cases["diseases"].map(lambda labels, d=disease: d in labels).to_numpy()
        if members.sum() >= 3 and groups[members].nunique() >= 3:
            in_all = set(split.part[members]) == {0, 1, 2}
            recount += in_all
            if not multi:  # single-disease publications: the repair pass always succeeds
                assert in_all, disease
    assert split.quality["feasible_in_all_parts"] == recount


def test_iterative_stratification_by_hand():
    one_label = np.ones((5, 1), dtype=bool)
    part = iterative_stratification(one_label, (0.6, 0.2, 0.2), seed=0)
    assert sorted(np.bincount(part, minlength=3)) == [1, 1, 3] and np.bincount(part)[0] == 3
    # unlabelled samples fill the parts toward their shares of the weight, heaviest first
    part = iterative_stratification(np.zeros((3, 0), dtype=bool), (0.6, 0.2, 0.2), np.asarray([6, 2, 2]))
    assert part[0] == 0 and sorted(part[1:].tolist()) == [1, 2]


def test_cv_folds_are_grouped_and_stratified():
    cases = synthetic_cases(random_publications(7, multi=False))
    fold = stratified_group_folds(cases, folds=3, seed=1)
    assert (_parts_of(cases, fold, "publication") == 1).all()
    groups = group_keys(cases)
    for disease in {d for labels in cases["diseases"] for d in labels}:
        members = cases["diseases"].map(lambda labels, d=disease: d in labels).to_numpy()
        if groups[members].nunique() >= 3:
            assert set(fold[members]) == {0, 1, 2}


# ---- metrics -------------------------------------------------------------------------------------------
def test_precision_recall_f1_by_hand_and_against_scikit_learn():
    truths, predicted = [("A",), ("A",), ("B",), ("C",)], ["A", "B", "B", "A"]
    metrics = classification_metrics(truths, predicted)
    # A: tp 1, fp 1, fn 1; B: tp 1, fp 1; C: fn 1
    assert metrics["micro_precision"] == pytest.approx(0.5)
    assert metrics["micro_recall"] == pytest.approx(0.5)
    assert metrics["macro_precision"] == pytest.approx((0.5 + 0.5 + 0) / 3)
    assert metrics["macro_recall"] == pytest.approx((0.5 + 1 + 0) / 3)
    assert metrics["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 0) / 3)
    p, r, f, _ = precision_recall_fscore_support(
        [t[0] for t in truths], predicted, labels=["A", "B", "C"], average="macro", zero_division=0
    )
    assert (metrics["macro_precision"], metrics["macro_recall"], metrics["macro_f1"]) == pytest.approx(
        (p, r, f)
    )
    # a prediction outside the truth's diseases is a micro false positive but not a macro class
    assert classification_metrics([("A",)], ["Z"])["macro_precision"] == 0.0


def test_rank_summary_and_brier_by_hand():
    summary = rank_summary(np.asarray([1, 2, 5, NOT_RANKED]))
    assert (summary["top1"], summary["top3"], summary["top5"], summary["top10"]) == (0.25, 0.5, 0.75, 0.75)
    assert summary["mrr"] == pytest.approx((1 + 0.5 + 0.2 + 0) / 4)
    # posterior (0.5, 0.3, 0.2), truth the second disease: Brier = 0.5^2 + 0.7^2 + 0.2^2
    p = np.asarray
    scores = Scores("m", ["e"], [("B",)], p([2]), ["A"], p([0.5]), p([0.3]), p([0.3]), p([0.38]), p([0.0]))
    top1, brier = scores.calibrated()
    assert top1[0] == 0.5 and brier[0] == pytest.approx(0.78)
    summary = scores.summary()
    assert summary["top1"] == 0.0 and summary["ece"] == pytest.approx(0.5)


def test_recalibrated_scores_equal_the_engine(tmp_path):
    kb = toy_kb(tmp_path / "ontologies")
    params = ModelParams(calibration_slope=0.4, calibration_margin=0.3, calibration_intercept=0.02)
    calibrated = Diagnoser(kb, params)
    raw = Diagnoser(kb, raw_params(params))
    cases = pd.DataFrame(
        {
            "encounter_id": ["e1", "e2"],
            "publication": ["PMID:1", "PMID:2"],
            "age_years": [4.0, None],
            "sex": ["male", None],
            "diseases": [("OMIM:100002",), ("OMIM:100001",)],
            "present": [[("HP:0001250", None), ("HP:0000252", None)], [("HP:0001249", None)]],
            "absent": [[], ["HP:0000252"]],
        },
        dtype=object,
    )
    scores = score_network(raw, cases, "toy", calibration=calibration_of(params))
    top1, brier = scores.calibrated()
    for i, row in enumerate(cases.itertuples()):
        evidence = make_evidence(
            kb,
            row.present,
            row.absent,
            age_years=row.age_years if isinstance(row.age_years, float) else None,
            sex=row.sex if isinstance(row.sex, str) else None,
            context="rare-disease-clinic",
        )
        diagnosis = calibrated.diagnose(evidence, top=5)
        posterior = np.exp(diagnosis.log_posterior)
        truth = kb.disease_index[row.diseases[0]]
        assert top1[i] == pytest.approx(diagnosis.ranking[0].probability)
        expected = (posterior**2).sum() + diagnosis.other_probability**2 + 1 - 2 * posterior[truth]
        assert brier[i] == pytest.approx(expected)
        assert scores.ranks[i] == 1 + int((diagnosis.log_posterior > diagnosis.log_posterior[truth]).sum())


# ---- the baseline ------------------------------------------------------------------------------------------
PATTERNS = {
    "D1": ["HP:0007359", "HP:0001249"],
    "D2": ["HP:0001250", "HP:0000252"],
    "D3": ["HP:0002069"],
    "D4": ["HP:0000252", "HP:0003577"],
}


def synthetic_records(n_per_disease: dict[str, int], seed: int = 0) -> tuple[list[dict], list[str]]:
    rng = random.Random(seed)
    records, labels = [], []
    for disease, n in n_per_disease.items():
        for _ in range(n):
            present = [t for t in PATTERNS[disease] if rng.random() < 0.9] or PATTERNS[disease][:1]
            absent = [
                t for t in ("HP:0001249", "HP:0000252") if t not in PATTERNS[disease] and rng.random() < 0.5
            ]
            records.append(
                {
                    "present": present,
                    "absent": absent,
                    "age_years": rng.uniform(0, 60),
                    "sex": rng.choice(["female", "male", None]),
                }
            )
            labels.append(disease)
    return records, labels


def test_encoder_present_absent_unknown_severity_age_sex():
    encoder = CaseEncoder(ancestors={"HP:0007359": ["HP:0001250"]})
    records = [
        {"present": [("HP:0007359", "severe")], "absent": ["HP:0000252"], "age_years": 3.0, "sex": "male"},
        {"present": [], "absent": [], "age_years": None, "sex": None},
    ]
    matrix = encoder.fit_transform(records)
    names = list(encoder.get_feature_names_out())
    row = dict(zip(names, matrix.toarray()[0], strict=True))
    assert row["present:HP:0007359"] == row["present:HP:0001250"] == 1.0  # true-path rule
    assert row["absent:HP:0000252"] == 1.0 and row["severity:HP:0007359"] == 1.0
    assert row["age:1-4"] == row["sex:male"] == 1.0
    unknown = dict(zip(names, matrix.toarray()[1], strict=True))
    assert unknown["present:HP:0007359"] == unknown["absent:HP:0000252"] == 0.0  # unknown: both off
    assert unknown["age:unknown"] == unknown["sex:unknown"] == 1.0


def test_baseline_fits_predicts_and_is_a_scikit_learn_estimator():
    records, labels = synthetic_records({"D1": 12, "D2": 3, "D3": 6, "D4": 1})
    model = OneVsRestBaseline(C=1.0, min_cases=2, oversample_to=10).fit(records, labels)
    assert list(model.classes_) == ["D1", "D2", "D3"]  # D4 has a single training case
    assert model.training_rows_ >= 12 + 10 + 10  # minority diseases oversampled to 10
    test, truth = synthetic_records({"D1": 5, "D2": 5, "D3": 5}, seed=1)
    proba = model.predict_proba(test)
    assert proba.shape == (15, 3) and ((proba >= 0) & (proba <= 1)).all()
    assert (model.predict(test) == np.asarray(truth)).mean() >= 0.8
    assert clone(model).get_params()["oversample_to"] == 10
    with pytest.raises(ValueError):
        OneVsRestBaseline(min_cases=7).fit(records, labels)  # only D1 has 7 cases


# ---- the whole protocol on the toy release -------------------------------------------------------------
TOY_PATTERNS = {
    "OMIM:100001": ["HP:0007359", "HP:0001249"],
    "OMIM:100002": ["HP:0001250", "HP:0000252"],
    "OMIM:100003": ["HP:0002069"],
    "OMIM:100004": ["HP:0000252"],
    "OMIM:999999": ["HP:0001249", "HP:0002069"],  # a disease the toy literature does not know
}


def write_toy_packets(directory, seed: int = 0) -> None:
    """Synthetic phenopackets (no real patient) for the toy diseases, 4 publications per disease."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    pmid = 100
    for disease, pattern in TOY_PATTERNS.items():
        for _ in range(4):
            pmid += 1
            for i in range(rng.randint(2, 4)):
                features = [{"type": {"id": t}} for t in pattern if rng.random() < 0.85] or [
                    {"type": {"id": pattern[0]}}
                ]
                packet = {
                    "id": f"PMID_{pmid}_synthetic_{i}",
                    "subject": {"id": f"synthetic {pmid}-{i}", "sex": rng.choice(["MALE", "FEMALE"])},
                    "phenotypicFeatures": features,
                    "interpretations": [{"id": "i", "diagnosis": {"disease": {"id": disease, "label": "x"}}}],
                }
                (directory / f"{pmid}_{i}.json").write_text(json.dumps(packet))


def test_protocol_end_to_end_on_the_toy_release(tmp_path):
    kb = toy_kb(tmp_path / "ontologies")
    write_toy_packets(tmp_path / "cases")
    with Store(tmp_path / "store.duckdb") as store:
        ingest_phenopackets(store, kb, b"test-key", [tmp_path / "cases"], progress=False)
        assert len(load_cases(store)) == store.count("encounters")
        config = ProtocolConfig(grid=learning_grid((1.0, 5.0), (5.0,)), folds=2, baseline_c=(1.0,))
        result = run_protocol(store, kb, config)
    assert result.split["leaks"] == {"groups": 0, "patients": 0, "publications": 0}
    assert result.split["feasible_in_all_parts"] == result.split["diseases_min_cases_feasible"] == 5
    models = set(result.test["all"])
    assert models == {"literature-only network", "learned network", "baseline (one-vs-rest LR)"}
    absent = result.test["absent_from_literature"]
    assert absent["literature-only network"]["top10"] == 0.0  # the literature cannot name it
    assert absent["learned network"]["top10"] > 0.0  # the data-only disease is learned
    assert (
        result.test["all"]["learned network"]["top1"] >= result.test["all"]["literature-only network"]["top1"]
    )
    assert len(result.cv) == 2 and result.chosen["learning_params"]["prior_pseudocount"] in (1.0, 5.0)
    assert {r["disease_id"] for r in result.per_disease} <= set(TOY_PATTERNS)
    page = write_protocol_report(result, tmp_path / "report")
    text = page.read_text()
    for image in ("topk.png", "reliability.png", "cv_grid.png", "split_shares.png"):
        assert (tmp_path / "report" / image).stat().st_size > 1000 and image in text
    assert "PMID_" not in text and "_synthetic_" not in text and "synthetic 1" not in text  # no case ids


def test_cli_writes_the_report(tmp_path, capsys):
    write_toy_packets(tmp_path / "cases", seed=1)
    (tmp_path / "ontologies").mkdir()
    argv = [
        "--home",
        str(tmp_path / "home"),
        "--hpo-dir",
        str(TOY_HPO),
        "--ontologies",
        str(tmp_path / "ontologies"),
        "evaluate-protocol",
        "--cases",
        str(tmp_path / "cases"),
        "--out",
        str(tmp_path / "out"),
        "--folds",
        "2",
        "--prior-pseudocount",
        "5",
        "--equivalent-sample-size",
        "5",
        "--baseline-c",
        "1",
        "--jobs",
        "1",
    ]
    assert main(argv) == 0
    output = json.loads(capsys.readouterr().out)
    assert set(output["test"]) == {"literature-only network", "learned network", "baseline (one-vs-rest LR)"}
    assert (tmp_path / "out" / "index.html").exists() and (tmp_path / "out" / "summary.json").exists()
