"""`make bench-scale`: each pipeline stage on a large site and export, held to its function's limits."""
