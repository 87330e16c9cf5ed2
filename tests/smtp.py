"""A real SMTP server for tests (aiosmtpd, in-process), which a test can start late to play
a mail server coming back."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from valuma_space.mail.transports import OutgoingMail, SmtpTransport


@dataclass
class Collector:
    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(
                email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP server on a fixed free port that a test can start late, as a server coming back."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.collector = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def config(self) -> dict[str, Any]:
        """Settings that point the app at this server."""
        return {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_DEFAULT_SENDER": "valuma@test.example",
        }

    @property
    def messages(self) -> list[Message]:
        with self.collector.lock:
            return list(self.collector.messages)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class SilentServer:
    """Accepts connections and never says a word: a mail server that hangs. Port 0 picks a free
    one; a given port is taken over even if it was just let go."""

    def __init__(self, port: int = 0) -> None:
        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", port))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                self.held.append(self.socket.accept()[0])
            except OSError:
                return

    def stop(self) -> None:
        self.socket.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread, frees the port
        self.socket.close()
        self.thread.join(timeout=5)
        for connection in self.held:
            connection.close()


def parts(message: Message) -> dict[str, str]:
    parts = {}
    for part in message.walk():
        if part.get_content_type() in {"text/plain", "text/html"}:
            parts[part.get_content_type()] = part.get_payload(decode=True).decode(
                part.get_content_charset() or "utf-8"
            )
    return parts


class RecordingSmtpTransport(SmtpTransport):
    """Sends through the SMTP server and also keeps what it sent, so that the sign-in helpers
    (tests/helpers.py) find their links while the notifications go through real SMTP."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []

    def send(self, message: OutgoingMail) -> None:
        super().send(message)
        self.sent.append(message)
