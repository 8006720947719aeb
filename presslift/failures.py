"""What went wrong, in one line an operator can act on: the errors a command can meet at its edge (the
local cloud not running, no credentials, no region, an unknown profile, AWS refusing a call, a run or
site that does not exist), each with what to do. Anything else is a bug: `explain` returns None and the
command shows the traceback.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from chalicelib.errors import PipelineError

#: AWS error codes that mean "you may not", and those that mean "these credentials are not valid".
REFUSED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden"})
BAD_CREDENTIALS = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidToken",
    }
)
#: An error's code and message in an XML body (`<Code>InvalidClientTokenId</Code>`).
XML_CODE = re.compile(r"<Code>([^<]{1,100})</Code>")
XML_MESSAGE = re.compile(r"<Message>([^<]{0,300})</Message>")
MISSING = frozenset(
    {
        "ResourceNotFoundException",
        "NoSuchBucket",
        "AWS.SimpleQueueService.NonExistentQueue",
        "ParameterNotFound",
    }
)


@dataclass(frozen=True)
class Failure:
    message: str
    exit_code: int = 2


def _local(url: str) -> bool:
    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def explain(exc: BaseException) -> Failure | None:
    """The one line for `exc`, or None when it is not an error an operator can fix (a bug)."""
    from botocore import exceptions as boto

    from presslift.localoptions import LocalCloudError
    from presslift.target import OPERATOR_ATTEMPTS, OPERATOR_READ_TIMEOUT, READ_TIMEOUT_ENV

    if isinstance(exc, (PipelineError, LocalCloudError)):
        return Failure(str(exc))
    if isinstance(exc, boto.EndpointConnectionError):
        url = str(exc.kwargs.get("endpoint_url", ""))
        if _local(url):
            return Failure(
                f"the local cloud is not running (nothing answers at {url}): start it with `presslift up`"
            )
        return Failure(f"cannot reach {url}: check your network and the region (AWS_DEFAULT_REGION)")
    if isinstance(exc, (boto.ReadTimeoutError, boto.ConnectTimeoutError)):
        url = str(exc.kwargs.get("endpoint_url", ""))
        return Failure(
            f"no answer from {url} in time (tried {OPERATOR_ATTEMPTS} times): is it the right endpoint? "
            f"On a slow link, set {READ_TIMEOUT_ENV} (seconds, {OPERATOR_READ_TIMEOUT:.0f} by default)"
        )
    if isinstance(exc, boto.ProfileNotFound):
        profile = exc.kwargs.get("profile")
        return Failure(f"unknown AWS profile {profile!r}: `aws configure list-profiles` lists yours")
    if isinstance(exc, (boto.NoCredentialsError, boto.PartialCredentialsError)):
        return Failure(
            "no AWS credentials: pass --profile, set AWS_PROFILE, or run `aws configure` "
            "(against the local cloud, start it with `presslift up`)"
        )
    if isinstance(exc, boto.NoRegionError):
        return Failure("no AWS region: set AWS_DEFAULT_REGION, or give your profile one (`aws configure`)")
    if isinstance(exc, boto.ClientError):
        error = exc.response.get("Error", {})
        code, message = str(error.get("Code", "")), str(error.get("Message", ""))
        if code.isdigit() and (inner := XML_CODE.search(message)):
            # An error body botocore could not read (XML to a JSON service, as IAM refusals come from
            # the packaged local cloud): its code and message, never the raw XML over two lines.
            code = inner.group(1)
            said = XML_MESSAGE.search(message)
            message = said.group(1) if said else ""
        operation = exc.operation_name
        if code in REFUSED:
            who = os.environ.get("AWS_PROFILE") or "your credentials"
            return Failure(
                f"AWS refused {operation} for {who} ({code}): use an operator's credentials "
                "(README, Security model)"
            )
        if code in BAD_CREDENTIALS:
            return Failure(
                f"AWS did not accept your credentials ({code}): check --profile or renew them (against "
                "`presslift up --packaged`, export the operator keys its banner printed)"
            )
        if code in MISSING:
            return Failure(
                f"{operation}: {message or code}; is the stack deployed (`make deploy`), the --stage right?"
            )
        return Failure(f"AWS {operation} failed ({code}): {message}")
    if isinstance(exc, boto.BotoCoreError):
        return Failure(f"AWS client error: {exc}")
    if isinstance(exc, FileNotFoundError):
        return Failure(f"no such file or folder: {exc.filename}")
    if isinstance(exc, PermissionError):
        return Failure(f"permission denied: {exc.filename}")
    if isinstance(exc, IsADirectoryError):
        return Failure(f"{exc.filename} is a folder, where a file was wanted")
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return Failure(f"{exc.filename}: {exc.strerror.lower() if exc.strerror else exc}; give another path")
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        return Failure("that port is in use by another program: give another --port (or 0 for a free one)")
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        where = f" {exc.filename}" if exc.filename else ""
        return Failure(f"the file system of{where} is read-only: give a path on a writable one")
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO):
        where = f" writing {exc.filename}" if exc.filename else ""
        return Failure(f"{(exc.strerror or str(exc)).lower()}{where}: free space or give another path")
    return None
