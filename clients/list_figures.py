"""The figures of the clients list that answer "who needs me today": when the client was
last active, when their program ends, how many of the last fortnight's workouts they did,
unread messages, overdue check-ins and invoices, and session credits left.

Each figure is one correlated subquery on the client row, so the list stays one query
however many clients it shows. The figures that belong to apps above clients (workouts,
invoices, credits) are registered by those apps at `AppConfig.ready()`:

    register("program_ends_on", lambda *, now, user: Subquery(...OuterRef("pk")...))

A figure no app registered reads as empty (None).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import models
from django.db.models import Count, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

# How the clients app asks the apps above it for their figures (and what type each is).
REGISTERED = {
    "last_workout_at": models.DateTimeField(),
    "program_ends_on": models.DateField(),
    "workouts_scheduled": models.IntegerField(),
    "workouts_done": models.IntegerField(),
    # The percentage of `workouts_done` in `workouts_scheduled` (None with none scheduled),
    # registered on its own so a sort by it reads each client's workouts once.
    "adherence": models.IntegerField(),
    "overdue_invoices": models.IntegerField(),
    "credits_left": models.IntegerField(),
}
# The window of the adherence figure, in days up to today in the client's time zone.
ADHERENCE_DAYS = 14

_figures: dict[str, Callable] = {}


def register(key: str, build: Callable) -> Callable:
    """`build(*, now, user) -> Expression` on a Client queryset (correlated on `OuterRef("pk")`)."""
    if key not in REGISTERED:
        raise ValueError(f"Unknown client list figure: {key}")
    _figures[key] = build
    return build


def count_of(queryset, field: str = "client") -> Subquery:
    """A correlated count of `queryset` per client (0 when none), as one scalar subquery."""
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), Value(0))


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def with_figures(queryset, *, now: datetime.datetime, user):
    """The Client queryset with every figure annotated, for the viewing `user` (their unread
    messages) at `now`; `adherence` is the percentage done (None with nothing scheduled)."""
    from django.db.models.functions import Greatest, NullIf

    from .models import CheckIn, Message, ThreadRead

    figures = {
        key: build(now=now, user=user) if (build := _figures.get(key)) else Value(None, output_field=field)
        for key, field in REGISTERED.items()
    }
    read_up_to = ThreadRead.objects.filter(thread=OuterRef("thread_id"), user=user).values("last_read_at")[:1]
    unread = (
        Message.objects.filter(client=OuterRef("pk"), from_client=True)
        .annotate(read_up_to=Coalesce(Subquery(read_up_to), Value(_EPOCH)))
        .filter(created_at__gt=models.F("read_up_to"))
    )
    last_message = (
        Message.objects.filter(client=OuterRef("pk"), from_client=True)
        .order_by()
        .values("client")
        .annotate(at=Max("created_at"))
        .values("at")
    )
    overdue_checkins = CheckIn.objects.filter(client=OuterRef("pk"), status=CheckIn.Status.DUE, overdue_at__lte=now)
    # GREATEST is NULL on SQLite when any argument is: compare with the epoch standing in for "never".
    last_active = NullIf(
        Greatest(
            Coalesce("user__last_login", Value(_EPOCH)),
            Coalesce(Subquery(last_message, output_field=models.DateTimeField()), Value(_EPOCH)),
            Coalesce(figures.pop("last_workout_at"), Value(_EPOCH)),
        ),
        Value(_EPOCH),
    )
    return queryset.annotate(
        last_active_at=last_active,
        unread_messages=count_of(unread),
        overdue_checkins=count_of(overdue_checkins),
        **figures,
    )
