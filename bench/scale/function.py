"""One Lambda invocation in this process, as the local cloud makes it: the app's own handler for a
function, given the SQS event Lambda would build for one message, with a context counting down from
the function's configured timeout. Prints the handler's answer as JSON on the last line of stdout.

Run: `python -m bench.scale.function FUNCTION QUEUE_ARN MESSAGE_FILE` (the message as SQS returned
it, JSON). Benchmark-only code: the environment (endpoint, resource names) comes from the parent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from presslift.localcloud import load_app
from presslift.localcloud.dispatcher import lambda_event, sqs_wiring


def main(argv: list[str]) -> int:
    function, queue_arn, message_file = argv
    message = json.loads(Path(message_file).read_text())
    (wiring,) = [w for w in sqs_wiring(load_app()) if w.function == function]
    answer = wiring.handler(lambda_event([message], queue_arn, "us-east-1"), wiring.context())
    print(json.dumps(answer))
    failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
