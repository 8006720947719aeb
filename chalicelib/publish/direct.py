"""Site files go to S3 as single signed PUTs, without botocore's per-call machinery around each one.

A publish uploads thousands of small files, and per file botocore spends more CPU on its machinery than
on the request itself: parameter validation, endpoint rules, a dozen events, response parsing (1.3 ms
a PutObject against 0.7 ms for the same request sent here, measured on the benchmark's 14 KB pages).
Publishing shares the CPU with the store (and, in a Lambda, has little of it), so that time is the
publish's time. Here the same request is built once per file: the bucket's URL as the client's own
endpoint rules resolve it (virtual-hosted or path style, the client's region), the same headers,
Content-MD5 included, SigV4-signed by the client's signer with its current credentials, and sent over
the client's connection pool. Handlers the client has for `before-send` (moto's mock, tests' injected
answers, the stage's request count: see `requestcount`) still see each request.

Anything but a plain success (an error, a redirect to another region, a broken connection) ends the
direct path for the rest of the publish: that upload and every later one go through the client's
`put_object`, with its retry policy and error handling; so does any client this module cannot read (a
wrapper, an unsigned client) and any body large enough for `Expect: 100-continue` to pay off.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSRequest
from botocore.client import BaseClient
from botocore.exceptions import BotoCoreError
from botocore.utils import percent_encode

#: Bodies at least this large go through botocore, which asks S3 first (services.EXPECT_CONTINUE_FROM).
LARGEST_DIRECT_BODY = 8 * 1024 * 1024 - 1
_PROBE_KEY = "presslift-probe"
_EVENT = "before-send.s3.PutObject"


class DirectPuts:
    """Signed PUTs to one bucket through `s3`'s signer and pool; `put` returns None when it cannot."""

    def __init__(self, s3: BaseClient, base_url: str, signer: Any, http: Any) -> None:
        self._s3, self._base_url, self._signer, self._http = s3, base_url, signer, http
        self._region = s3.meta.region_name
        self._given_up = threading.Event()

    @classmethod
    def for_bucket(cls, s3: Any, bucket: str) -> DirectPuts | None:
        """The direct path for `bucket`, or None when `s3` is not a plain SigV4-signing botocore client."""
        if not isinstance(s3, BaseClient) or s3.meta.service_model.service_name != "s3":
            return None
        signer = getattr(s3, "_request_signer", None)
        http = getattr(getattr(s3, "_endpoint", None), "http_session", None)
        if signer is None or http is None or s3.meta.config.signature_version not in (None, "s3v4", "v4"):
            return None
        if getattr(signer, "_credentials", None) is None:
            return None
        # The client's own endpoint rules name the bucket's URL; presigning sends nothing.
        try:
            presigned = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": _PROBE_KEY})
        except BotoCoreError:
            return None  # put_object will meet the same problem and say what it is
        probe = urlsplit(presigned)
        if not probe.path.endswith("/" + _PROBE_KEY):
            return None
        base_url = f"{probe.scheme}://{probe.netloc}{probe.path[: -len(_PROBE_KEY)]}"
        return cls(s3, base_url, signer, http)

    @property
    def given_up(self) -> bool:
        return self._given_up.is_set()

    def put(self, key: str, body: bytes, headers: Mapping[str, str]) -> str | None:
        """Upload `body` as `key` with `headers`; its ETag, or None if the caller must use `put_object`."""
        if self._given_up.is_set() or len(body) > LARGEST_DIRECT_BODY:
            return None
        request = AWSRequest(
            method="PUT",
            url=self._base_url + percent_encode(key, safe="/~"),
            data=body,
            headers={**headers, "Content-Length": str(len(body))},
        )
        request.context["client_config"] = self._s3.meta.config
        try:
            # Credentials are read (and refreshed when they expire) per request, as botocore does.
            self._signer.get_auth_instance("s3", self._region, "s3v4").add_auth(request)
            prepared = request.prepare()
            answers = self._s3.meta.events.emit(_EVENT, request=prepared)
            response = next((answer for _, answer in answers if answer is not None), None)
            if response is None:
                response = self._http.send(prepared)
        except BotoCoreError:
            self._given_up.set()
            return None
        etag = response.headers.get("ETag")
        if response.status_code != 200 or not etag:
            self._given_up.set()
            return None
        return str(etag).strip('"')
