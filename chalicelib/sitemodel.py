"""A site's registration as data, and the rules it obeys: its settings (`Site`: targets, approval
policy, code app, search backend, branches), their validation, where each stage lands (`placement`), and
which registrations may not stand together (`conflict`, `claims`).

Pure: nothing here reads or writes the table (`sites.SiteStore` does) or talks to AWS, apart from the
stack's allow-list read from the environment (`check_site_owned`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from chalicelib import resources, siteclaims
from chalicelib.errors import ConfigError, InputError
from chalicelib.pagehosts import HOST as PAGE_HOST
from chalicelib.runs import utc_now

SOURCES = ("github", "import")
KINDS = ("hugo", "code")
STAGES = ("staging", "prod")
SEARCH_BACKENDS = ("pagefind", "algolia")
#: How many build runners a site's render may be split across (`Site.build_segments`).
MIN_SEGMENTS, MAX_SEGMENTS = 1, 16

_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_PRIVATE_SOURCE = re.compile(r"^[A-Za-z0-9_.-]+/(?:\*|[A-Za-z0-9_.-]+)$")
_BRANCH = re.compile(r"^(?!/)(?!.*//)(?!.*\.\.)(?!.*@\{)[^\s~^:?*\[\\\x00-\x1f\x7f]+(?<![/.])$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_DISTRIBUTION = re.compile(r"^[A-Z0-9]{10,20}$")
# A stage's public URL: a scheme, a host (a port at most), a path ending in '/'; no user, query or '..'.
_SITE_URL = re.compile(
    r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?/(?:(?!\.\./)[A-Za-z0-9._~!$&'()*+,;=:@%-]+/)*$"
)
#: A host name a build may fetch from: lower-case labels, at least two, no wildcard, port or path.
_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")
MAX_REMOTE_HOSTS = 20
_APP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Algolia application ids are upper-case letters and digits; the hosts are derived from them.
_APP_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")


@dataclass(frozen=True)
class Target:
    """Where one stage of a site publishes. Unset fields fall back to the pipeline's own bucket and
    distribution for the stage, under the prefix `<site>/`.

    `own_bucket`: the operator says the bucket is this site's alone, so the site may publish at its root
    (an empty prefix) and no other site may use the bucket.
    `url`: where the stage is served (`https://www.example.org/`, a domain of the site's own distribution),
    the base URL Hugo builds with; unset, the pipeline's distribution serves it under `<site>/`.
    """

    bucket: str | None = None
    prefix: str | None = None
    distribution: str | None = None
    origin_path: str | None = None
    own_bucket: bool = False
    url: str | None = None


@dataclass(frozen=True)
class ApprovalPolicy:
    """Whether prod waits for a person, and for how long an approval stays open.

    `prod = False` or `auto_promote = True`: staging goes on to prod with no one asked.
    """

    prod: bool = True
    auto_promote: bool = False
    ttl_hours: int = 72

    @property
    def prod_needs_approval(self) -> bool:
        return self.prod and not self.auto_promote


@dataclass(frozen=True)
class PreviewPolicy:
    """Which pushes of a site's repository publish a preview (a target of its own on staging, never
    prod, no approval), and how long an idle preview stays.

    `forks`: pull requests whose head is in a fork build too (in the keyless build runner, as every
    build); off, their commit status says why nothing was built. `branches`: branch globs whose pushes
    publish a branch preview. `idle_days`: a preview with no push for this long is removed.
    """

    pull_requests: bool = True
    forks: bool = False
    branches: tuple[str, ...] = ()
    idle_days: int = 14


@dataclass(frozen=True)
class SearchBackend:
    """The search service and its credentials. The admin key itself is in SSM, under the stack's
    search keys path; only the parameter's name is here."""

    backend: str = "pagefind"
    app_id: str | None = None
    index_name: str | None = None
    search_key: str | None = None
    admin_key_parameter: str | None = None


@dataclass(frozen=True)
class Site:
    """A registered site: what the operator decided (never read from the site's repository).

    `branch` is the branch a push fetches by default; `branches` and `tags` (globs) are the refs whose
    pushes build (`branches` defaults to `branch`). `code_app` is a code site's folder on the EFS
    mount points (default: the site's name).
    """

    name: str
    repo: str | None = None
    branch: str = "main"
    kind: str = "hugo"
    created_at: str = field(default_factory=utc_now)
    source: str = "github"
    branches: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    targets: Mapping[str, Target] = field(default_factory=dict)
    approval: ApprovalPolicy = field(default_factory=ApprovalPolicy)
    code_app: str | None = None
    search: SearchBackend = field(default_factory=SearchBackend)
    # An imported site's media missing from its uploads archive are fetched from the old host (the
    # hosts its export names only, within the converter's caps): the operator's call, since it makes
    # the pipeline reach out to a server it does not run.
    fetch_media: bool = False
    previews: PreviewPolicy = field(default_factory=PreviewPolicy)
    # A site too big for one build function is rendered in this many Hugo segments, each by its own
    # build runner, at once (`chalicelib.work.segmented`).
    build_segments: int = 1
    # Hosts a build may fetch from (Hugo's resources.GetRemote, https and GET only): the operator's call,
    # never the repository's, since the build then reaches a server the pipeline does not run.
    remote_hosts: tuple[str, ...] = ()
    # Hosts the site's pages may load scripts, styles, fonts, frames and requests from, added to their
    # Content-Security-Policy (`chalicelib.pagehosts`): the operator's call, never the repository's.
    page_hosts: tuple[str, ...] = ()
    # Private repositories the fetch may read with the pipeline's token for this site's submodules and
    # Hugo modules (OWNER/REPO, or OWNER/* for all of an owner's), beside its own repository: the
    # operator's call, never the repository's (`github.additions.Reach`).
    private_sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise InputError(
                f"site name must be lowercase letters, digits and '-' (at most 63), not {self.name!r}"
            )
        if self.source not in SOURCES:
            raise InputError(
                f"site {self.name}: source must be one of {', '.join(SOURCES)}, not {self.source!r}"
            )
        if self.kind not in KINDS:
            raise InputError(f"site {self.name}: kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.source == "github" and not self.repo:
            raise InputError(f"site {self.name}: a GitHub site needs --repo OWNER/REPO")
        if self.repo is not None and (not _REPO.match(self.repo) or ".." in self.repo):
            raise InputError(f"site {self.name}: repo must look like OWNER/REPO, not {self.repo!r}")
        if not _BRANCH.match(self.branch):
            raise InputError(f"site {self.name}: {self.branch!r} is not a valid branch name")
        validate(self)

    @property
    def allowed_branches(self) -> tuple[str, ...]:
        return self.branches or (self.branch,)

    @property
    def app(self) -> str:
        """A code site's folder on the EFS mount points."""
        return self.code_app or self.name

    def target(self, stage: str) -> Target:
        return self.targets.get(stage, Target())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def settings_dict(self) -> dict[str, Any]:
        """The operator-owned settings, JSON-ready (what `update` may change)."""
        data = self.to_dict()
        return {key: data[key] for key in SETTINGS}


#: The operator-owned settings beside name, repo, kind and source.
SETTINGS = (
    "branch",
    "branches",
    "tags",
    "targets",
    "approval",
    "code_app",
    "search",
    "fetch_media",
    "previews",
    "build_segments",
    "remote_hosts",
    "page_hosts",
    "private_sources",
)


def _check_hosts(
    where: str, option: str, hosts: tuple[str, ...], pattern: re.Pattern[str], example: str, nor: str
) -> None:
    """InputError unless `hosts` are at most MAX_REMOTE_HOSTS names that `pattern` takes."""
    if len(hosts) > MAX_REMOTE_HOSTS:
        raise InputError(f"{where}: {option} names at most {MAX_REMOTE_HOSTS} hosts")
    for host in hosts:
        if not pattern.match(host):
            raise InputError(
                f"{where}: {option} takes host names ({example}), not {host!r}: "
                f"no scheme, port, path or {nor}"
            )


def validate(site: Site) -> None:
    """InputError naming the `presslift site` option that is wrong."""
    where = f"site {site.name}"
    for stage, target in site.targets.items():
        if stage not in STAGES:
            raise InputError(f"{where}: targets are for {', '.join(STAGES)}, not {stage!r}")
        _validate_target(site.name, stage, target)
    for pattern in (*site.branches, *site.tags, *site.previews.branches):
        if not pattern.strip() or any(ch in pattern for ch in " \t\n\x00"):
            raise InputError(f"{where}: {pattern!r} is not a branch or tag pattern")
    if not 1 <= site.approval.ttl_hours <= 24 * 30:
        raise InputError(
            f"{where}: --approval-ttl-hours must be between 1 and 720, not {site.approval.ttl_hours}"
        )
    if site.code_app is not None:
        if site.kind != "code":
            raise InputError(f"{where}: --code-app is only for code sites: add --kind code")
        if not _APP_NAME.match(site.code_app):
            raise InputError(
                f"{where}: --code-app must be letters, digits, '.', '_' or '-', not {site.code_app!r}"
            )
    if not 1 <= site.previews.idle_days <= 365:
        raise InputError(
            f"{where}: --preview-idle-days must be between 1 and 365, not {site.previews.idle_days}"
        )
    segments = site.build_segments
    if type(segments) is not int or not MIN_SEGMENTS <= segments <= MAX_SEGMENTS:
        raise InputError(
            f"{where}: --build-segments must be between {MIN_SEGMENTS} and {MAX_SEGMENTS}, not {segments!r}"
        )
    if segments > 1 and site.kind != "hugo":
        raise InputError(f"{where}: --build-segments is for Hugo sites; a {site.kind} site builds in one job")
    _check_hosts(where, "--remote-hosts", site.remote_hosts, _HOST, "cdn.example.com", "wildcard")
    _check_hosts(
        where, "--page-hosts", site.page_hosts, PAGE_HOST, "fonts.gstatic.com, *.example.com", "keyword"
    )
    for source in site.private_sources:
        if not _PRIVATE_SOURCE.match(source) or ".." in source:
            raise InputError(
                f"{where}: --private-sources takes OWNER/REPO or OWNER/* (comma-separated), not {source!r}"
            )
    _validate_search(where, site.search)


def _validate_target(site: str, stage: str, target: Target) -> None:
    option = f"--{stage}"
    if target.bucket is not None and not _BUCKET.match(target.bucket):
        raise InputError(f"site {site}: {option}-bucket must be an S3 bucket name, not {target.bucket!r}")
    if target.distribution is not None and not _DISTRIBUTION.match(target.distribution):
        raise InputError(
            f"site {site}: {option}-distribution must be a CloudFront distribution id like "
            f"E2QWRUHAPOMQZL, not {target.distribution!r}"
        )
    if target.origin_path and (
        not target.origin_path.startswith("/")
        or target.origin_path.endswith("/")
        or ".." in target.origin_path.split("/")
    ):
        raise InputError(
            f"site {site}: {option}-origin-path must start with '/' and not end with one, "
            f"not {target.origin_path!r}"
        )
    if target.url is not None and not _SITE_URL.match(target.url):
        raise InputError(
            f"site {site}: {option}-url must be the https URL the {stage} site is served at, like "
            f"https://www.example.org/ (no query, fragment or user), not {target.url!r}"
        )
    prefix = target.prefix
    if prefix is not None and (prefix.startswith("/") or ".." in prefix.split("/") or "//" in prefix):
        raise InputError(f"site {site}: {option}-prefix must be a relative path, not {prefix!r}")
    if target.own_bucket and target.bucket is None:
        raise InputError(f"site {site}: --own-bucket needs {option}-bucket (the bucket the site owns)")
    if target.bucket is None:
        # On the pipeline's shared bucket every site publishes under its own name, so no two meet.
        if prefix is not None and not _under(normal_prefix(prefix), f"{site}/"):
            raise InputError(
                f"site {site}: {option}-prefix {prefix!r} is on the pipeline's shared bucket, where a site "
                f"publishes under {site}/; give the site a bucket of its own to choose another prefix"
            )
    elif prefix == "" and not target.own_bucket:
        raise InputError(
            f"site {site}: an empty {option}-prefix publishes at the root of {target.bucket}, which would "
            "delete whatever else is there; pass --own-bucket if the bucket is this site's alone"
        )


def _validate_search(where: str, search: SearchBackend) -> None:
    if search.backend not in SEARCH_BACKENDS:
        raise InputError(
            f"{where}: --search must be one of {', '.join(SEARCH_BACKENDS)}, not {search.backend!r}"
        )
    if search.backend != "algolia":
        return
    for name in ("app_id", "index_name", "search_key", "admin_key_parameter"):
        if not getattr(search, name):
            raise InputError(f"{where}: --search algolia needs --algolia-{name.replace('_', '-')}")
    assert search.app_id and search.admin_key_parameter
    if not _APP_ID.match(search.app_id):
        raise InputError(f"{where}: --algolia-app-id must be letters and digits, not {search.app_id!r}")
    check_search_key_parameter(where, search.admin_key_parameter)


def check_search_key_parameter(where: str, name: str, env: Mapping[str, str] | None = None) -> None:
    """InputError unless `name` is an SSM parameter under the stack's search keys path (the only one
    the deploy function may read)."""
    env = os.environ if env is None else env
    path = env.get(resources.SEARCH_KEYS_PATH.name) or resources.SEARCH_KEYS_PATH.default
    prefix = path.rstrip("/") + "/"
    if name.startswith("secretsmanager:"):
        raise InputError(
            f"{where}: --algolia-admin-key-parameter is in Secrets Manager, which is not supported: "
            f"store the key in SSM under {prefix}"
        )
    if not name.startswith(prefix) or ".." in name.split("/"):
        raise InputError(
            f"{where}: --algolia-admin-key-parameter must name an SSM parameter under {prefix} "
            f"(the only path granted), not {name!r}"
        )


def normal_prefix(prefix: str) -> str:
    """`a/b` → `a/b/`; the empty prefix (a bucket's root) stays empty."""
    stripped = prefix.strip("/")
    return f"{stripped}/" if stripped else ""


def _under(prefix: str, parent: str) -> bool:
    return prefix.startswith(parent)


@dataclass(frozen=True)
class Placement:
    """Where one stage of a site lands: `bucket=None` is the pipeline's shared bucket for the stage."""

    bucket: str | None
    prefix: str
    distribution: str | None
    origin_path: str
    own_bucket: bool


def placement(site: Site, stage: str) -> Placement:
    """The site's effective target for `stage` (the one rule for defaults)."""
    target = site.target(stage)
    if target.prefix is not None:
        prefix = normal_prefix(target.prefix)
    else:
        prefix = "" if target.bucket and target.own_bucket else f"{site.name}/"
    return Placement(
        bucket=target.bucket,
        prefix=prefix,
        distribution=target.distribution,
        origin_path=target.origin_path or "",
        own_bucket=target.own_bucket,
    )


def conflict(site: Site, others: Iterable[Site], shared_buckets: Iterable[str] = ()) -> str | None:
    """Why `site` may not be registered beside `others`, or None: no two sites share a target (the same
    bucket with one prefix inside the other, or a bucket one of them owns) or a code app."""
    shared = set(shared_buckets)
    mine = [(stage, placement(site, stage)) for stage in STAGES]
    for stage, place in mine:
        if place.bucket is not None and place.bucket in shared:
            return (
                f"site {site.name}: --{stage}-bucket {place.bucket} is the pipeline's shared bucket; leave "
                "the bucket unset to publish there under the site's name"
            )
    for other in others:
        if other.name == site.name:
            continue
        if site.kind == "code" and other.kind == "code" and site.app == other.app:
            return f"site {site.name}: code app {site.app!r} is already site {other.name}'s; choose another"
        for stage, place in mine:
            for their_stage, theirs in ((s, placement(other, s)) for s in STAGES):
                if place.bucket is None or place.bucket != theirs.bucket:
                    continue
                if place.own_bucket or theirs.own_bucket:
                    owner = other.name if theirs.own_bucket else site.name
                    return (
                        f"site {site.name}: {stage} bucket {place.bucket} is also site {other.name}'s "
                        f"({their_stage}), and site {owner} owns it (--own-bucket)"
                    )
                if _under(place.prefix, theirs.prefix) or _under(theirs.prefix, place.prefix):
                    return (
                        f"site {site.name}: {stage} target s3://{place.bucket}/{place.prefix} overlaps "
                        f"site {other.name}'s {their_stage} target s3://{theirs.bucket}/{theirs.prefix}; "
                        "a deploy of one would delete the other's files"
                    )
    return None


def claims(site: Site) -> siteclaims.Claims:
    """The claim items `site`'s registration holds (see `siteclaims`)."""
    places = [placement(site, stage) for stage in STAGES]
    return siteclaims.claims_for(
        [siteclaims.Place(p.bucket, p.prefix, p.own_bucket) for p in places if p.bucket is not None],
        site.app if site.kind == "code" else None,
    )


def site_from_dict(data: Mapping[str, Any]) -> Site:
    """A `Site` from its `to_dict()` form (the table keeps the settings as JSON)."""
    targets = {stage: Target(**value) for stage, value in (data.get("targets") or {}).items()}
    return Site(
        name=data["name"],
        repo=data.get("repo"),
        branch=data.get("branch") or "main",
        kind=data.get("kind") or "hugo",
        created_at=data.get("created_at") or utc_now(),
        source=data.get("source") or "github",
        branches=tuple(data.get("branches") or ()),
        tags=tuple(data.get("tags") or ()),
        targets=targets,
        approval=ApprovalPolicy(**(data.get("approval") or {})),
        code_app=data.get("code_app"),
        search=SearchBackend(**(data.get("search") or {})),
        fetch_media=bool(data.get("fetch_media", False)),
        previews=_previews(data.get("previews") or {}),
        build_segments=int(data.get("build_segments") or 1),
        remote_hosts=tuple(data.get("remote_hosts") or ()),
        page_hosts=tuple(data.get("page_hosts") or ()),
        private_sources=tuple(data.get("private_sources") or ()),
    )


def _previews(data: Mapping[str, Any]) -> PreviewPolicy:
    known = {key: value for key, value in data.items() if key in PreviewPolicy.__dataclass_fields__}
    return replace(PreviewPolicy(**known), branches=tuple(known.get("branches") or ()))


def check_site_owned(
    site: str, stage: str, bucket: str | None, distribution: str | None, env: Mapping[str, str] | None = None
) -> None:
    """ConfigError unless the stack allows a site's own bucket and distribution. The stack grants the
    deploy function only the buckets and distributions listed in its SiteOwnedBuckets and
    SiteOwnedDistributions parameters (given to the functions as environment variables); where the
    variables are unset (the local cloud), every bucket and distribution is allowed."""
    env = os.environ if env is None else env
    for what, value, variable, parameter in (
        ("bucket", bucket, resources.SITE_OWNED_BUCKETS, "SiteOwnedBuckets"),
        ("distribution", distribution, resources.SITE_OWNED_DISTRIBUTIONS, "SiteOwnedDistributions"),
    ):
        if not value or variable.name not in env:
            continue
        allowed = [item.strip() for item in env[variable.name].split(",") if item.strip()]
        if value not in allowed:
            raise ConfigError(
                f"site {site}: --{stage}-{what} {value!r} "
                f"is not one the stack may deploy to (allowed: {', '.join(allowed) or 'none'}); "
                f"add it to the stack parameter {parameter} and deploy the stack again"
            )
