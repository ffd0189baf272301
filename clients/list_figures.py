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


# --- The figures of one page -------------------------------------------------------------------------
# A list that neither filters nor sorts by a figure pages the plain, indexed client query and
# reads the figures of that page's clients only, in one query. That query's SQL depends only on
# the number of clients asked for (and the figures registered), not on who, when or which
# business: it is built and compiled once per process and shape and run again with new
# parameters. Each parameter of the compiled SQL is told apart by building it twice with two
# sets of stand-in values: a position that follows the stand-ins is one of the slots below, a
# position that stays the same is a constant; a build that cannot be told apart this way is not
# kept (the figures are then read through the ORM each time).
NAMES = ("last_active_at", "unread_messages", "overdue_checkins", *(k for k in REGISTERED if k != "last_workout_at"))

_plans: dict[tuple, object] = {}
_PLANS_KEPT = 32


def _figures_queryset(ids, *, organization, now, user):
    from .models import Client

    return with_figures(
        Client.objects.for_org(organization).filter(pk__in=list(ids)).order_by(), now=now, user=user
    ).values("pk", *NAMES)


def _slots(now, user_id, org_id, ids, connection) -> list[tuple[object, object]]:
    """(slot, value as compiled) for each value that changes from one request to the next."""
    start = now - datetime.timedelta(days=ADHERENCE_DAYS)
    slots = []
    for name, moment in (("now", now), ("start", start)):
        slots.append((name, moment))
        slots.append((("adapted", name), connection.ops.adapt_datetimefield_value(moment)))
    slots += [("user", user_id), ("org", org_id)]
    slots += [(("id", i), pk) for i, pk in enumerate(ids)]
    return slots


def _slot_value(slot, now, user_id, org_id, ids, connection):
    if isinstance(slot, tuple) and slot[0] == "id":
        return ids[slot[1]]
    if slot == "user":
        return user_id
    if slot == "org":
        return org_id
    name = slot[1] if isinstance(slot, tuple) else slot
    moment = now if name == "now" else now - datetime.timedelta(days=ADHERENCE_DAYS)
    return connection.ops.adapt_datetimefield_value(moment) if isinstance(slot, tuple) else moment


def _stand_ins(n: int, seed: int):
    from accounts.models import Organization, User

    base = 9_100_000_000_000 + seed * 1_000_000
    now = datetime.datetime(2001 + seed, 2, 3, 4, 5, 6, 7 + seed, tzinfo=datetime.UTC)
    user, org = User(pk=base + 1), Organization(pk=base + 2)
    return now, user, org, [base + 1000 + i for i in range(n)]


def _match(value, slots):
    for slot, candidate in slots:
        if type(value) is type(candidate) and value == candidate:
            return slot
    return None


def _build_plan(n: int, connection):
    """(sql, [slot or ("const", value)], names, converters), or None when not tellable apart."""
    compiled = []
    for seed in (0, 1):
        now, user, org, ids = _stand_ins(n, seed)
        query = _figures_queryset(ids, organization=org, now=now, user=user).query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        compiled.append((compiler, sql, params, _slots(now, user.pk, org.pk, ids, connection)))
    (compiler, sql, params, slots), (_c, sql_b, params_b, slots_b) = compiled
    if sql != sql_b or len(params) != len(params_b):
        return None
    plan = []
    for value, value_b in zip(params, params_b, strict=True):
        slot = _match(value, slots)
        if slot is None:
            if _match(value_b, slots_b) is not None or type(value) is not type(value_b) or value != value_b:
                return None
            plan.append(("const", value))
        elif _match(value_b, slots_b) != slot:
            return None
        else:
            plan.append(("slot", slot))
    query = compiler.query
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    converters = compiler.get_converters([column[0] for column in compiler.select])
    return sql, plan, names, converters


def _run(connection, sql: str, params: list) -> list[tuple]:
    """Run the kept SQL. On PostgreSQL it is a prepared statement of the connection (bound on
    the server): planned once per connection rather than on every request, which was most of
    the query's cost; elsewhere, or with `DATABASE_PREPARED_STATEMENTS` off (a pooler that
    cannot keep them), through Django's cursor."""
    from django.conf import settings

    if connection.vendor != "postgresql" or not getattr(settings, "DATABASE_PREPARED_STATEMENTS", True):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import time

    import psycopg

    connection.ensure_connection()
    started = time.monotonic()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        rows = cursor.fetchall()
    if connection.queries_logged:  # counted and shown like any other query (debug, tests)
        shown = sql % tuple(repr(p) for p in params)
        connection.queries_log.append({"sql": shown, "time": f"{time.monotonic() - started:.3f}"})
    return rows


def figures_for(ids, *, organization, now: datetime.datetime, user) -> dict[int, dict]:
    """The figures of the clients `ids` of `organization`, by client id, as `with_figures`
    computes them for the viewing `user` at `now`: one query, whatever the page size."""
    from django.db import connections, router

    from .models import Client

    ids = list(dict.fromkeys(ids))
    if not ids or organization is None:
        return {}
    connection = connections[router.db_for_read(Client)]
    key = (connection.alias, connection.vendor, len(ids), tuple((k, id(b)) for k, b in sorted(_figures.items())))
    if key not in _plans:
        if len(_plans) >= _PLANS_KEPT:
            _plans.pop(next(iter(_plans)))
        _plans[key] = _build_plan(len(ids), connection)
    plan = _plans[key]
    if plan is None:
        rows = _figures_queryset(ids, organization=organization, now=now, user=user)
        return {row.pop("pk"): row for row in rows}
    sql, slots, names, converters = plan
    user_id = getattr(user, "pk", user)
    params = [
        value if kind == "const" else _slot_value(value, now, user_id, organization.pk, ids, connection)
        for kind, value in slots
    ]
    rows = _run(connection, sql, params)
    figures = {}
    for row in rows:
        row = list(row)
        for position, (functions, expression) in converters.items():
            value = row[position]
            for convert in functions:
                value = convert(value, expression, connection)
            row[position] = value
        values = dict(zip(names, row, strict=True))
        figures[values.pop("pk")] = values
    return figures


def attach_figures(clients, *, organization, now: datetime.datetime, user) -> list:
    """Set the figures on each of `clients` (as the annotated list carries them)."""
    clients = list(clients)
    figures = figures_for([c.pk for c in clients], organization=organization, now=now, user=user)
    empty = dict.fromkeys(NAMES)
    for client in clients:
        for name, value in figures.get(client.pk, empty).items():
            setattr(client, name, value)
    return clients
