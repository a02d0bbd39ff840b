"""Content files to a validated knowledge base: YAML positions, validation, cache, reload."""
