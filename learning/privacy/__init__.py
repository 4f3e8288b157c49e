"""De-identification before storage: nothing that identifies a patient reaches the store.

`anonymize` scrubs free text and generalises quasi-identifiers, `person_names` recognises names without a
cue word (its lexicon in data/), `pseudonym` turns patient ids into keyed HMAC pseudonyms and `kanon`
reports k-anonymity. Kept apart from ingestion so the privacy rules can be read and reviewed in one place.
"""

__all__: list[str] = []  # a package of modules, imported by name; nothing re-exported here
