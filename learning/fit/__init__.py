"""Fit the network's scoring parameters by maximising the held-out log posterior of the true disease."""

__all__: list[str] = []  # a package of modules, imported by name; nothing re-exported here
