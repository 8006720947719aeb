"""`make bench-search`: Presslift's Algolia sync vs the seed's clear-then-save, on the local server."""
