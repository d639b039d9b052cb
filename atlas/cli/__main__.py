"""``python -m atlas.cli`` runs the command line."""

from atlas.cli import run

run()
