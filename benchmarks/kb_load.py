"""How fast the knowledge base loads, becomes a graph, and becomes a SPARQL store (pyoxigraph vs rdflib).

Run from the repository root:
    .venv/bin/python benchmarks/kb_load.py [--kb-dir var/kb] [--sample 0.1] [--rdflib-timeout 60]

Prints a table. pyoxigraph loads the whole N-Triples export. rdflib is too slow and memory-hungry for that
(minutes, GBs), so both engines also load the same *sample*: every k-th disease with all its links, plus
the whole phenotype ontology (a coherent sub-graph, so queries still have answers). The full-size rdflib
parse time is extrapolated linearly from the sample and marked EXTRAPOLATED. rdflib queries are stopped
after --rdflib-timeout seconds (SIGALRM; rdflib is pure Python, so this interrupts it cleanly).
"""

from __future__ import annotations

import argparse
import gc
import platform
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pyoxigraph as ox  # noqa: E402
import rdflib  # noqa: E402

from knowledge.graph import build_graph, descendants_or_self, links_to  # noqa: E402
from knowledge.kb import KnowledgeBase, current_dir  # noqa: E402
from knowledge.rdf_export import PREFIXES, write_ntriples  # noqa: E402

LOAD_TARGET_S = 1.0
QUERY_FILES = [
    REPO / "docs" / "queries" / name
    for name in ("best_evidenced_links.rq", "orphan_diseases_with_symptom.rq")
]
Row = tuple[str, str, str, str, str]  # step, engine, data, seconds, note
OX = f"pyoxigraph {ox.__version__}"
RDFLIB = f"rdflib {rdflib.__version__}"


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        times.append(timed(fn)[0])
    return statistics.median(times)


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout


def timed_with_limit(fn: Callable[[], object], limit_s: int) -> tuple[float | None, object]:
    """(seconds, result), or (None, None) when `fn` ran longer than limit_s (Unix only)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(limit_s)
    try:
        return timed(fn)
    except _Timeout:
        return None, None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def subset_kb(kb: KnowledgeBase, every: int) -> KnowledgeBase:
    """Every `every`-th disease with all its link rows; all terms kept."""
    return kb.with_diseases(np.arange(len(kb.disease_ids)) % every == 0)


def bench_kb(build_dir: Path, runs: int) -> tuple[KnowledgeBase, list[Row]]:
    load_s = median_time(lambda: KnowledgeBase.load(build_dir), runs)
    kb = KnowledgeBase.load(build_dir)
    verdict = "OK" if load_s <= LOAD_TARGET_S else "OVER TARGET"
    rows = [
        (
            "load compiled KB",
            "numpy + json",
            f"{len(kb.link_disease):,} link rows",
            f"{load_s:.3f}",
            f"median of {runs}; target <= {LOAD_TARGET_S:.0f} s: {verdict}",
        )
    ]
    graph_s = median_time(lambda: build_graph(KnowledgeBase.load(build_dir)), 3) - load_s
    graph = build_graph(kb)
    size = f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges"
    rows.append(("build graph", "networkx", size, f"{graph_s:.3f}", "median of 3, KB load excluded"))

    def nx_query() -> int:  # the question of orphan_diseases_with_symptom.rq, with the graph helpers
        hits = {d for d, _ in links_to(graph, descendants_or_self(graph, "HP:0001250"))}
        return len([d for d in hits if graph.nodes[d]["orphan"]])

    nx_s, nx_n = timed(nx_query)
    rows.append(
        ("query: orphan_diseases_with_symptom", "networkx helpers", "full KB", f"{nx_s:.3f}", f"{nx_n} rows")
    )
    return kb, rows


def bench_oxigraph(path: Path, triples: int, label: str, on_disk: Path | None) -> list[Row]:
    store = ox.Store(str(on_disk)) if on_disk else ox.Store()
    bulk_s, _ = timed(lambda: store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, lenient=True))
    where = "on disk (RocksDB)" if on_disk else "in memory"
    rows = [("bulk load", OX, label, f"{bulk_s:.2f}", f"{triples / bulk_s:,.0f} triples/s, {where}")]
    if on_disk:
        optimize_s, _ = timed(store.optimize)
        rows.append(("optimize", OX, label, f"{optimize_s:.2f}", "once per KB version"))
    for query_file in QUERY_FILES:
        query = query_file.read_text(encoding="utf-8")
        query_s, result = timed(lambda q=query: list(store.query(q, prefixes=PREFIXES)))
        rows.append((f"query: {query_file.stem}", OX, label, f"{query_s:.3f}", f"{len(result)} rows"))
    return rows


def bench_rdflib(path: Path, triples: int, total: int, label: str, limit_s: int) -> list[Row]:
    graph = rdflib.Graph()
    parse_s, _ = timed(lambda: graph.parse(path, format="nt"))
    rows = [("parse", RDFLIB, label, f"{parse_s:.2f}", f"{triples / parse_s:,.0f} triples/s, in memory")]
    if triples < total:
        estimate = f"~{parse_s * total / triples:.0f}"
        note = f"EXTRAPOLATED x{total / triples:.1f} from the sample, not measured"
        rows.append(("parse", RDFLIB, f"full KB ({total:,} triples)", estimate, note))
    for query_file in QUERY_FILES:
        query = query_file.read_text(encoding="utf-8")
        query_s, result = timed_with_limit(lambda q=query: list(graph.query(q)), limit_s)
        seconds, note = (
            (f"{query_s:.3f}", f"{len(result)} rows")
            if query_s is not None
            else (f">{limit_s}", f"stopped after {limit_s} s")
        )
        rows.append((f"query: {query_file.stem}", RDFLIB, label, seconds, note))
    return rows


def print_table(rows: list[Row]) -> None:
    headers = ("step", "engine", "data", "seconds", "note")
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb-dir", type=Path, default=REPO / "var" / "kb", help="KB root (has `current`)")
    parser.add_argument("--runs", type=int, default=5, help="repetitions for the KB load median")
    parser.add_argument(
        "--sample",
        type=float,
        default=0.1,
        help="share of diseases in the sample both engines load (1.0 = all; slow for rdflib)",
    )
    parser.add_argument(
        "--rdflib-timeout", type=int, default=60, help="seconds before an rdflib query is stopped"
    )
    args = parser.parse_args()
    build_dir = current_dir(args.kb_dir)

    kb, rows = bench_kb(build_dir, args.runs)
    every = max(1, round(1 / args.sample))
    with tempfile.TemporaryDirectory(prefix="dxgraph-bench-") as tmp:
        nt = Path(tmp) / "kb.nt"
        export_s, triples = timed(lambda: write_ntriples(kb, nt))
        full = f"full KB ({triples:,} triples)"
        rows.append(
            (
                "export N-Triples",
                "python strings",
                full,
                f"{export_s:.2f}",
                f"{nt.stat().st_size / 1e6:.0f} MB",
            )
        )
        rows += bench_oxigraph(nt, triples, full, Path(tmp) / "oxigraph")
        gc.collect()
        sample = Path(tmp) / "sample.nt"
        sub = subset_kb(kb, every) if every > 1 else kb
        sampled = write_ntriples(sub, sample)
        label = (
            f"sample: 1/{every} of diseases ({sampled:,} triples, {100 * sampled / triples:.0f}%)"
            if every > 1
            else full
        )
        rows += bench_oxigraph(sample, sampled, label, None)
        rows += bench_rdflib(sample, sampled, triples, label, args.rdflib_timeout)

    print(
        f"dxgraph KB {kb.version} (HPO {kb.release}) from {build_dir}: {len(kb.term_ids):,} terms, "
        f"{len(kb.disease_ids):,} diseases"
    )
    print(f"python {platform.python_version()}, {platform.system()} {platform.machine()}")
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
