"""Approval and notification emails of the local cloud, written to `.presslift/outbox/`.

SNS cannot send email from a laptop, so the local cloud subscribes a queue to the approvals topic (a
real SNS-to-SQS subscription in moto) and turns every message into one `.eml` file, printing its
subject and links. What would reach a mailbox in AWS reaches this folder, byte for byte the same text.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Email:
    path: Path
    subject: str
    body: str

    @property
    def links(self) -> list[str]:
        return LINK.findall(self.body)


class Outbox(threading.Thread):
    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        folder: Path,
        stop: threading.Event,
        *,
        on_email: Callable[[Email], None],
    ) -> None:
        super().__init__(name="outbox", daemon=True)
        self._sqs = sqs
        self._url = queue_url
        self.folder = folder
        self._halt = stop
        self._on_email = on_email
        self._count = len(list(folder.glob("*.eml"))) if folder.exists() else 0

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self.poll_once(wait_seconds=1)
            except Exception:
                if not self._halt.is_set():
                    self._halt.wait(1)

    def poll_once(self, wait_seconds: int = 0) -> list[Email]:
        response = self._sqs.receive_message(
            QueueUrl=self._url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds
        )
        written = []
        for message in response.get("Messages", []):
            try:
                envelope = json.loads(message["Body"])
                email = self._write(envelope.get("Subject") or "(no subject)", envelope.get("Message", ""))
            except (ValueError, AttributeError):
                email = None  # not an SNS envelope: nothing to deliver
            # Delivered once, whatever showing it did: a failing display wrote the same email again
            # every half minute, forever (the message came back after its visibility timeout).
            self._sqs.delete_message(QueueUrl=self._url, ReceiptHandle=message["ReceiptHandle"])
            if email is not None:
                written.append(email)
                self._show(email)
        return written

    def _show(self, email: Email) -> None:
        # The terminal's trouble is not the email's: it is in the outbox folder either way.
        with contextlib.suppress(Exception):
            self._on_email(email)

    def _write(self, subject: str, body: str) -> Email:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._count += 1
        message = EmailMessage()
        message["From"] = "Presslift <presslift@localhost>"
        message["To"] = "approvers@localhost"
        message["Date"] = formatdate(localtime=True)
        message["Subject"] = subject
        message.set_content(body)
        slug = re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-")[:60]
        path = self.folder / f"{self._count:04d}-{slug}.eml"
        path.write_bytes(bytes(message))
        return Email(path, subject, body)
