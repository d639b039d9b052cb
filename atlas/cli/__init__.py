"""The ``atlas`` command line: a thin layer over the library.

Each module registers its commands on :data:`atlas.cli.app.main`; importing
them here assembles the whole command.
"""

import importlib

from atlas.cli.app import main

# Feature modules register themselves on `main`; one that is not present in
# this build is skipped so that each can land on its own.
for _name in ("core", "links", "capitalise", "sparql", "maps", "imports"):
    try:
        importlib.import_module(f"atlas.cli.{_name}")
    except ModuleNotFoundError as _exc:  # pragma: no cover - only while features land
        if _exc.name != f"atlas.cli.{_name}":
            raise

__all__ = ["main"]
