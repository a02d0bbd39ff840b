"""One module per command: each turns a request into a ``Reply``."""
