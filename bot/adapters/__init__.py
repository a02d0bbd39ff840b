"""Platform glue: translate platform events into core calls and replies into platform messages."""
