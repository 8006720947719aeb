"""A local Algolia: a real HTTP server speaking the REST endpoints the `algoliasearch` client uses.

For tests, the benchmark and the local cloud, never for production. It holds indexes in memory and
serves what the sync and the search page call: batch writes, browse with a cursor, get and set
settings, copy and move, task status, delete, clear, search (one query or several). It checks the
application ID and keys (the search-only key may only search) and answers CORS, so a browser can
query it as it would query Algolia.

Besides serving, it observes: it counts requests and record operations, can fail the next requests
with a chosen status (to test retries), and records every state each live index passes through, so a
test or the benchmark can tell how long searchers would have seen an empty or a partially written
index. A live index is any index whose name does not mark it as temporary. It is "empty" while it is
missing or holds no records after having held some, and "partial" from a clear or delete of a
non-empty index until it holds as many records again. It never touches the network beyond 127.0.0.1.
"""

from standins.algolia.index import (
    DEFAULT_ADMIN_KEY,
    DEFAULT_APP_ID,
    DEFAULT_SEARCH_KEY,
    AlgoliaError,
    Index,
    State,
    is_temporary,
)
from standins.algolia.server import LocalAlgolia

__all__ = [
    "DEFAULT_ADMIN_KEY",
    "DEFAULT_APP_ID",
    "DEFAULT_SEARCH_KEY",
    "AlgoliaError",
    "Index",
    "LocalAlgolia",
    "State",
    "is_temporary",
]
