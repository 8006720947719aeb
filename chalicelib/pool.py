"""A thread pool whose tasks run in the context of the code that submitted them.

A `concurrent.futures.ThreadPoolExecutor` runs each task in its worker thread's own context, so the
contextvars of the submitter (the log fields of `logs.log_context`, the request counting of
`requestcount.counting`) are lost there. `ContextPool` runs each task in a copy of the submitter's
context, taken when it is submitted (`map` submits too). Every pool of the pipeline's work is one.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class ContextPool(ThreadPoolExecutor):
    """A ThreadPoolExecutor that carries the submitter's contextvars into each task."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        context = contextvars.copy_context()
        return super().submit(context.run, fn, *args, **kwargs)
