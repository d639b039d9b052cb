"""``python -m atlas.cli`` runs the command line."""

from atlas.cli import main

main(prog_name="atlas")
