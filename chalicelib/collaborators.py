"""What the pipeline's moves need, each as narrow as it is: the run and site records, the queue the
next step goes on, the clock, the notifier. `Services` (the one factory) provides every one of them; a
test or the local cloud may hand a move anything that has what it declares.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from chalicelib.runs import RunStore
from chalicelib.sites import SiteStore

if TYPE_CHECKING:
    from chalicelib.notify import Notifier

#: Now, as an aware UTC time (tests set it).
Clock = Callable[[], datetime]


class Queue(Protocol):
    """Where the next step goes: `role`'s queue, in order per `group` and once per `dedup` when FIFO."""

    def send(self, role: str, body: str, *, group: str, dedup: str) -> None: ...


class Records(Protocol):
    """The run records and the site records (registrations, generations, deploy claims)."""

    @property
    def runs(self) -> RunStore: ...

    @property
    def sites(self) -> SiteStore: ...


class RecordsAndClock(Records, Protocol):
    """The records, and the time the moves that expire or decide approvals read."""

    @property
    def clock(self) -> Clock: ...


class Deciding(RecordsAndClock, Queue, Protocol):
    """What a person's decision needs: the records, the time, and the queue prod's deploy goes on."""


class Reporting(Records, Protocol):
    """The records, and who tells people how a run went."""

    @property
    def notifier(self) -> Notifier: ...
