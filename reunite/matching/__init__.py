"""The `reunite match` command: a thin Django wrapper around reunite.linkage."""
