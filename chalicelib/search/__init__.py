"""Site search: records from a built stage tree, Algolia sync as plan then apply, and Pagefind's index.

`records` reads built HTML only (never the site's source); `plan` is the pure diff of records against
the live index's state; `apply` reads the live index and sends a plan through `algolia`, the client
(hosts, the admin key, retries); `pagefind` runs only the Pagefind binary. Nothing here imports
`presslift` or moto.
"""
