"""The runtime loop inside a packaged function's process (Python 3.12, standard library only).

Started as `python3.12 -I bootstrap.py` with the function's environment, as Lambda's runtime starts
a function: `LAMBDA_TASK_ROOT` (the unzipped deployment package) first on `sys.path`, `_HANDLER`
naming `module.function`. Reads one invocation per line on stdin ({"event", "deadline_ms",
"request_id"}), calls the handler with a Lambda-shaped context and answers one line on the file
descriptor in `PRESSLIFT_REPLY_FD`: {"result": ...} or {"error": {"type", "message", "trace"}}. The
function's own output goes to stdout/stderr, which the parent writes to the function's log.

It also notes every AWS call the function makes (service, operation, and the error code of any that
failed) in the log, so a test can find an `AccessDenied` that the code caught and turned into
something else. It must never import anything from the project or outside the runtime.
"""

import importlib
import json
import os
import sys
import threading
import time
import traceback


class Context:
    def __init__(self, request_id: str, deadline_ms: int) -> None:
        self.aws_request_id = request_id
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        region = os.environ.get("AWS_REGION", "us-east-1")
        self.invoked_function_arn = f"arn:aws:lambda:{region}:123456789012:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _trace_aws_calls() -> None:
    try:
        from botocore.client import BaseClient
        from botocore.exceptions import ClientError
    except ImportError:
        return
    original = BaseClient._make_api_call
    lock = threading.Lock()

    def note(line: str) -> None:
        with lock:  # one whole line per call, whatever the function's threads do
            sys.stderr.write(line)
            sys.stderr.flush()

    def traced(self, operation_name, api_params):  # type: ignore[no-untyped-def]
        service = self.meta.service_model.service_name
        try:
            result = original(self, operation_name, api_params)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            note(f"[aws] {service}:{operation_name} failed: {code}\n")
            raise
        note(f"[aws] {service}:{operation_name}\n")
        return result

    BaseClient._make_api_call = traced


def main() -> None:
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    sys.path.insert(0, task_root)
    os.chdir(task_root)
    reply = os.fdopen(int(os.environ["PRESSLIFT_REPLY_FD"]), "w", buffering=1)
    _trace_aws_calls()
    module_name, function_name = os.environ["_HANDLER"].rsplit(".", 1)
    try:
        handler = getattr(importlib.import_module(module_name), function_name)
        init_error = None
    except Exception as exc:  # Lambda reports an init error on every invocation
        handler, init_error = None, exc
        traceback.print_exc()
    for line in sys.stdin:
        request = json.loads(line)
        print(f"START RequestId: {request['request_id']}", flush=True)
        try:
            if init_error is not None:
                raise init_error
            result = handler(request["event"], Context(request["request_id"], request["deadline_ms"]))
            answer = {"result": result}
        except Exception as exc:
            trace = traceback.format_exc()
            print(trace, file=sys.stderr, flush=True)
            answer = {"error": {"type": type(exc).__name__, "message": str(exc), "trace": trace}}
        print(f"END RequestId: {request['request_id']}", flush=True)
        reply.write(json.dumps(answer, default=str) + "\n")


if __name__ == "__main__":
    main()
