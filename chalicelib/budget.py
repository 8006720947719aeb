"""How long a stage's long step may take: what is left of this Lambda invocation, less a margin.

A step with a fixed timeout can outlive its function (Hugo's 600 s after 400 s of other work in a
900 s function): Lambda then kills the process mid-step, and the run records nothing. So each long
step (a Hugo render, Pagefind, a code site's check command, waiting for an invalidation) asks the
`TimeBudget` how long it may run, and fails with a message that says so when that runs out, while
there is still time to record the failure. The budget is made once per invocation from the Lambda
context and passed down; this module never reads a global clock of its own or the context itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from chalicelib.errors import BuildError

#: Kept back from every step for recording its outcome after it: a few DynamoDB writes, a log upload,
#: an SNS email, a GitHub commit status (a 10 s timeout of its own) and the retry's visibility change.
MARGIN_SECONDS = 30.0
#: Outside Lambda (the CLI, tests calling the pipeline directly): as if in a fresh 900 s function.
DEFAULT_FUNCTION_SECONDS = 900


class LambdaContext(Protocol):
    def get_remaining_time_in_millis(self) -> int: ...


@dataclass(frozen=True)
class TimeBudget:
    """The time the steps of one invocation may still use (until `deadline`, on `clock`)."""

    deadline: float
    function_seconds: int
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    @classmethod
    def from_context(
        cls, context: Any, *, margin: float = MARGIN_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> TimeBudget:
        """From Lambda's context (or the local dispatcher's); without one, a fresh default function's."""
        if context is None or not hasattr(context, "get_remaining_time_in_millis"):
            return cls.starting_now(DEFAULT_FUNCTION_SECONDS, margin=margin, clock=clock)
        remaining = context.get_remaining_time_in_millis() / 1000
        # At the handler's start what remains is, to the second, the function's configured timeout.
        return cls(clock() + remaining - margin, round(remaining), clock)

    @classmethod
    def starting_now(
        cls, seconds: float, *, margin: float = MARGIN_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> TimeBudget:
        return cls(clock() + seconds - margin, round(seconds), clock)

    def left(self) -> float:
        """Seconds a step starting now may take (never negative)."""
        return max(0.0, self.deadline - self.clock())

    def allow(self, what: str, *, cap: float | None = None) -> float:
        """Seconds `what` may take (at most `cap`); BuildError when there is no time left for it."""
        seconds = self.left()
        if seconds < 1:
            raise BuildError(
                f"no time was left for {what} in this function's {self.function_seconds} s "
                f"(the last {MARGIN_SECONDS:.0f} s are kept to record the outcome)"
            )
        return seconds if cap is None else min(seconds, cap)

    def exhausted(self, what: str, seconds: float) -> str:
        """The message for a step stopped after the `seconds` it was allowed."""
        left = f"the {seconds:.0f} s left of this function's {self.function_seconds} s"
        return f"{what} did not finish within {left}"
