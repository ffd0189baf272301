from mecto.errors import DomainError


class AutomationError(DomainError):
    """An automation, step or run that breaks a rule; the message is for the coach.

    `step_field` names the setting of a step the message is about (template, days, time…), so
    the builder page can show it beside that input while the API keeps `steps` as the field."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid", step_field: str = ""):
        super().__init__(message, field=field, code=code)
        self.step_field = step_field
