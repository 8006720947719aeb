"""API Gateway's REST API in front of the API function, as the local cloud's front door plays it.

An HTTP request becomes the Lambda proxy event (payload format 1.0) that API Gateway sends for the
stage `api`: the stage prefix is part of the URL (`/api/runs`) and of `requestContext.path`, while
`resource`, `path` and `requestContext.resourcePath` are the route's own (`/runs`). A path that no
route matches, or a method the route does not define, gets API Gateway's own 403 `Missing
Authentication Token` and never reaches the function. A method whose authorization is `AWS_IAM` (an
operator route: Chalice's `IAMAuthorizer`) reaches it only with a valid SigV4 signature (service
`execute-api`) by a key the gateway knows, else API Gateway's 403; the event then carries the caller in
`requestContext.identity`. The function's proxy response becomes status, headers and bytes, merged as
API Gateway merges `headers` and `multiValueHeaders`.

This module must never call the app or import `chalicelib`: the function is whatever `invoke` runs (the
app in this process, or the packaged function in another one), so both modes see the same events.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import unquote, urlsplit

from chalice.local import RouteMatcher

from presslift import signing
from presslift.localoptions import API_STAGE

STAGE = API_STAGE
#: The account and API id that local events carry (moto's default account; an id in API Gateway's form).
ACCOUNT_ID = "123456789012"
API_ID = "presslift1"
#: What a Chalice app declares by default (`app.api.binary_types`); the packaged template lists the same.
DEFAULT_BINARY_TYPES: tuple[str, ...] = (
    "application/octet-stream",
    "application/x-tar",
    "application/zip",
    "audio/basic",
    "audio/ogg",
    "audio/mp4",
    "audio/mpeg",
    "audio/wav",
    "audio/webm",
    "image/png",
    "image/jpg",
    "image/jpeg",
    "image/gif",
    "video/ogg",
    "video/mpeg",
    "video/webm",
)
ANY_METHOD = "*"
#: A method's `authorizationType`, as API Gateway names it.
IAM = "AWS_IAM"
NONE = "NONE"

ProxyEvent = dict[str, Any]
Invoke = Callable[[ProxyEvent], Mapping[str, Any]]
#: Route pattern -> its methods, each with its authorization type (`AWS_IAM` or `NONE`).
Routes = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class HttpRequest:
    """One request as it reached the front door: `target` is the path and query as sent."""

    method: str
    target: str
    headers: Sequence[tuple[str, str]]
    body: bytes = b""
    source_ip: str = "127.0.0.1"
    port: int = 443
    scheme: str = "https"
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


@dataclass(frozen=True)
class Match:
    resource: str
    path: str
    path_parameters: dict[str, str]
    authorization: str = NONE


def missing_token(request_id: str) -> HttpResponse:
    """API Gateway's answer to a path or method its API does not define."""
    return _error(403, "Missing Authentication Token", "MissingAuthenticationTokenException", request_id)


def bad_gateway(request_id: str) -> HttpResponse:
    """API Gateway's answer when the function fails or returns something that is not a proxy response."""
    return _error(502, "Internal server error", "InternalServerErrorException", request_id)


def refused(refusal: signing.Refusal, request_id: str) -> HttpResponse:
    """API Gateway's 403 for an `AWS_IAM` method called unsigned, or signed wrongly or by a stranger."""
    return _error(403, refusal.message, refusal.error_type, request_id)


def _error(status: int, message: str, error_type: str, request_id: str) -> HttpResponse:
    headers = [
        ("Content-Type", "application/json"),
        ("x-amzn-RequestId", request_id),
        ("x-amzn-ErrorType", error_type),
    ]
    return HttpResponse(status, headers, json.dumps({"message": message}).encode())


def _route_table(routes: Iterable[str] | Mapping[str, Collection[str]]) -> dict[str, dict[str, str]]:
    """Each path's methods with their authorization (`NONE` unless a mapping of methods says otherwise)."""
    if isinstance(routes, Mapping):
        return {
            path: {
                method.upper(): (methods[method] if isinstance(methods, Mapping) else NONE)
                for method in methods
            }
            for path, methods in routes.items()
        }
    return {path: {ANY_METHOD: NONE} for path in routes}


class Gateway:
    """A REST API with one stage whose every route is a proxy integration of one function.

    `routes` are the route patterns (`/runs/{run_id}`), optionally with the methods each defines (and,
    as a mapping, each method's authorization type); with a plain list, every method of a known path
    reaches the function (which then answers 405 itself). `identities` are the keys that may sign
    `AWS_IAM` methods (access key id -> secret); with none, every such request is refused.
    """

    def __init__(
        self,
        routes: Iterable[str] | Mapping[str, Collection[str]],
        *,
        stage: str = STAGE,
        binary_types: Iterable[str] = DEFAULT_BINARY_TYPES,
        identities: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.routes = _route_table(routes)
        self.identities = dict(identities or {})
        self.stage = stage
        self.binary_types = tuple(binary_types)
        self._matcher = RouteMatcher(list(self.routes))
        self._clock = clock

    def match(self, method: str, path: str) -> Match | None:
        """The route that `path` (with the stage prefix, without the query) reaches, or None."""
        prefix = f"/{self.stage}"
        if path != prefix and not path.startswith(prefix + "/"):
            return None
        resource_path = path[len(prefix) :] or "/"
        try:
            found = self._matcher.match_route(resource_path)
        except ValueError:
            return None
        methods = self.routes[found.route]
        authorization = methods.get(method.upper(), methods.get(ANY_METHOD))
        if authorization is None:
            return None
        parameters = {name: unquote(value) for name, value in found.captured.items()}
        if any(not value for value in parameters.values()):
            return None  # API Gateway never matches an empty path segment to a parameter
        return Match(found.route, unquote(resource_path), parameters, authorization)

    def handle(self, request: HttpRequest, invoke: Invoke) -> HttpResponse:
        """What API Gateway answers: its own 403, or the function's response (502 if it fails)."""
        request_id = str(uuid.uuid4())
        match = self.match(request.method, urlsplit(request.target).path)
        if match is None:
            return missing_token(request_id)
        caller = None
        if match.authorization == IAM:
            verified = self.verify(request)
            if isinstance(verified, signing.Refusal):
                return refused(verified, request_id)
            caller = verified
        event = self.event(request, match, request_id=request_id, caller=caller)
        try:
            reply = invoke(event)
        except Exception:
            return bad_gateway(request_id)
        return http_response(reply, request_id)

    def verify(self, request: HttpRequest) -> signing.Caller | signing.Refusal:
        """Whether a known identity signed `request` (for the URL it was sent to, at this front door)."""
        host = next((value for name, value in request.headers if name.lower() == "host"), "")
        url = f"{request.scheme}://{host}{request.target}"
        return signing.verify(
            request.method, url, request.headers, request.body, self.identities, clock=self._clock
        )

    def event(
        self,
        request: HttpRequest,
        match: Match,
        *,
        request_id: str | None = None,
        caller: signing.Caller | None = None,
    ) -> ProxyEvent:
        """The proxy event API Gateway sends for `request` on `match` (signed by `caller`, if IAM)."""
        request_id = request_id or str(uuid.uuid4())
        now = self._clock()
        headers = forwarded_headers(request, now)
        single, multi = header_maps(headers)
        query, multi_query = query_maps(urlsplit(request.target).query)
        body, is_base64 = self.encode_body(request.body, single)
        host = next((value for name, value in headers if name.lower() == "host"), "")
        context = {
            "resourceId": secrets.token_hex(3),
            "resourcePath": match.resource,
            "httpMethod": request.method,
            "extendedRequestId": base64.b64encode(secrets.token_bytes(12)).decode(),
            "requestTime": _request_time(now),
            "path": urlsplit(request.target).path,
            "accountId": ACCOUNT_ID,
            "protocol": request.protocol,
            "stage": self.stage,
            "domainPrefix": host.split(".", 1)[0],
            "requestTimeEpoch": int(now * 1000),
            "requestId": request_id,
            "identity": _identity(request.source_ip, single, caller),
            "domainName": host,
            "apiId": API_ID,
        }
        return {
            "resource": match.resource,
            "path": match.path,
            "httpMethod": request.method,
            "headers": single or None,
            "multiValueHeaders": multi or None,
            "queryStringParameters": query,
            "multiValueQueryStringParameters": multi_query,
            "pathParameters": match.path_parameters or None,
            "stageVariables": None,
            "requestContext": context,
            "body": body,
            "isBase64Encoded": is_base64,
        }

    def encode_body(self, body: bytes, headers: Mapping[str, str]) -> tuple[str | None, bool]:
        """The body as API Gateway passes it: text, or base64 for binary media types and non-UTF-8 bytes."""
        if not body:
            return None, False
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        media_type = content_type.split(";", 1)[0].strip().lower()
        if not any(fnmatchcase(media_type, pattern.lower()) for pattern in self.binary_types):
            try:
                return body.decode("utf-8"), False
            except UnicodeDecodeError:
                pass  # API Gateway would mangle it; base64 keeps the bytes and Chalice decodes either
        return base64.b64encode(body).decode("ascii"), True


def _request_time(now: float) -> str:
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now))


def _identity(
    source_ip: str, headers: Mapping[str, str], caller: signing.Caller | None = None
) -> dict[str, Any]:
    user_agent = next((v for k, v in headers.items() if k.lower() == "user-agent"), None)
    empty = (
        "cognitoIdentityPoolId",
        "accountId",
        "cognitoIdentityId",
        "caller",
        "apiKey",
        "principalOrgId",
        "accessKey",
        "cognitoAuthenticationType",
        "cognitoAuthenticationProvider",
        "userArn",
        "user",
    )
    identity = {**dict.fromkeys(empty), "sourceIp": source_ip, "userAgent": user_agent}
    if caller is not None:
        # What API Gateway adds for an IAM-authorized call. The local cloud knows keys, not IAM user names:
        # the key id stands in for the user id, as the caller's name in its ARN.
        identity.update(
            accountId=ACCOUNT_ID,
            accessKey=caller.access_key,
            caller=caller.access_key,
            user=caller.access_key,
            userArn=f"arn:aws:iam::{ACCOUNT_ID}:user/{caller.access_key}",
        )
    return identity


def forwarded_headers(request: HttpRequest, now: float) -> list[tuple[str, str]]:
    """The request's headers with those API Gateway adds (X-Forwarded-*, X-Amzn-Trace-Id) in its place."""
    added = {"x-forwarded-for", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"}
    kept = [(name, value) for name, value in request.headers if name.lower() not in added]
    forwarded_for = [value for name, value in request.headers if name.lower() == "x-forwarded-for"]
    chain = ", ".join([*forwarded_for, request.source_ip])
    trace = f"Root=1-{int(now):08x}-{secrets.token_hex(12)}"
    return [
        *kept,
        ("X-Amzn-Trace-Id", trace),
        ("X-Forwarded-For", chain),
        ("X-Forwarded-Port", str(request.port)),
        ("X-Forwarded-Proto", request.scheme),
    ]


def header_maps(headers: Iterable[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """`headers` (the last value of each name) and `multiValueHeaders` (all of them, in order)."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in headers:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def query_maps(query: str) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    """`queryStringParameters` (last value wins) and `multiValueQueryStringParameters`; None when empty."""
    multi: dict[str, list[str]] = {}
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        multi.setdefault(unquote(name), []).append(unquote(value))
    if not multi:
        return None, None
    return {name: values[-1] for name, values in multi.items()}, multi


def http_response(reply: Mapping[str, Any], request_id: str = "") -> HttpResponse:
    """The function's proxy response as the client gets it; a malformed one is API Gateway's 502."""
    status = reply.get("statusCode") if isinstance(reply, Mapping) else None
    if not isinstance(status, int) or isinstance(status, bool):
        return bad_gateway(request_id)
    try:
        headers = merged_headers(reply.get("headers") or {}, reply.get("multiValueHeaders") or {})
        body = reply.get("body")
        if body is None:
            data = b""
        elif reply.get("isBase64Encoded"):
            data = base64.b64decode(str(body), validate=True)
        else:
            data = str(body).encode("utf-8")
    except (AttributeError, TypeError, ValueError, binascii.Error):
        return bad_gateway(request_id)
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))  # API Gateway's default
    headers.append(("x-amzn-RequestId", request_id or str(uuid.uuid4())))
    return HttpResponse(status, headers, data)


def merged_headers(single: Mapping[str, Any], multi: Mapping[str, Iterable[Any]]) -> list[tuple[str, str]]:
    """API Gateway merges both maps; a value given in both appears once (multiValueHeaders' copy)."""
    merged: dict[str, tuple[str, list[str]]] = {}
    for name, values in multi.items():
        merged.setdefault(name.lower(), (name, []))[1].extend(str(value) for value in values)
    for name, value in single.items():
        values = merged.setdefault(name.lower(), (name, []))[1]
        if str(value) not in values:
            values.append(str(value))
    return [(name, value) for name, values in merged.values() for value in values]


def routes_from_template(sam: Mapping[str, Any]) -> list[str]:
    """The route patterns of the packaged API: the paths of the `RestAPI` resource's definition."""
    return list(_definition(sam)["paths"])


def route_methods_from_template(sam: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Each route pattern with the methods the packaged API defines for it, each with its authorization:
    `AWS_IAM` when the method's `security` names a scheme whose `x-amazon-apigateway-authtype` is
    `awsSigv4` (what Chalice writes for `IAMAuthorizer`), else `NONE`."""
    definition = _definition(sam)
    schemes = definition.get("securityDefinitions", {})
    sigv4 = {
        name for name, scheme in schemes.items() if scheme.get("x-amazon-apigateway-authtype") == "awsSigv4"
    }

    def authorization(operation: Mapping[str, Any]) -> str:
        named = {name for requirement in operation.get("security", []) for name in requirement}
        return IAM if named & sigv4 else NONE

    return {
        path: {
            method.upper(): authorization(operation)
            for method, operation in operations.items()
            if not method.startswith("x-")
        }
        for path, operations in definition["paths"].items()
    }


def binary_types_from_template(sam: Mapping[str, Any]) -> list[str]:
    return list(_definition(sam).get("x-amazon-apigateway-binary-media-types", []))


def _definition(sam: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = sam["Resources"]["RestAPI"]["Properties"]
    definition = properties.get("DefinitionBody") or properties["Body"]
    return dict(definition)
