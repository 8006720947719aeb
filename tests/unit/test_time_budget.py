"""A stage's time budget: what is left of the invocation, less the margin for recording the outcome."""

import pytest

from chalicelib.budget import MARGIN_SECONDS, TimeBudget
from chalicelib.errors import BuildError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Context:
    """Lambda's context as the handler sees it: the milliseconds left of this invocation."""

    def __init__(self, clock: Clock, timeout_ms: int) -> None:
        self._clock, self._end = clock, clock.now * 1000 + timeout_ms

    def get_remaining_time_in_millis(self) -> int:
        return int(self._end - self._clock.now * 1000)


def test_a_step_gets_what_is_left_of_the_function_less_the_margin():
    clock = Clock()
    budget = TimeBudget.from_context(Context(clock, 900_000), clock=clock)
    clock.now += 58  # a minute of other work (download, the staging render)
    assert budget.allow("Hugo") == 900 - 58 - MARGIN_SECONDS == 812
    assert (
        budget.exhausted("Hugo", 812) == "Hugo did not finish within the 812 s left of this function's 900 s"
    )


def test_a_cap_is_kept_when_the_function_has_more_time():
    clock = Clock()
    budget = TimeBudget.from_context(Context(clock, 900_000), clock=clock)
    assert budget.allow("the check", cap=300) == 300


def test_a_step_with_no_time_left_fails_before_it_starts():
    clock = Clock()
    budget = TimeBudget.from_context(Context(clock, 60_000), clock=clock)
    clock.now += 45
    with pytest.raises(BuildError, match="no time was left for Pagefind in this function's 60 s"):
        budget.allow("Pagefind")


def test_outside_lambda_the_budget_is_a_fresh_functions():
    clock = Clock()
    assert TimeBudget.from_context(None, clock=clock).allow("Hugo") == 900 - MARGIN_SECONDS
