"""Ingestion: patient data files of any format into the store, in one transaction per run.

`pipeline` runs it (detect, read, clean, anonymise, write); the format adapters turn files into raw
records (`raw`; `tabular`, `jsonrecords`, `notes`; phenopackets straight into rows by `phenopackets`);
`records` cleans one record into store rows with the header vocabulary of `fields`, the value parsers of
`values` and the symptom mapping of `text_to_hpo`; `batch` holds the rows of one run, `write` stores them
(merging into stored visits) and `summary` says what the run did. Kept together because they change
together when a format or a field is added.
"""

__all__: list[str] = []  # a package of modules, imported by name; nothing re-exported here
