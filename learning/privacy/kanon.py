"""k-anonymity over quasi-identifiers (age band, sex, year, postal prefix), with suppression below k.

`k_anonymity` groups records into equivalence classes of identical quasi-identifier values and reports the
classes; those smaller than k are suppressed in the report (counted, never listed). `suppress_below_k`
gives the releasable view: quasi-identifiers of records in classes below k replaced by "*".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

__all__ = [
    "DEFAULT_K",
    "KAnonymityReport",
    "batch_quasi_identifiers",
    "k_anonymity",
    "store_quasi_identifiers",
    "suppress_below_k",
]

QUASI_IDENTIFIERS = ("age_band", "sex", "year", "postal_prefix")
SUPPRESSED = "*"
DEFAULT_K = 5


@dataclass
class KAnonymityReport:
    """The k-anonymity of a set of records over its quasi-identifiers, small classes suppressed."""

    k: int
    quasi_identifiers: list[str]
    records: int
    classes: int
    smallest_class: int
    classes_below_k: int
    records_below_k: int  # records whose quasi-identifiers are suppressed
    table: list[dict] = field(default_factory=list)  # classes of size >= k with their counts

    @property
    def k_anonymous(self) -> bool:
        """Whether every record is in a class of at least k."""
        return self.records_below_k == 0

    def as_dict(self) -> dict:
        """The report as JSON."""
        return {**asdict(self), "k_anonymous": self.k_anonymous}

    def as_text(self, rows: int = 15) -> str:
        """The report for the terminal, with at most `rows` classes listed."""
        share = self.records_below_k / self.records if self.records else 0.0
        lines = [
            f"k-anonymity (k={self.k}) over {', '.join(self.quasi_identifiers)}: {self.records} record(s), "
            f"{self.classes} class(es), smallest {self.smallest_class}; {self.classes_below_k} class(es) "
            f"below k hold {self.records_below_k} record(s) ({share:.1%}), suppressed"
        ]
        for entry in self.table[:rows]:
            values = ", ".join(f"{q}={entry[q]}" for q in self.quasi_identifiers)
            lines.append(f"  {values}: {entry['count']}")
        if len(self.table) > rows:
            lines.append(f"  ... {len(self.table) - rows} more class(es) of size >= {self.k}")
        return "\n".join(lines)


def _label(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "unknown"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _keyed(frame: pd.DataFrame, quasi: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({q: [_label(v) for v in frame[q].astype(object)] for q in quasi}, index=frame.index)


def k_anonymity(
    frame: pd.DataFrame, quasi: tuple[str, ...] = QUASI_IDENTIFIERS, k: int = DEFAULT_K
) -> KAnonymityReport:
    """Equivalence classes of the quasi-identifiers present in `frame` (missing values are a value)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    quasi = tuple(q for q in quasi if q in frame.columns)
    if frame.empty or not quasi:
        return KAnonymityReport(k, list(quasi), len(frame), 0, 0, 0, 0)
    sizes = _keyed(frame, quasi).value_counts().rename("count").reset_index()
    small = sizes[sizes["count"] < k]
    table = sizes[sizes["count"] >= k].sort_values("count", ascending=False)
    return KAnonymityReport(
        k=k,
        quasi_identifiers=list(quasi),
        records=len(frame),
        classes=len(sizes),
        smallest_class=int(sizes["count"].min()),
        classes_below_k=len(small),
        records_below_k=int(small["count"].sum()),
        table=table.to_dict("records"),
    )


def suppress_below_k(
    frame: pd.DataFrame, quasi: tuple[str, ...] = QUASI_IDENTIFIERS, k: int = DEFAULT_K
) -> pd.DataFrame:
    """A copy where the quasi-identifiers of records in classes smaller than k are '*'."""
    quasi = tuple(q for q in quasi if q in frame.columns)
    result = frame.copy()
    if result.empty or not quasi:
        return result
    keyed = _keyed(frame, quasi)
    sizes = keyed.groupby(list(quasi))[quasi[0]].transform("size")
    small = (sizes < k).to_numpy()
    for column in quasi:
        result[column] = result[column].astype(object)
        result.loc[small, column] = SUPPRESSED
    return result


def store_quasi_identifiers(connection) -> pd.DataFrame:
    """Quasi-identifiers of the stored encounters (the store keeps no postal code)."""
    return connection.execute(
        """SELECT e.encounter_id, e.age_band, p.sex, e.year
           FROM encounters e JOIN patients p USING (patient_id) ORDER BY 1"""
    ).df()


def batch_quasi_identifiers(
    encounters: list[dict], patients: list[dict], quasi: dict[str, dict]
) -> pd.DataFrame:
    """Quasi-identifiers of a run's encounters, the in-memory postal prefix included."""
    sex = {p["patient_id"]: p.get("sex") for p in patients}
    seen: set[str] = set()
    rows = []
    for encounter in encounters:
        if encounter["encounter_id"] in seen:
            continue
        seen.add(encounter["encounter_id"])
        extra = quasi.get(encounter["encounter_id"], {})
        rows.append(
            {
                "age_band": encounter.get("age_band"),
                "sex": sex.get(encounter["patient_id"]),
                "year": encounter.get("year"),
                "postal_prefix": extra.get("postal_prefix"),
            }
        )
    return pd.DataFrame(rows, columns=list(QUASI_IDENTIFIERS))
