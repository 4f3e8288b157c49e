"""The seed's baseline: a one-vs-rest logistic regression over sparse case features, with class weights
and random oversampling (imbalanced-learn), as a scikit-learn-style estimator.

A case record is a dict: ``present`` (term ids, or (term id, severity) pairs), ``absent`` (term ids),
``age_years`` (float or None) and ``sex`` ("female" / "male" / None). Features: each term present /
absent / unknown (two indicator columns; unknown = both 0), present terms also switch on their ancestors
when an ancestor map is given (the true-path rule), a severity ordinal (mild 1/3, moderate 2/3, severe 1)
for present terms, one-hot age bands and sex. Only diseases with at least ``min_cases`` training cases
become classes (default 2): the others are never predicted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

from knowledge.kb import KnowledgeBase
from learning.ingest.batch import AGE_BANDS, age_band

__all__ = ["CaseEncoder", "OneVsRestBaseline", "ancestor_map"]

SEVERITY_ORDINAL = {"mild": 1 / 3, "moderate": 2 / 3, "severe": 1.0}
SEXES = ("female", "male")
Record = Mapping[str, object]


def _present(record: Record) -> list[tuple[str, str | None]]:
    items = record.get("present") or []
    return [(item, None) if isinstance(item, str) else (str(item[0]), item[1]) for item in items]  # type: ignore[union-attr]


def _label_sets(y: Sequence[object]) -> list[tuple[str, ...]]:
    return [(label,) if isinstance(label, str) else tuple(sorted(map(str, label))) for label in y]  # type: ignore[call-overload]


class CaseEncoder(TransformerMixin, BaseEstimator):
    """Records -> sparse feature matrix (present / absent / unknown per term, severity, age band, sex)."""

    def __init__(self, ancestors: Mapping[str, Iterable[str]] | None = None, min_count: int = 1) -> None:
        self.ancestors = ancestors
        self.min_count = min_count

    def _features(self, record: Record) -> dict[str, float]:
        values: dict[str, float] = {}
        for term, severity in _present(record):
            values[f"present:{term}"] = 1.0
            for ancestor in (self.ancestors or {}).get(term, ()):
                values[f"present:{ancestor}"] = 1.0
            if severity in SEVERITY_ORDINAL:
                values[f"severity:{term}"] = SEVERITY_ORDINAL[severity]
        for term in record.get("absent") or []:  # type: ignore[union-attr]
            values[f"absent:{term}"] = 1.0
        age = record.get("age_years")
        band = age_band(float(age)) if isinstance(age, (int, float)) and np.isfinite(age) else None
        values[f"age:{band or 'unknown'}"] = 1.0
        sex = record.get("sex")
        values[f"sex:{sex if sex in SEXES else 'unknown'}"] = 1.0
        return values

    def fit(self, records: Sequence[Record], y: object = None) -> CaseEncoder:
        """Fix the feature vocabulary: age bands and sexes, plus the features seen in at least min_count
        records."""
        counts: Counter[str] = Counter()
        for record in records:
            counts.update(self._features(record))
        fixed = [f"age:{label}" for _, label in AGE_BANDS] + ["age:90+", "age:unknown"]
        fixed += [f"sex:{s}" for s in (*SEXES, "unknown")]
        learned = sorted(f for f, c in counts.items() if c >= self.min_count and f not in fixed)
        self.feature_names_ = np.asarray(fixed + learned, dtype=object)
        self.vocabulary_ = {name: i for i, name in enumerate(self.feature_names_)}
        return self

    def transform(self, records: Sequence[Record]) -> sparse.csr_matrix:
        """The records as a sparse matrix over the fitted vocabulary (features not in it are dropped)."""
        rows, columns, data = [], [], []
        for row, record in enumerate(records):
            for name, value in self._features(record).items():
                column = self.vocabulary_.get(name)
                if column is not None:
                    rows.append(row)
                    columns.append(column)
                    data.append(value)
        shape = (len(records), len(self.feature_names_))
        return sparse.csr_matrix((data, (rows, columns)), shape=shape, dtype=np.float64)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """The fitted feature names, in column order (scikit-learn's transformer interface)."""
        return self.feature_names_


class OneVsRestBaseline(ClassifierMixin, BaseEstimator):
    """One-vs-rest logistic regression (balanced class weights) after random oversampling of rare label
    sets up to ``oversample_to`` cases; ``predict_proba`` gives one independent probability per class."""

    def __init__(
        self,
        ancestors: Mapping[str, Iterable[str]] | None = None,
        C: float = 1.0,
        min_cases: int = 2,
        oversample_to: int = 10,
        class_weight: str | None = "balanced",
        max_iter: int = 300,
        n_jobs: int | None = None,
        random_state: int = 0,
    ) -> None:
        self.ancestors = ancestors
        self.C = C
        self.min_cases = min_cases
        self.oversample_to = oversample_to
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, records: Sequence[Record], y: Sequence[object]) -> OneVsRestBaseline:
        """y: one disease id per record, or an iterable of disease ids (multi-label)."""
        from imblearn.over_sampling import RandomOverSampler

        label_sets = _label_sets(y)
        counts = Counter(label for labels in label_sets for label in set(labels))
        kept = {label for label, n in counts.items() if n >= self.min_cases}
        if len(kept) < 2:
            raise ValueError(f"need at least two diseases with >= {self.min_cases} training cases")
        rows = [i for i, labels in enumerate(label_sets) if kept.intersection(labels)]
        targets = [tuple(label for label in label_sets[i] if label in kept) for i in rows]
        self.encoder_ = CaseEncoder(self.ancestors).fit([records[i] for i in rows])
        features = self.encoder_.transform([records[i] for i in rows])
        keys = np.asarray(["|".join(t) for t in targets], dtype=object)
        key_counts = Counter(keys.tolist())
        strategy = {k: self.oversample_to for k, n in key_counts.items() if n < self.oversample_to}
        if strategy:
            sampler = RandomOverSampler(sampling_strategy=strategy, random_state=self.random_state)
            features, _ = sampler.fit_resample(features, keys)
            targets = [targets[i] for i in sampler.sample_indices_]
        self.binarizer_ = MultiLabelBinarizer(classes=sorted(kept))
        indicator = self.binarizer_.fit_transform(targets)
        logistic = LogisticRegression(
            C=self.C, class_weight=self.class_weight, solver="liblinear", max_iter=self.max_iter
        )
        self.model_ = OneVsRestClassifier(logistic, n_jobs=self.n_jobs).fit(features, indicator)
        self.classes_ = self.binarizer_.classes_
        self.training_rows_ = int(features.shape[0])
        return self

    def predict_proba(self, records: Sequence[Record]) -> np.ndarray:
        """(n_records, n_classes): per-class probabilities (one-vs-rest; rows need not sum to 1)."""
        return np.asarray(self.model_.predict_proba(self.encoder_.transform(records)))

    def predict(self, records: Sequence[Record]) -> np.ndarray:
        """The top-1 disease per record."""
        return self.classes_[np.argmax(self.predict_proba(records), axis=1)]


def ancestor_map(
    kb: KnowledgeBase, skip: Iterable[str] = ("HP:0000001", "HP:0000118")
) -> dict[str, list[str]]:
    """term id -> ids of its proper ancestors (root and 'Phenotypic abnormality' left out)."""
    term_ids = kb.term_ids
    skipped = set(skip)
    result: dict[str, list[str]] = {}
    for index, closure in enumerate(kb.ancestor_sets):
        term = term_ids[index]
        result[term] = [term_ids[a] for a in closure if a != index and term_ids[a] not in skipped]
    return result
