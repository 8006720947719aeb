"""Site search: records from a built stage tree, Algolia diff sync, and Pagefind's static index.

`records` reads built HTML only (never the site's source), `algolia` talks to Algolia only through the
official client, `pagefind` runs only the Pagefind binary. Nothing here imports `presslift` or moto.
"""
