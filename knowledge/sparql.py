"""A read-only SPARQL view of the knowledge base (pyoxigraph), built once per KB version.

Layout inside a KB build directory (``var/kb/<version>/``)::

    sparql/store/       the RocksDB store (pyoxigraph), opened read-only for queries
    sparql/BUILT.json   {"version", "triples", "seconds"}: written last, marks the store as complete

The store is built in a temporary sibling directory and renamed into place, so a crashed or concurrent
build never leaves a half-loaded store where queries look for it.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from knowledge.jsonio import read_json
from knowledge.kb import KnowledgeBase
from knowledge.rdf_export import PREFIXES, curie_for_iri, write_ntriples
from knowledge.staging import new_staging

__all__ = [
    "QueryStopped",
    "SparqlStore",
    "check_read_only",
    "ensure_store",
    "format_rows",
    "select_isolated",
    "store_is_built",
]

log = logging.getLogger(__name__)

SPARQL_DIR = "sparql"
STORE_DIR = "store"
MARKER = "BUILT.json"
FORMATS = ("table", "csv", "json")


# ---- building --------------------------------------------------------------------------------------


def _marker(sparql_dir: Path) -> dict | None:
    try:
        return read_json(sparql_dir / MARKER)
    except (OSError, ValueError):
        return None


def store_is_built(kb_build_dir: Path, version: str | None = None) -> bool:
    """True when a complete store exists (for `version`, when given)."""
    marker = _marker(kb_build_dir / SPARQL_DIR)
    return marker is not None and (version is None or marker.get("version") == version)


def ensure_store(kb: KnowledgeBase, kb_build_dir: Path) -> Path:
    """Build `kb_build_dir/sparql` from the KB unless a complete store for this version is there already."""
    target = kb_build_dir / SPARQL_DIR
    if store_is_built(kb_build_dir, kb.version):
        return target
    kb_build_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    staging = new_staging(kb_build_dir, ".sparql-", max_age_s=6 * 3600)  # a build takes minutes
    staging.chmod(0o755)  # mkdtemp makes it private; the store is meant to be read by other users
    try:
        dump = staging / "kb.nt"
        triples = write_ntriples(kb, dump)
        store = ox.Store(str(staging / STORE_DIR))
        # lenient: no IRI re-validation of our own escaped output (~40% faster); optimize: ~2x faster queries
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_TRIPLES, lenient=True)
        store.optimize()
        store.flush()
        del store  # closes RocksDB before the directory moves
        dump.unlink()
        seconds = round(time.perf_counter() - started, 1)
        marker = {"version": kb.version, "triples": triples, "seconds": seconds}
        (staging / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        if target.exists() and not store_is_built(kb_build_dir, kb.version):
            shutil.rmtree(target)  # stale or half-built by an older version of this code
        try:
            os.replace(staging, target)
        except OSError:
            if not store_is_built(kb_build_dir, kb.version):  # a concurrent build won the race
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("SPARQL store for %s: %s triples in %.1f s", kb.version, triples, time.perf_counter() - started)
    return target


# ---- query guard -----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7-\uffff]+)
  | (?P<word>[A-Za-z_\u00c0-\uffff][\w\-.\u00b7-\uffff]*(?::[\w\-.:%\\\u00b7-\uffff]*)?|:[\w\-.:%\\]*)
  | (?P<other>.)
""",
    re.VERBOSE | re.DOTALL,
)

_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def _words(query: str) -> list[str]:
    """Bare keywords/names of a query, skipping comments, strings and IRIs."""
    return [m.group() for m in _TOKEN.finditer(query) if m.lastgroup == "word"]


def check_read_only(query: str) -> str:
    """Return the query form (SELECT or ASK) or raise ValueError for anything else.

    SPARQL Update (INSERT/DELETE/LOAD/CLEAR/DROP/CREATE/...), CONSTRUCT/DESCRIBE and federated SERVICE
    calls are refused. (The store is also opened read-only and Store.query cannot run updates: this
    check is there to give a clear message.)
    """
    words = [w.upper() for w in _words(query)]
    updates = sorted(_UPDATE_WORDS.intersection(words))
    if updates:
        raise ValueError(
            f"only SELECT and ASK queries are allowed; SPARQL Update ({', '.join(updates)}) "
            "is not possible through this interface"
        )
    if "SERVICE" in words:
        raise ValueError("federated queries (SERVICE) are not allowed: query the local knowledge base only")
    index = 0
    while index < len(words) and words[index] in ("PREFIX", "BASE"):
        index += 2 if words[index] == "PREFIX" else 1  # PREFIX name: <iri> / BASE <iri>
    form = words[index] if index < len(words) else ""
    if form not in ("SELECT", "ASK"):
        raise ValueError(f"only SELECT and ASK queries are allowed, not {form or 'an empty query'}")
    return form


# ---- querying --------------------------------------------------------------------------------------


_NAMESPACES = sorted(((ns, prefix) for prefix, ns in PREFIXES.items()), key=lambda item: -len(item[0]))


def shorten_iri(iri: str) -> str:
    """Disease/HPO IRIs -> CURIEs (OMIM:142900, HP:0001945); other known namespaces -> dx:Disease etc."""
    curie = curie_for_iri(iri)
    if curie:
        return curie
    for namespace, prefix in _NAMESPACES:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _plain(term: object, shorten: bool) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return shorten_iri(term.value) if shorten else term.value
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


class SparqlStore:
    """Read-only SPARQL access to one KB build."""

    def __init__(self, store: ox.Store, path: Path) -> None:
        self._store = store
        self.path = path

    @classmethod
    def open(cls, kb_build_dir: Path, build_if_missing: bool = True) -> SparqlStore:
        """Open the build's store read-only, building it first (from the KB files there) if it is missing."""
        if not store_is_built(kb_build_dir):
            if not build_if_missing:
                raise FileNotFoundError(f"{kb_build_dir}: no SPARQL store; run `dxgraph kb build`")
            log.warning("%s: no SPARQL store yet; building it (takes a minute)", kb_build_dir)
            ensure_store(KnowledgeBase.load(kb_build_dir), kb_build_dir)
        path = kb_build_dir / SPARQL_DIR / STORE_DIR
        return cls(ox.Store.read_only(str(path)), path)

    def __len__(self) -> int:
        return len(self._store)

    def select(
        self, query: str, limit: int | None = None, timeout_s: float | None = None, shorten: bool = True
    ) -> tuple[list[str], list[list[str | None]]]:
        """Run a SELECT (or ASK) query; returns (variables, rows) with every value as a plain string.

        Disease and HPO term IRIs come back as CURIEs (OMIM:142900, HP:0001945), other IRIs of the
        PREFIXES namespaces as prefixed names (dx:Disease, link:...), unless shorten=False; literals as
        their lexical form; unbound values as None. An ASK query gives (["ask"], [["true"]]).
        `limit` stops after that many rows. `timeout_s` is checked between solutions (pyoxigraph cannot
        interrupt a running query), so it bounds streaming queries, not one long ORDER BY/GROUP BY step.
        Raises ValueError for a syntax error or a query that is not SELECT/ASK, TimeoutError on timeout.
        """
        form = check_read_only(query)
        started = time.monotonic()
        try:
            result = self._store.query(query, prefixes=PREFIXES)
        except SyntaxError as error:
            raise ValueError(f"SPARQL syntax error: {error}") from None
        if form == "ASK" or isinstance(result, ox.QueryBoolean):
            return ["ask"], [["true" if bool(result) else "false"]]
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("only SELECT and ASK queries are allowed")
        variables = [v.value for v in result.variables]
        rows: list[list[str | None]] = []
        if limit is not None and limit <= 0:
            return variables, rows
        for solution in result:
            if timeout_s is not None and time.monotonic() - started > timeout_s:
                raise TimeoutError(f"query exceeded {timeout_s} s after {len(rows)} rows")
            rows.append([_plain(solution[name], shorten) for name in variables])
            if limit is not None and len(rows) >= limit:
                break
        if timeout_s is not None and time.monotonic() - started > timeout_s:
            raise TimeoutError(f"query exceeded {timeout_s} s")
        return variables, rows


# ---- querying in a separate process -----------------------------------------------------------------

CHILD = Path(__file__).resolve().with_name("sparql_child.py")
_POLL_S = 0.05


class QueryStopped(Exception):
    """A query stopped by its limits; `reason` is "timeout" or "memory"."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _resident_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def _tagged(cell: list | None, shorten: bool) -> str | None:
    if cell is None:
        return None
    kind, value = cell
    if kind == "i":
        return shorten_iri(value) if shorten else value
    return f"_:{value}" if kind == "b" else value


def select_isolated(
    kb_build_dir: Path,
    query: str,
    limit: int,
    timeout_s: float,
    memory_mb: int,
    shorten: bool = True,
) -> tuple[list[str], list[list[str | None]]]:
    """Like SparqlStore.select, but in a child process that is killed at `timeout_s` (wall clock, start
    included) or when its resident memory passes `memory_mb`: a query cannot outlive its limits, whatever
    it does inside pyoxigraph. Raises ValueError (not SELECT/ASK, syntax), QueryStopped, or RuntimeError."""
    check_read_only(query)
    job = {
        "store": str(kb_build_dir / SPARQL_DIR / STORE_DIR),
        "query": query,
        "prefixes": PREFIXES,
        "limit": limit,
        "timeout_s": timeout_s,
        "memory_mb": memory_mb,
    }
    deadline = time.monotonic() + timeout_s
    process = subprocess.Popen(
        [sys.executable, "-I", str(CHILD)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # Ctrl-C on the server does not reach it; the server stops it
        env={"PATH": os.defpath, "LC_ALL": "C.UTF-8"},
    )
    payload: bytes | None = json.dumps(job).encode("utf-8")
    stopped: str | None = None
    try:
        while True:
            try:
                out, err = process.communicate(payload, timeout=_POLL_S)
                break
            except subprocess.TimeoutExpired:
                payload = None
            if time.monotonic() > deadline:
                stopped = "timeout"
            elif _resident_mb(process.pid) > memory_mb:
                stopped = "memory"
            if stopped:
                process.kill()
                out, err = process.communicate()
                break
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    code = process.returncode
    if stopped is None and code in (-signal.SIGALRM, -signal.SIGXCPU, -signal.SIGKILL):
        stopped = "timeout"
    if stopped is None and (code == -signal.SIGABRT or b"memory allocation" in err):
        stopped = "memory"
    if stopped == "timeout":
        raise QueryStopped("timeout", f"the query was stopped after {timeout_s:g} s")
    if stopped == "memory":
        raise QueryStopped("memory", f"the query was stopped: it needed more than {memory_mb} MB")
    try:
        answer = json.loads(out)
    except ValueError:
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit code {code}"]
        raise RuntimeError(f"the query process failed: {detail[0][:200]}") from None
    if "error" in answer:
        if answer["error"] == "memory":
            raise QueryStopped("memory", f"the query was stopped: it needed more than {memory_mb} MB")
        if answer["error"] in ("syntax", "form"):
            raise ValueError(answer["message"])
        raise RuntimeError(answer["message"])
    rows = [[_tagged(cell, shorten) for cell in row] for row in answer["rows"]]
    return answer["variables"], rows


# ---- output ----------------------------------------------------------------------------------------


def format_rows(variables: list[str], rows: list[list[str | None]], fmt: str = "table") -> str:
    """Render query results as an aligned text table, CSV (header row) or JSON (list of objects)."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(variables)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        return buffer.getvalue()
    if fmt == "json":
        return (
            json.dumps([dict(zip(variables, row, strict=True)) for row in rows], ensure_ascii=False, indent=2)
            + "\n"
        )
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    cells = [["" if v is None else v.replace("\n", " ") for v in row] for row in rows]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(variables)]
    lines = [
        "  ".join(name.ljust(w) for name, w in zip(variables, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines.extend("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells)
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
