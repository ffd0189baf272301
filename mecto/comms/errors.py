class SendError(Exception):
    """The provider refused or failed to take a message.

    `temporary`: the provider did not take it and trying again later may work (rate limit,
    outage). Otherwise the message is failed for good (a bad number, a rejected sender)."""

    def __init__(self, message: str, *, temporary: bool = False):
        super().__init__(message)
        self.temporary = temporary


class WebhookRejected(Exception):
    """A request to a provider webhook that we cannot prove came from the provider: unsigned,
    wrongly signed, too old, or our key for it is not configured. The reason is for the log."""
