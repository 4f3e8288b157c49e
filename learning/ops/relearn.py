"""One re-learning run for the scheduler and the drift trigger: locked, logged, never harmful.

`learn` saves the new model under a staging name, renames it into place, and only then may flip the
`production` pointer (an atomic rename): a re-learning that fails or is killed leaves the champion
serving, untouched. Runs are serialised by a lock file and appended to $DXGRAPH_HOME/ops/relearn.jsonl;
while $DXGRAPH_HOME/ops/hold exists (e.g. after a rollback), new models stay challengers.
"""

from __future__ import annotations

import fcntl
import json
import logging
import time
from contextlib import contextmanager
from pathlib import Path

from knowledge import config
from knowledge.config import Settings
from knowledge.kb import load_current
from learning.learn import learn
from learning.ops import registry
from learning.store import Store

__all__ = ["relearn"]

log = logging.getLogger("dxgraph.relearn")
LOCK = ".relearn.lock"
HOLD = "ops/hold"  # while this file exists, re-learning registers challengers but promotes none


@contextmanager
def exclusive(path: Path):
    """A non-blocking exclusive lock on a file; yields False when another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ingest_inbox(settings: Settings, store: Store, kb) -> dict | None:
    """New files in $DXGRAPH_INBOX (if set) are ingested first (files already loaded are skipped)."""
    inbox = config.inbox()
    if not inbox or not Path(inbox).is_dir():
        return None
    from learning.ingest.pipeline import ingest_paths
    from learning.privacy.pseudonym import load_key

    summary = ingest_paths(store, kb, load_key(settings.key_file), [Path(inbox)], progress=False)
    return {"rows_stored": summary.rows_stored}


def _unchanged(settings: Settings, fingerprint: str, kb_version: str) -> bool:
    champion = registry.champion(settings.models_dir)
    for entry in registry.entries(settings.models_dir):
        if entry["version"] == champion:
            return entry["data_fingerprint"] == fingerprint and entry["kb_version"] == kb_version
    return False


def relearn(
    settings: Settings,
    trigger: str = "manual",
    engine: str = "duckdb",
    tolerance: float = 0.01,
    force: bool = False,
) -> dict:
    """Learn, evaluate against the champion, promote if not worse; returns (and logs) what happened.
    Skipped when another run holds the lock or, unless `force`, when neither the data nor the KB
    changed since the champion was learned."""
    started = time.time()
    outcome: dict = {"trigger": trigger, "engine": engine, "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    with exclusive(settings.home / LOCK) as acquired:
        if not acquired:
            outcome.update(status="skipped", reason="another re-learning is running")
        else:
            try:
                kb = load_current(settings.kb_dir)
                with Store(settings.store_path) as store:
                    inbox = _ingest_inbox(settings, store, kb)
                    if inbox is not None:
                        outcome["inbox"] = inbox
                    if not force and _unchanged(settings, store.fingerprint(), kb.version):
                        outcome.update(status="skipped", reason="no new data since the champion was learned")
                    else:
                        held = (settings.home / HOLD).exists()  # an operator froze production
                        result = learn(
                            store,
                            kb,
                            settings.models_dir,
                            tolerance=tolerance,
                            promote=not held,
                            engine=engine,
                        )
                        outcome.update(
                            status="promoted" if result.promoted else "challenger",
                            version=result.artifact.version,
                            reason=result.reason,
                        )
            except Exception as error:  # the champion keeps serving; the next run retries
                log.exception("re-learning failed")
                outcome.update(status="failed", reason=f"{type(error).__name__}: {error}")
    outcome["champion"] = registry.champion(settings.models_dir)
    outcome["seconds"] = round(time.time() - started, 2)
    journal = settings.home / "ops" / "relearn.jsonl"
    journal.parent.mkdir(parents=True, exist_ok=True)
    with open(journal, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(outcome, sort_keys=True) + "\n")
    log.info("re-learning %s: %s", outcome["status"], outcome.get("reason", ""))
    return outcome
