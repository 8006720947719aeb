"""Where an artifact is published and how: the target (bucket, prefix, CDN) and the publish options.

Plain, frozen data only: no AWS calls and no reading of configuration files here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from chalicelib.errors import ConfigError
from chalicelib.publish.headers import DEFAULT_CACHE_RULES, CacheRule, HeaderRule

# Publish state lives outside every site's prefix, so a site's listing never shows it: the record of
# each prefix's last complete publish, and a marker that a publish is changing the prefix right now.
STATE_FOLDER = ".presslift/"
RECORD_FOLDER = f"{STATE_FOLDER}published/"
APPLYING_FOLDER = f"{STATE_FOLDER}applying/"


@dataclass(frozen=True)
class PublishTarget:
    """One bucket and prefix (one site in one stage), and the CloudFront distribution in front of it."""

    bucket: str
    prefix: str  # "" or "<site>/" (one bucket per stage, a prefix per site, by default)
    distribution_id: str | None
    origin_path: str = ""  # the distribution's origin path, for invalidation paths
    #: Folders under the prefix that hold others' objects (staging's previews, `previews/pr-`): a publish
    #: never lists, replaces or deletes anything there.
    kept: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.bucket:
            raise ConfigError("a publish target needs a bucket name")
        if self.prefix and (not self.prefix.endswith("/") or self.prefix.startswith("/")):
            raise ConfigError(f"publish prefix {self.prefix!r} must be empty or look like 'site/'")
        if self.origin_path and (not self.origin_path.startswith("/") or self.origin_path.endswith("/")):
            raise ConfigError(f"origin path {self.origin_path!r} must be empty or look like '/site'")

    def key_for(self, path: str) -> str:
        return f"{self.prefix}{path}"

    def path_of(self, key: str) -> str:
        return key[len(self.prefix) :]

    def keeps(self, key: str) -> bool:
        """Whether `key` lies in one of the folders this target's publish leaves alone."""
        return bool(self.kept) and self.path_of(key).startswith(self.kept)

    @property
    def record_key(self) -> str:
        return f"{RECORD_FOLDER}{self._state_name}.json.gz"

    @property
    def applying_key(self) -> str:
        return f"{APPLYING_FOLDER}{self._state_name}.json"

    @property
    def _state_name(self) -> str:
        return self.prefix.rstrip("/") or "_root"

    def where(self, key: str = "") -> str:
        return f"s3://{self.bucket}/{key}"


@dataclass(frozen=True)
class PublishOptions:
    """How to publish.

    `force` re-uploads every file and overrides the safety guards; `allow_deletes` overrides only the
    guards (max deletes, missing index.html, removing most of the site), for a deliberate shrink or rollback.

    The plan compares with the record of the last complete publish instead of listing the bucket,
    unless `verify` (or `force`) asks for a listing or a listing last confirmed the record more than
    `verify_every_seconds` ago (see basis.py). Before trusting the record, the site's entry points,
    what its home page links and `spot_check_sample` other recorded objects are checked with HEAD
    requests (see spotcheck.py); 0 checks only the entry points.
    """

    force: bool = False
    verify: bool = False
    verify_every_seconds: float = 24 * 3600.0
    spot_check_sample: int = 16
    max_deletes: int = 256
    cache_rules: tuple[CacheRule, ...] = DEFAULT_CACHE_RULES
    header_rules: tuple[HeaderRule, ...] = ()
    script_hashes: Mapping[str, Sequence[str]] = field(default_factory=dict)  # page -> its inline scripts'
    page_hosts: tuple[str, ...] = ()  # the operator's: hosts the pages may load from
    concurrency: int = 16
    allow_deletes: bool = False
    wait_for_invalidation: bool = False
    invalidation_timeout_seconds: float = 600.0

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ConfigError(f"publish concurrency must be at least 1, not {self.concurrency}")
        if self.max_deletes < 0:
            raise ConfigError(f"max_deletes must not be negative, not {self.max_deletes}")
        if self.spot_check_sample < 0:
            raise ConfigError(f"spot_check_sample must not be negative, not {self.spot_check_sample}")
        if self.verify_every_seconds < 0:
            raise ConfigError(f"verify_every_seconds must not be negative, not {self.verify_every_seconds}")

    @property
    def guards_overridden(self) -> bool:
        return self.force or self.allow_deletes
