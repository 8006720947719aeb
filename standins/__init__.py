"""Stand-ins: local stand-ins that speak the real wire protocols of GitHub's REST API and Algolia's
search API, for the local cloud and the tests; never deployed.

- `standins.github`: repository tarballs (with codeload's redirect), file contents, branches and
  commit statuses (`LocalGitHub`), and the webhook deliveries GitHub sends (`standins.github.payloads`).
- `standins.algolia`: the REST endpoints the `algoliasearch` client and InstantSearch call
  (`LocalAlgolia`), with the observations the search tests and `make bench-search` read.

Each is a Flask app served over real HTTP on loopback by Werkzeug's server in a thread
(`standins.serving`). `presslift up --github` starts the GitHub one for the local cloud, so they are
installed with the project, but `make package` leaves them out of the Lambda package
(`presslift.packaging.checks` refuses a package that holds them). `chalicelib` and `app.py` never
import them; `presslift` only where it starts or drives the local cloud's stand-ins (`localcloud`,
`localpush`).
"""
