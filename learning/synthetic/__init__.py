"""SYNTHETIC data, labelled as such everywhere: never a real patient.

`patients` samples synthetic patients and `files` writes them in every input format (for the demo and the
format tests); `world` samples patients from a true world that differs from the literature and
`experiment` runs the learning-gain experiment on them.
"""

__all__: list[str] = []  # a package of modules, imported by name; nothing re-exported here
