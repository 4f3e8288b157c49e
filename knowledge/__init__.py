"""The knowledge graph and everything read from files: HPO parsers, the curated Turtle and its validation,
the compiled knowledge base (`kb`, `build`), note extraction (`notes/`), autocomplete, the RDF export and
SPARQL store, and configuration (`config`). The lowest layer: it imports no other dxgraph package."""

__all__: list[str] = []  # a package of modules, imported by name; nothing re-exported here
