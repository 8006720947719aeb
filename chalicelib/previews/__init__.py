"""Deploy previews: a pull request's head (or a branch's) built and published to a target of its own on
staging, never prod, with no approval; removed when the pull request closes, the branch is deleted, or
nobody pushed for the site's idle time. Import the submodules (`naming`, `registry`, ...)."""
