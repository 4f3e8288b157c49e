"""The Bayesian network and its answers: parameters, network arrays, likelihoods, priors, evidence, the
`Diagnoser` (`engine`), explanations and next questions, model artifacts and the production pointer, and
the one evaluation (`evaluation/`). Imports `knowledge` only."""

__all__: list[str] = []  # a package of modules, imported by name; nothing re-exported here
