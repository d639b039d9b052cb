"""Reading source files: strict YAML, Markdown experiences, RDF, and their validation."""
