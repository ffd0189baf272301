"""Domain errors: raised by services, shown as 400 in the API and beside the field on pages."""


class DomainError(Exception):
    """A rule of the business was broken by the input; the message is for the user."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = str(message)
        self.field = field
        self.code = code

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [self.message]}


class PermissionDenied(DomainError):
    """The actor may not do this (role or plan limit)."""
