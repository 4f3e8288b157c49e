"""The `dxgraph` command (`cli.main`): one module of subcommands per job, composing knowledge, inference,
learning and web; the only package allowed to print for the user."""

__all__: list[str] = []  # a package of modules, imported by name; nothing re-exported here
