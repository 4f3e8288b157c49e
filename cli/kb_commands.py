"""`dxgraph kb ...`: build, validate, stats and query the knowledge base."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from knowledge.build import BuildError, build, check_curated, read_sources
from knowledge.config import Settings
from knowledge.kb import current_dir, load_current, publish
from knowledge.stats import kb_stats

__all__ = ["cmd_build", "register"]


def register(sub) -> None:
    """Add the `kb` command (build, validate, derive, stats, query) to the subparsers."""
    kb = sub.add_parser("kb", help="knowledge base: build, validate, stats, query").add_subparsers(
        dest="kb_command", required=True
    )
    p = kb.add_parser("build", help="compile HPO + curated ontologies into a versioned artifact")
    p.add_argument("--no-sparql", action="store_true", help="skip loading the SPARQL store")
    p.set_defaults(handler=cmd_build)
    p = kb.add_parser("validate", help="check curated Turtle files (SHACL + semantic checks)")
    p.add_argument("path", nargs="?", help="a .ttl file or a directory (default: the ontologies dir)")
    p.set_defaults(handler=cmd_validate)
    p = kb.add_parser("derive", help="derive committed ontology files from the raw open data in ../shared")
    p.add_argument("--shared", default=None, help="shared data root (default $DXGRAPH_SHARED, ../shared)")
    p.set_defaults(handler=cmd_derive)
    p = kb.add_parser("stats", help="counts of diseases, links, frequencies")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)
    p = kb.add_parser("query", help="run a SPARQL query against the knowledge graph")
    p.add_argument("sparql", help="the query text, or @FILE to read it from a file")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--limit", type=int, default=None, help="print at most this many rows")
    p.set_defaults(handler=cmd_query)


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problem(s) found", file=sys.stderr)


def cmd_build(args, settings: Settings) -> int:
    """`dxgraph kb build`: compile and publish the knowledge base (and, unless --no-sparql, its SPARQL store).

    Returns
    -------
    int
        The exit status.
    """
    started = time.perf_counter()
    print(f"reading HPO sources from {settings.hpo_dir} ...", file=sys.stderr)
    sources = read_sources(settings.hpo_dir)
    try:
        kb = build(sources, settings.ontologies_dir)
    except BuildError as error:
        _print_problems(error.problems)
        print("build refused; the last good knowledge base stays in place", file=sys.stderr)
        return 1
    target = publish(kb, settings.kb_dir)
    if not args.no_sparql:
        from knowledge.sparql import ensure_store

        ensure_store(kb, target)
    stats = kb_stats(kb)
    print(
        f"knowledge base {kb.version} (HPO {kb.release}) -> {target} in "
        f"{time.perf_counter() - started:.1f} s: {stats['diseases']['total']} diseases, "
        f"{stats['phenotype_links']} links",
        file=sys.stderr,
    )
    return 0


def cmd_derive(args, settings: Settings) -> int:
    from knowledge.derive.hpo_spanish import official_labels, read_babelon, write_labels
    from knowledge.translations import official_es_path

    shared = Path(args.shared) if args.shared else settings.shared_dir
    babelon = shared / "data" / "hpo_translations" / "hp-es.babelon.tsv"
    if not babelon.exists():
        print(f"not found: {babelon} (pass --shared)", file=sys.stderr)
        return 2
    sources = read_sources(settings.hpo_dir)
    ontology = sources.ontology
    labels = official_labels(read_babelon(babelon), ontology)
    target = official_es_path(settings.ontologies_dir)
    write_labels(labels, ontology.release, target)
    print(f"{target}: {len(labels)} official Spanish labels of {len(ontology.terms)} live terms")
    names = {t: term.name for t, term in ontology.terms.items()}
    fit = _derive_symcat(shared, settings.ontologies_dir, names)
    _derive_hsdn(shared, settings.ontologies_dir, names, fit)
    return _derive_literature(shared, settings.ontologies_dir, ontology)


def _derive_symcat(shared: Path, ontologies_dir: Path, names: dict[str, str]) -> tuple:
    """ontologies/common_symcat.ttl; returns the fit of priors on incidence, for the HSDN checklist."""
    from knowledge.curated import read_curated_file
    from knowledge.derive.symcat import derive

    hand = read_curated_file(ontologies_dir / "common_diseases.ttl")
    priors = {r.id.replace("DXG:", "DXG_"): r.prevalence for r in hand.diseases if r.prevalence}
    profiled = {  # diseases whose SymCat links a reviewed clinical profile replaces
        r.id.replace("DXG:", "DXG_")
        for name in ("common_diseases.ttl", "clinical_profiles.ttl")
        for r in read_curated_file(ontologies_dir / name).diseases
        if "dataset:SymCat" in r.supersedes
    }
    text, counts = derive(shared, ontologies_dir / "curation", priors, names, profiled)
    target = ontologies_dir / "common_symcat.ttl"
    target.write_text(text, encoding="utf-8")
    print(
        f"{target}: {counts['count']} diseases, {counts['links']} links, {counts['overlays']} overlays, "
        f"{counts['skipped']} left out (< {counts['min_links']} mapped symptoms); "
        f"prior scale {counts['scale']:.3g}"
    )
    return counts["incidence_fit"]


def _derive_hsdn(shared: Path, ontologies_dir: Path, names: dict[str, str], fit: tuple) -> None:
    """ontologies/common_hsdn.ttl: the conditions of the HSDN checklist that SymCat lacks."""
    from knowledge.curated import read_curated_file
    from knowledge.derive.hsdn_conditions import derive

    declared = {
        r.id.replace("DXG:", "DXG_")
        for name in ("common_diseases.ttl", "common_symcat.ttl")
        for r in read_curated_file(ontologies_dir / name).diseases
        if r.declared
    }
    text, counts = derive(shared, ontologies_dir / "curation", names, fit, declared)
    target = ontologies_dir / "common_hsdn.ttl"
    target.write_text(text, encoding="utf-8")
    print(f"{target}: {counts['count']} diseases, {counts['links']} links of {counts['reviewed']} reviewed")


def _derive_literature(shared: Path, ontologies_dir: Path, ontology) -> int:
    """ontologies/common_literature.ttl: the literature's features the curated profiles leave out."""
    from knowledge.curated import read_curated_file
    from knowledge.derive.literature import derive

    profiles: dict[str, set[str]] = {}
    for name in ("common_diseases.ttl", "common_symcat.ttl"):
        for record in read_curated_file(ontologies_dir / name).diseases:
            key = record.id.removeprefix("DXG:")
            profiles.setdefault(key, set()).update(link.hpo_id for link in record.links)
    related: dict[str, set[str]] = {}
    for term in ontology.terms:
        for ancestor in _ancestors(ontology, term):
            related.setdefault(term, set()).add(ancestor)
            related.setdefault(ancestor, set()).add(term)
    names = {t: term.name for t, term in ontology.terms.items()}
    text, counts = derive(shared, ontologies_dir / "curation", profiles, related, names)
    target = ontologies_dir / "common_literature.ttl"
    target.write_text(text, encoding="utf-8")
    print(f"{target}: {counts['links']} links added to {counts['diseases']} curated diseases")
    return 0


def _ancestors(ontology, term: str) -> set[str]:
    found: set[str] = set()
    stack = list(ontology.terms[term].parents)
    while stack:
        parent = stack.pop()
        if parent not in found and parent in ontology.terms:
            found.add(parent)
            stack.extend(ontology.terms[parent].parents)
    return found


def cmd_validate(args, settings: Settings) -> int:
    sources = read_sources(settings.hpo_dir)
    target = Path(args.path) if args.path else settings.ontologies_dir
    if not target.exists():
        raise FileNotFoundError(f"{target}: no such file or directory")
    from knowledge.build import reference_from
    from knowledge.curated import curated_paths
    from knowledge.validate import load_shapes, validate_paths

    context = None
    if args.path:
        context, _ = check_curated(sources, settings.ontologies_dir)
    files, problems = validate_paths(
        curated_paths(target), load_shapes(settings.ontologies_dir), reference_from(sources), context=context
    )
    if problems:
        _print_problems(problems)
        return 1
    print(f"ok: {len(files)} file(s) valid", file=sys.stderr)
    return 0


def cmd_stats(args, settings: Settings) -> int:
    stats = kb_stats(load_current(settings.kb_dir))
    if args.json:
        print(json.dumps(stats, indent=2))
    else:
        for key, value in stats.items():
            print(f"{key:24} {value}")
    return 0


def cmd_query(args, settings: Settings) -> int:
    from knowledge.sparql import SparqlStore, format_rows

    text = Path(args.sparql[1:]).read_text(encoding="utf-8") if args.sparql.startswith("@") else args.sparql
    store = SparqlStore.open(current_dir(settings.kb_dir))
    variables, rows = store.select(text, limit=args.limit)
    sys.stdout.write(format_rows(variables, rows, args.format))
    return 0
