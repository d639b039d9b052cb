"""Relational Atlas: a knowledge-graph toolkit for learning communities of territories in transition.

The library reads an atlas (experiences, issues, principles, territories, actors…)
into an RDF store, extracts a :class:`~atlas.model.Corpus` for analysis, and writes
maps and exports; ``atlas.cli`` is a thin command line over it.
"""

__version__ = "0.1.0"
