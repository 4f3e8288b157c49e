"""Runs one read-only SPARQL query in its own process (started by knowledge.sparql.select_isolated).

Reads {"store", "query", "prefixes", "limit", "timeout_s", "memory_mb"} as JSON on stdin and writes
{"variables", "rows"} (cells tagged: ["i", iri], ["l", lexical], ["b", id] or null) or {"error", "message"}
as JSON on stdout. It imports pyoxigraph only (fast to start) and guards itself: an address-space limit,
a CPU-time limit and an alarm, and death with its parent, so a runaway query cannot outlive its request.
"""

from __future__ import annotations

import json
import resource
import signal
import sys

__all__ = ["main"]

ADDRESS_SPACE_SLACK_MB = 1024  # virtual reservations (thread stacks, allocator arenas) beyond real use


def _die_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent still kills us on timeout
        pass


def _limit(resource_id: int, value: int) -> None:
    try:
        _, hard = resource.getrlimit(resource_id)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(resource_id, (value, hard))
    except (ValueError, OSError):
        pass


def _cell(term: object) -> list | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ["i", term.value]
    if isinstance(term, ox.Literal):
        return ["l", term.value]
    if isinstance(term, ox.BlankNode):
        return ["b", term.value]
    return ["l", str(term)]


def run(job: dict) -> dict:
    import pyoxigraph as ox

    store = ox.Store.read_only(job["store"])
    try:
        result = store.query(job["query"], prefixes=job["prefixes"])
    except SyntaxError as error:
        return {"error": "syntax", "message": f"SPARQL syntax error: {error}"}
    if isinstance(result, ox.QueryBoolean):
        return {"variables": ["ask"], "rows": [[["l", "true" if bool(result) else "false"]]]}
    if not isinstance(result, ox.QuerySolutions):
        return {"error": "form", "message": "only SELECT and ASK queries are allowed"}
    variables = [v.value for v in result.variables]
    rows: list[list] = []
    limit = int(job["limit"])
    for solution in result:
        if len(rows) >= limit:
            break
        rows.append([_cell(solution[name]) for name in variables])
    return {"variables": variables, "rows": rows}


def main() -> int:
    """Run the job read from stdin under its limits and write the answer (or the error) as JSON on stdout.

    Returns
    -------
    int
        0: the outcome is in the JSON written, never in the exit status.
    """
    job = json.loads(sys.stdin.buffer.read())
    _die_with_parent()
    timeout = max(1, int(float(job["timeout_s"])) + 1)
    signal.alarm(timeout + 1)  # default action: terminate, even inside a long query step
    _limit(resource.RLIMIT_CPU, timeout + 1)
    _limit(resource.RLIMIT_AS, (int(job["memory_mb"]) + ADDRESS_SPACE_SLACK_MB) * 1024 * 1024)
    try:
        answer = run(job)
    except MemoryError:
        answer = {"error": "memory", "message": "the query needed more memory than allowed"}
    except (OSError, ValueError, RuntimeError) as error:
        answer = {"error": "failed", "message": f"{type(error).__name__}: {error}"}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
