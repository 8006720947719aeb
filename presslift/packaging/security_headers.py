"""The security headers every published site is served with, in one place.

CloudFront adds them to each viewer response through the response headers policy built here
(`policy_resource`, merged into the template next to the distributions), and the local site server
sends the same ones (`http_headers`), rendered from that same policy, so a page that the policy would
break breaks in local tests too.

Pure data. Never: write these values anywhere else; change them here and both follow.
"""

from __future__ import annotations

from typing import Any

from chalicelib.wordpress.providers import PLAYER_HOSTS
from presslift.packaging.logical import sub

#: The logical ID of the policy every site distribution refers to.
POLICY = "SiteSecurityHeaders"

#: Two years, as the HSTS preload list asks (at least one).
HSTS_MAX_AGE_SECONDS = 63072000

#: Content-Security-Policy, directive by directive. Pages run only the site's own script files (no
#: inline script, no inline event handler: the old-link redirect is a file too); inline styles stay
#: allowed because WordPress content and the theme's shortcodes carry style attributes.
CSP_DIRECTIVES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    # WordPress media may stay remote.
    "img-src": ("'self'", "https:", "data:"),
    "media-src": ("'self'", "https:"),
    # The only frames a converted site shows: the known media providers' players (every other embed
    # becomes a link, see the theme's embed shortcode), from the converter's one table of them.
    "frame-src": tuple(f"https://{host}" for host in PLAYER_HOSTS),
    "style-src": ("'self'", "'unsafe-inline'"),
    # Pagefind's search compiles WebAssembly.
    "script-src": ("'self'", "'wasm-unsafe-eval'"),
    "connect-src": ("'self'", "https://*.algolia.net", "https://*.algolianet.com"),
    "frame-ancestors": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
}


def content_security_policy() -> str:
    return "; ".join(" ".join((name, *sources)) for name, sources in CSP_DIRECTIVES.items())


def security_headers_config() -> dict[str, Any]:
    """The policy's `SecurityHeadersConfig`; `Override` so an object's own header never weakens it."""
    return {
        "StrictTransportSecurity": {
            "AccessControlMaxAgeSec": HSTS_MAX_AGE_SECONDS,
            "IncludeSubdomains": True,
            "Preload": True,
            "Override": True,
        },
        "ContentSecurityPolicy": {"ContentSecurityPolicy": content_security_policy(), "Override": True},
        "ContentTypeOptions": {"Override": True},
        "FrameOptions": {"FrameOption": "DENY", "Override": True},
        "ReferrerPolicy": {"ReferrerPolicy": "strict-origin-when-cross-origin", "Override": True},
    }


def policy_resource() -> dict[str, Any]:
    """The `AWS::CloudFront::ResponseHeadersPolicy` that every site distribution uses."""
    return {
        "Type": "AWS::CloudFront::ResponseHeadersPolicy",
        "Properties": {
            "ResponseHeadersPolicyConfig": {
                "Name": sub("${AWS::StackName}-security-headers"),
                "SecurityHeadersConfig": security_headers_config(),
            }
        },
    }


_RENDERED = frozenset(
    {
        "StrictTransportSecurity",
        "ContentSecurityPolicy",
        "ContentTypeOptions",
        "FrameOptions",
        "ReferrerPolicy",
    }
)


def http_headers(config: dict[str, Any] | None = None) -> dict[str, str]:
    """The response headers CloudFront adds for a `SecurityHeadersConfig` (by default this module's)."""
    config = security_headers_config() if config is None else config
    headers: dict[str, str] = {}
    if hsts := config.get("StrictTransportSecurity"):
        value = f"max-age={hsts['AccessControlMaxAgeSec']}"
        value += "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
        value += "; preload" if hsts.get("Preload") else ""
        headers["Strict-Transport-Security"] = value
    if csp := config.get("ContentSecurityPolicy"):
        headers["Content-Security-Policy"] = csp["ContentSecurityPolicy"]
    if "ContentTypeOptions" in config:
        headers["X-Content-Type-Options"] = "nosniff"
    if frame := config.get("FrameOptions"):
        headers["X-Frame-Options"] = frame["FrameOption"]
    if referrer := config.get("ReferrerPolicy"):
        headers["Referrer-Policy"] = referrer["ReferrerPolicy"]
    unknown = sorted(set(config) - _RENDERED)
    if unknown:
        # The local site server would silently differ from CloudFront: teach this function first.
        raise ValueError(
            f"security headers config has {', '.join(unknown)}, which http_headers cannot render"
        )
    return headers
