"""Run Relational Atlas from a checkout: ``python cli.py …`` (same as the installed ``atlas``)."""

from atlas.cli import main

if __name__ == "__main__":
    main(prog_name="atlas")
