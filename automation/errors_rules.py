from mecto.errors import DomainError


class AutomationError(DomainError):
    """An automation, step or run that breaks a rule; the message is for the coach."""
