"""A local GitHub: the REST API's tarballs, contents, branches and statuses (`LocalGitHub`), and the
webhook deliveries GitHub sends (`payloads`)."""

from standins.github.api import Request
from standins.github.server import LocalGitHub, Status, build_tarball

__all__ = ["LocalGitHub", "Request", "Status", "build_tarball"]
