"""Scale of ingestion and learning on SYNTHETIC records, against a peer in the same run.

1. Generates N synthetic phenopacket-like records (default 100,000; ~10 findings each, so ~1M findings)
   sampled from the knowledge base: a disease drawn with a skewed (Zipf-like) weight, its annotated
   phenotypes drawn with their literature frequencies, a little noise and a few excluded terms. Every
   record is labelled synthetic (ids start with SYNTHETIC_, file names with synthetic_); no real patient.
2. Ingests them through the real path (learning/ingest/phenopackets.py: packet_to_case, pseudonyms, Batch,
   write_batch into the DuckDB Store) and reports records/s (target >= 5,000/s).
   Then ingests N SYNTHETIC doctor's notes (default 2,000; learning/synthetic/files.py: Spanish and
   English, each with a planted name, phone, e-mail, national id, record number and address) through
   the same pipeline (de-identification + HPO extraction) and reports notes/s.
3. Learns from the store (learning/learn.py fit: SQL sufficient statistics + Beta refinement; target
   <= 60 s and <= 2 GB) and compares the sufficient statistics computed in DuckDB SQL with the same counts
   computed by a pandas groupby peer (the results must be identical).

Peak memory is the process's resident set size (VmRSS, sampled every 20 ms) during each phase; CPU
seconds (all threads) are printed next to wall time because the machine may be shared, and the load
average at the start and end is recorded.

    python benchmarks/learning_scale.py [--records 100000] [--notes 2000] [--out reports/learning_scale]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from inference.params import ModelParams  # noqa: E402
from knowledge.build import ensure_kb  # noqa: E402
from knowledge.config import load_settings  # noqa: E402
from knowledge.kb import KnowledgeBase  # noqa: E402
from learning.ingest.pipeline import ingest_paths, ingest_phenopackets  # noqa: E402
from learning.learn import ancestor_table, fit  # noqa: E402
from learning.refine import LearningParams  # noqa: E402
from learning.store import Store  # noqa: E402

KEY = b"synthetic-benchmark-key"
TARGETS = {"ingest_records_per_s": 5000, "learn_s": 60, "peak_gb": 2.0}


# ---- memory --------------------------------------------------------------------------------------------
def rss_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


@contextmanager
def measured(results: dict, name: str):
    """Wall time and peak resident memory of the block, stored in results[name]."""
    peak = [rss_bytes()]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            peak[0] = max(peak[0], rss_bytes())

    sampler = threading.Thread(target=sample, daemon=True)
    before = rss_bytes()
    sampler.start()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        stop.set()
        sampler.join()
        peak[0] = max(peak[0], rss_bytes())
        results[name] = {
            "seconds": elapsed,
            "cpu_seconds": cpu,  # all threads of the process (DuckDB is multi-threaded)
            "peak_rss_gb": peak[0] / 1e9,
            "rss_before_gb": before / 1e9,
        }


# ---- synthetic records ---------------------------------------------------------------------------------
def synthetic_packets(kb: KnowledgeBase, records: int, seed: int = 0):
    """Yield SYNTHETIC phenopacket-like dicts sampled from the knowledge base (see the module docstring)."""
    rng = np.random.default_rng(seed)
    links = ~kb.link_negated
    by_disease: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    frame = pd.DataFrame(
        {
            "d": kb.link_disease[links],
            "t": kb.link_term[links],
            "f": np.nan_to_num(kb.link_freq[links], nan=0.5),
        }
    )
    for disease, rows in frame.groupby("d"):
        by_disease[int(disease)] = (rows["t"].to_numpy(), np.clip(rows["f"].to_numpy(), 0.05, 0.95))
    candidates = np.asarray(
        [d for d, (t, _) in by_disease.items() if kb.disease_source[d] == "OMIM" and 6 <= len(t) <= 60]
    )
    candidates = rng.permutation(candidates)[:3000]
    weights = 1.0 / np.arange(1, len(candidates) + 1) ** 0.8  # imbalance: a few common, a long tail
    weights /= weights.sum()
    noise_pool = np.unique(frame["t"].to_numpy())
    chosen = rng.choice(candidates, size=records, p=weights)
    for number, disease in enumerate(chosen.tolist()):
        terms, freqs = by_disease[disease]
        present = terms[rng.random(len(terms)) < freqs]
        if len(present) > 10:
            present = rng.choice(present, 10, replace=False)
        if not len(present):
            present = terms[:1]
        noise = rng.choice(noise_pool, 2)
        absent = [t for t in rng.choice(terms, 2) if t not in set(present.tolist())]
        features = [{"type": {"id": kb.term_ids[t]}} for t in set(present.tolist()) | set(noise.tolist())]
        features += [{"type": {"id": kb.term_ids[t]}, "excluded": True} for t in set(absent)]
        yield {
            "id": f"SYNTHETIC_PMID_{900000000 + number // 25}_{number}",
            "subject": {
                "id": f"synthetic-subject-{number}",
                "sex": "FEMALE" if rng.random() < 0.5 else "MALE",
                "timeAtLastEncounter": {"age": {"iso8601duration": f"P{int(rng.integers(0, 80))}Y"}},
            },
            "phenotypicFeatures": features,
            "interpretations": [
                {
                    "id": "synthetic",
                    "diagnosis": {
                        "disease": {"id": kb.disease_ids[disease], "label": kb.disease_names[disease]}
                    },
                }
            ],
            "metaData": {"synthetic": True},
        }


def write_jsonl(kb: KnowledgeBase, directory: Path, records: int, per_file: int = 10_000) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    handle = None
    for number, packet in enumerate(synthetic_packets(kb, records)):
        if number % per_file == 0:
            if handle:
                handle.close()
            paths.append(directory / f"synthetic_packets_{len(paths):03d}.jsonl")
            handle = open(paths[-1], "w", encoding="utf-8")  # noqa: SIM115 - closed below
        handle.write(json.dumps(packet) + "\n")
    if handle:
        handle.close()
    return paths


def write_notes(kb: KnowledgeBase, directory: Path, notes: int, seed: int = 0) -> Path:
    """N SYNTHETIC notes (JSONL) with planted identifiers, as learning/synthetic/files.py writes them."""
    import random

    from learning.synthetic.files import note_text
    from learning.synthetic.patients import SyntheticSpec, _Sampler

    directory.mkdir(parents=True, exist_ok=True)
    sampler, rng = _Sampler(kb, SyntheticSpec(patients=notes, seed=seed)), random.Random(seed)
    path = directory / "synthetic_notes.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for number in range(1, notes + 1):
            p = sampler.patient(number)
            record = {
                "synthetic": True,
                "patient_id": p.pid,
                "name": p.name,
                "date": p.visit.isoformat(),
                "language": p.lang,
                "text": note_text(kb, p, rng),
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


# ---- the pandas peer -----------------------------------------------------------------------------------
def pandas_counts(store: Store, ancestors: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """case_counts and present_counts by pandas groupby over the raw tables (read out of the store)."""
    findings = store.connection.execute(
        "SELECT encounter_id, term_id FROM findings WHERE status = 'present'"
    ).df()
    diagnoses = store.connection.execute("SELECT encounter_id, disease_id FROM diagnoses").df()
    cases = diagnoses.groupby("disease_id", as_index=False)["encounter_id"].nunique()
    cases = cases.rename(columns={"encounter_id": "n_cases"})
    joined = findings.merge(diagnoses, on="encounter_id").merge(ancestors, on="term_id")
    present = joined.groupby(["disease_id", "ancestor_id"], as_index=False)["encounter_id"].nunique()
    exact = joined[joined["ancestor_id"] == joined["term_id"]]
    exact = exact.groupby(["disease_id", "ancestor_id"], as_index=False)["encounter_id"].nunique()
    present = present.rename(columns={"encounter_id": "n_present"}).merge(
        exact.rename(columns={"encounter_id": "n_exact"}), on=["disease_id", "ancestor_id"], how="left"
    )
    present["n_exact"] = present["n_exact"].fillna(0).astype("int64")
    return cases, present.rename(columns={"ancestor_id": "term_id"})


def same_counts(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> bool:
    left = a.sort_values(keys).reset_index(drop=True).astype({c: "int64" for c in a.columns if c not in keys})
    right = (
        b.sort_values(keys).reset_index(drop=True).astype({c: "int64" for c in b.columns if c not in keys})
    )
    return left[sorted(left.columns)].equals(right[sorted(right.columns)])


def timed(function: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


# ---- main ----------------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--notes", type=int, default=2_000, help="synthetic notes to de-identify and ingest")
    parser.add_argument("--out", default=str(REPO / "reports" / "learning_scale"))
    parser.add_argument("--scratch", help="directory for the synthetic files and store (default: a temp dir)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    kb = ensure_kb(load_settings())
    results: dict[str, dict] = {}
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="dxgraph-scale-", dir=args.scratch) as scratch:
        root = Path(scratch)
        with measured(results, "generate"):
            files = write_jsonl(kb, root / "synthetic", args.records)
        size = sum(p.stat().st_size for p in files) / 1e6
        print(f"generated {args.records:,} SYNTHETIC records in {len(files)} JSONL files ({size:.0f} MB)")

        with Store(root / "store.duckdb") as store:
            with measured(results, "ingest"):
                summary = ingest_phenopackets(store, kb, KEY, files, progress=False)
            findings = store.count("findings")
            rate = summary.rows_stored / results["ingest"]["seconds"]
            results["ingest"].update(
                {"records": summary.rows_stored, "findings": findings, "records_per_s": rate}
            )
            print(summary.as_text())
            ingest = results["ingest"]
            ingest["records_per_cpu_s"] = summary.rows_stored / ingest["cpu_seconds"]
            print(
                f"ingest: {summary.rows_stored:,} records, {findings:,} findings, {ingest['seconds']:.1f} s "
                f"= {rate:,.0f} records/s (target >= {TARGETS['ingest_records_per_s']:,}); "
                f"{ingest['cpu_seconds']:.1f} CPU s ({ingest['records_per_cpu_s']:,.0f} records per CPU s); "
                f"peak RSS {ingest['peak_rss_gb']:.2f} GB"
            )

            notes_file = write_notes(kb, root / "synthetic_notes", args.notes)
            with measured(results, "ingest_notes"):
                notes_summary = ingest_paths(store, kb, KEY, [notes_file], fmt="notes", progress=False)
            notes_rate = notes_summary.rows_read / results["ingest_notes"]["seconds"]
            results["ingest_notes"].update({"notes": notes_summary.rows_read, "notes_per_s": notes_rate})
            print(
                f"notes: {notes_summary.rows_read:,} notes de-identified and ingested in "
                f"{results['ingest_notes']['seconds']:.1f} s = {notes_rate:,.0f} notes/s "
                f"({results['ingest_notes']['cpu_seconds']:.1f} CPU s, model and lexicon loading included)"
            )

            ancestors = ancestor_table(kb)
            with measured(results, "learn"):
                artifact = fit(store, kb, ModelParams(), LearningParams(), None, "scale", ancestors)
            results["learn"]["links"] = len(artifact.link_strength)
            print(
                f"learn (fit: SQL counts + refinement) from {findings:,} findings: "
                f"{results['learn']['seconds']:.1f} s (target <= {TARGETS['learn_s']} s; "
                f"{results['learn']['cpu_seconds']:.1f} CPU s), "
                f"{len(artifact.link_strength):,} refined links; "
                f"peak RSS {results['learn']['peak_rss_gb']:.2f} GB "
                f"(target <= {TARGETS['peak_gb']} GB)"
            )

            with measured(results, "counts_duckdb"):
                (sql_cases, t_cases) = timed(lambda: store.case_counts())
                (sql_present, t_present) = timed(lambda: store.present_counts(ancestors))
            with measured(results, "counts_pandas"):
                pd_cases, pd_present = pandas_counts(store, ancestors)
            equal = same_counts(sql_cases, pd_cases, ["disease_id"]) and same_counts(
                sql_present, pd_present, ["disease_id", "term_id"]
            )
            results["counts_duckdb"].update({"rows": len(sql_present), "identical_to_pandas": equal})
            results["counts_pandas"]["rows"] = len(pd_present)
            print(
                f"sufficient statistics ({len(sql_present):,} (disease, term) rows): DuckDB SQL "
                f"{results['counts_duckdb']['seconds']:.1f} s "
                f"(peak {results['counts_duckdb']['peak_rss_gb']:.2f} GB) "
                f"vs pandas groupby {results['counts_pandas']['seconds']:.1f} s "
                f"(peak {results['counts_pandas']['peak_rss_gb']:.2f} GB); identical: {equal}"
            )
    verdict = {
        "ingest": results["ingest"]["records_per_s"] >= TARGETS["ingest_records_per_s"],
        "learn_time": results["learn"]["seconds"] <= TARGETS["learn_s"],
        "learn_memory": results["learn"]["peak_rss_gb"] <= TARGETS["peak_gb"],
    }
    load = {"start": load_start, "end": os.getloadavg()[0], "cpus": os.cpu_count()}
    print(
        f"load average {load['start']:.1f} at the start, {load['end']:.1f} at the end, on {load['cpus']} CPUs"
    )
    report = {
        "records": args.records,
        "synthetic": True,
        "load_average": load,
        "targets": TARGETS,
        "results": results,
        "met": verdict,
    }
    (out / "learning_scale.json").write_text(json.dumps(report, indent=1))
    print("targets met: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in verdict.items()))
    print(f"report: {out / 'learning_scale.json'}")
    return 0 if all(verdict.values()) and (math.isfinite(results["learn"]["seconds"])) else 1


if __name__ == "__main__":
    sys.exit(main())
