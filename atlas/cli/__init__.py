"""The ``atlas`` command line: a thin layer over the library.

Each feature module registers its commands on :data:`atlas.cli.app.main`.
Modules are imported when one of their commands runs, so that ``atlas remote``
does not pay for importing the SPARQL server or the map renderer.
"""

from atlas.cli.app import COMMAND_MODULES, load_all_commands, main, run

__all__ = ["COMMAND_MODULES", "load_all_commands", "main", "run"]
