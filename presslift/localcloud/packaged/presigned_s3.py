"""Presigned S3 URLs under moto's IAM enforcement: this stands in for S3's own presigned-URL
authentication, which moto lacks.

moto 5.2 authenticates a request only from its `Authorization` header (`moto.iam.access_control`,
`IAMRequestBase`), so a request signed in its query string (SigV4 query auth: `X-Amz-Algorithm`,
`X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature`, and
`X-Amz-Security-Token` for a role's temporary credentials) fails there. This module, installed only in
the moto process of packaged mode (`python -m presslift.localcloud.packaged.presigned_s3`, which then
runs moto's server), authenticates such a request as S3 does:

- the signature is recomputed with botocore's own SigV4 query-auth canonicalisation
  (`S3SigV4QueryAuth`: the path as sent, the query without `X-Amz-Signature`, the signed headers,
  `UNSIGNED-PAYLOAD`) from the signer's secret; a mismatch is 403 `SignatureDoesNotMatch`;
- a URL past `X-Amz-Date + X-Amz-Expires` is 403 `AccessDenied` "Request has expired"; expiry beyond
  seven days, another algorithm or a malformed credential is 400 `AuthorizationQueryParametersError`;
- the action (GetObject, PutObject...) is then authorised against the signer's own policies, as moto
  does for a signed header: a URL presigned by a role that may not write that key writes nothing.

A request with neither an `Authorization` header nor a SigV4 query signature is anonymous, and
refused (403 `AccessDenied`), as S3 refuses it on a private bucket; a SigV2 query signature
(`AWSAccessKeyId`, `Signature`) counts as none here (the pipeline presigns with SigV4). Requests
signed in the header go through moto unchanged. Never used outside the local cloud.
"""

from __future__ import annotations

import hmac
import sys
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

#: The query parameters of SigV4 query auth that must all be present.
REQUIRED = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders")
SIGNATURE = "X-Amz-Signature"
TOKEN = "X-Amz-Security-Token"
ALGORITHM = "AWS4-HMAC-SHA256"
#: S3's longest presigned URL: seven days.
MAX_EXPIRES = 7 * 24 * 3600
#: How far in the future a URL's date may be (clock skew), as S3 allows.
SKEW = timedelta(minutes=15)
DATE_FORMAT = "%Y%m%dT%H%M%SZ"


def query_auth(path: str) -> dict[str, str] | None:
    """The query parameters of `path` when it carries a SigV4 query signature, else None."""
    query = urlsplit(path).query
    if "X-Amz-Signature=" not in query and "X-Amz-Credential=" not in query:
        return None
    return dict(parse_qsl(query, keep_blank_values=True))


def install() -> None:
    """Make moto's S3 authorisation accept presigned URLs (see the module docstring)."""
    import moto.iam.access_control as access_control

    access_control.S3IAMRequest = presigned_request_class(access_control)  # type: ignore[misc,assignment]


def presigned_request_class(access_control: Any) -> type:
    """moto's `S3IAMRequest`, also authenticating query-signed (presigned) requests."""
    from botocore.auth import S3SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from moto.s3.exceptions import S3ClientError
    from moto.utilities.utils import get_partition

    base = access_control.S3IAMRequest

    class PresignedS3IAMRequest(base):  # type: ignore[misc,valid-type]
        def __init__(
            self,
            account_id: str,
            method: str,
            path: str,
            data: dict[str, str],
            body: bytes,
            headers: Any,
            action: str,
        ) -> None:
            self._query = None if "Authorization" in headers else query_auth(path)
            if self._query is None:
                if "Authorization" not in headers:  # anonymous: S3 refuses it on a private bucket
                    raise S3ClientError("AccessDenied", "Access Denied")
                super().__init__(account_id, method, path, data, body, headers, action)
                return
            self.account_id = account_id
            self._method, self._path, self._data = method, path, data
            self._body, self._headers = body, headers
            missing = [name for name in (*REQUIRED, SIGNATURE) if not self._query.get(name)]
            if missing:
                raise S3ClientError(
                    "AuthorizationQueryParametersError",
                    f"Query-string authentication version 4 requires {', '.join(missing)}",
                )
            if self._query["X-Amz-Algorithm"] != ALGORITHM:
                raise S3ClientError(
                    "AuthorizationQueryParametersError",
                    f'X-Amz-Algorithm only supports "{ALGORITHM}"',
                )
            scope = self._query["X-Amz-Credential"].split("/")
            if len(scope) != 5 or scope[4] != "aws4_request" or not all(scope):
                raise S3ClientError(
                    "AuthorizationQueryParametersError",
                    "X-Amz-Credential must be <key>/<yyyymmdd>/<region>/<service>/aws4_request",
                )
            self._scope = scope
            self._region, self._service = scope[2], scope[3]
            self._action = f"{self._service}:{action[0] if isinstance(action, list) else action}"
            # moto tells a role's temporary key from a user's by the token "header"
            key_headers = {TOKEN: self._query[TOKEN]} if TOKEN in self._query else {}
            try:
                self._access_key = access_control.create_access_key(
                    account_id=account_id,
                    partition=get_partition(self._region),
                    access_key_id=scope[0],
                    headers=key_headers,
                )
            except access_control.CreateAccessKeyFailure as exc:
                self._raise_invalid_access_key(exc.reason)

        def check_signature(self) -> None:
            if self._query is None:
                super().check_signature()
                return
            query = self._query
            try:
                expires = int(query["X-Amz-Expires"])
                signed_at = datetime.strptime(query["X-Amz-Date"], DATE_FORMAT).replace(tzinfo=UTC)
            except ValueError:
                raise S3ClientError(
                    "AuthorizationQueryParametersError",
                    "X-Amz-Expires must be a number of seconds and X-Amz-Date a yyyyMMddTHHmmssZ time",
                ) from None
            if not 0 < expires <= MAX_EXPIRES:
                raise S3ClientError(
                    "AuthorizationQueryParametersError",
                    "X-Amz-Expires must be less than a week (in seconds) that is 604800",
                )
            now = datetime.now(UTC)
            if now > signed_at + timedelta(seconds=expires):
                raise S3ClientError("AccessDenied", "Request has expired")
            if signed_at > now + SKEW:
                raise S3ClientError("AccessDenied", "Request is not valid yet")
            if query["X-Amz-Date"][:8] != self._scope[1]:
                self._raise_signature_does_not_match()
            if not hmac.compare_digest(self._presigned_signature(expires), query[SIGNATURE]):
                self._raise_signature_does_not_match()

        def _presigned_signature(self, expires: int) -> str:
            """The signature S3 computes for this request: botocore's own query-auth canonical
            request over what arrived (every query parameter but the signature, re-encoded to the
            canonical form; the headers the URL says it signed)."""
            query = self._query
            assert query is not None
            signed = [name for name in query["X-Amz-SignedHeaders"].lower().split(";") if name]
            headers = {name: self._headers.get(name, "") for name in signed}
            host = self._headers.get("Host", "")
            request = AWSRequest(
                method=self._method,
                url=f"http://{host}{urlsplit(self._path).path}",
                headers=headers,
                params=[(name, value) for name, value in query.items() if name != SIGNATURE],
            )
            request.context["timestamp"] = query["X-Amz-Date"]
            auth = S3SigV4QueryAuth(
                self._access_key.create_credentials(), self._service, self._region, expires
            )
            canonical = auth.canonical_request(request)
            return str(auth.signature(auth.string_to_sign(request, canonical), request))

    return PresignedS3IAMRequest


def main(argv: list[str] | None = None) -> None:
    """moto's server (same arguments) with presigned URLs authenticated."""
    install()
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
