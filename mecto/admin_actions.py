"""The back office's bulk actions: run one service on each selected row and say which rows
it refused and why, instead of stopping at the first refusal or hiding it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.utils.translation import ngettext

from mecto.errors import DomainError

SHOWN_REFUSALS = 10


def run_each(
    modeladmin, request, rows: Iterable, action: Callable, *, done: str | Callable[[int], str] = ""
) -> tuple[int, int]:
    """Apply `action(row)` (a service call) to each row; each row is its own transaction in
    the service, so one refusal leaves the others done. `done` is a message with `%(n)s`, or
    `lambda n: ngettext(...)` for a message that agrees with the count. Returns (done, refused)."""
    count, refused = 0, []
    for row in rows:
        try:
            action(row)
        except DomainError as exc:
            refused.append(f"{row}: {exc.message}")
        else:
            count += 1
    if count:
        if callable(done):
            text = done(count)
        elif done:
            text = done % {"n": count}
        else:
            text = ngettext("%(n)s row done.", "%(n)s rows done.", count) % {"n": count}
        modeladmin.message_user(request, text, messages.SUCCESS)
    for line in refused[:SHOWN_REFUSALS]:
        modeladmin.message_user(request, line, messages.WARNING)
    if len(refused) > SHOWN_REFUSALS:
        more = len(refused) - SHOWN_REFUSALS
        text = ngettext("%(n)s more row was refused.", "%(n)s more rows were refused.", more) % {"n": more}
        modeladmin.message_user(request, text, messages.WARNING)
    return count, len(refused)
