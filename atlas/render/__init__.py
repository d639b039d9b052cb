"""Outputs: RDF exports, graph exports and interactive HTML maps."""
