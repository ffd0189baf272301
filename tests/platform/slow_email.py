"""An email backend for the worker test: the file backend behind a slow "network call",
so a worker can be killed while it is handing a message to the provider."""

import time

from mecto.comms.email_backends import FileBackend


class SlowFileBackend(FileBackend):
    def send_messages(self, email_messages) -> int:
        time.sleep(0.4)
        return super().send_messages(email_messages)
