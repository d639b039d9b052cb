"""Run Relational Atlas from a checkout: ``python cli.py …`` (same as the installed ``atlas``)."""

from atlas.cli import run

if __name__ == "__main__":
    run()
