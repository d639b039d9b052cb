"""Pure, deterministic analysis functions over a :class:`atlas.model.Corpus`."""
