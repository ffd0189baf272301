"""Reads worth naming, with their joins applied."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from mecto.comms.models import Consent
from mecto.models import Event

from .intake_defaults import EQUIPMENT, EXPERIENCE_LEVELS, GOALS, INJURY_AREAS
from .models import (
    Client,
    IntakeForm,
    IntakeQuestion,
    IntakeSubmission,
    Message,
    Metric,
    MetricTarget,
    Note,
    ProgressEntry,
    ProgressPhoto,
    StatusChange,
    Tag,
    Thread,
    ThreadRead,
)

SORTS = {
    "name": ["first_name", "last_name", "id"],
    "-name": ["-first_name", "-last_name", "-id"],
    "last_name": ["last_name", "first_name", "id"],
    "-created": ["-created_at", "-id"],
    "created": ["created_at", "id"],
    "status": ["status", "first_name", "id"],
    "-status_changed": ["-status_changed_at", "-id"],
}
_BY_NAME = ["first_name", "last_name", "id"]
# Sorts by a figure of the list (they need the figures annotated): who needs the coach first.
FIGURE_SORTS = {
    "last_active": [F("last_active_at").asc(nulls_first=True), *_BY_NAME],
    "-last_active": [F("last_active_at").desc(nulls_last=True), *_BY_NAME],
    "program_end": [F("program_ends_on").asc(nulls_last=True), *_BY_NAME],
    "-program_end": [F("program_ends_on").desc(nulls_last=True), *_BY_NAME],
    "adherence": [F("adherence").asc(nulls_last=True), *_BY_NAME],
    "-adherence": [F("adherence").desc(nulls_last=True), *_BY_NAME],
    "-unread": [F("unread_messages").desc(), *_BY_NAME],
    "-overdue_checkins": [F("overdue_checkins").desc(), *_BY_NAME],
    "-overdue_invoices": [F("overdue_invoices").desc(nulls_last=True), *_BY_NAME],
    "credits": [F("credits_left").asc(nulls_last=True), *_BY_NAME],
    "-credits": [F("credits_left").desc(nulls_last=True), *_BY_NAME],
}


def client_list(
    *,
    organization,
    search: str = "",
    status: str = "",
    coach_id: int | str | None = None,
    tag_id: int | str | None = None,
    sort: str = "",
    viewer=None,
    inactive_days: int | None = None,
    program_ends_within: int | None = None,
    adherence_below: int | None = None,
    credits_at_most: int | None = None,
    unread: bool = False,
    overdue_checkin: bool = False,
    overdue_invoice: bool = False,
    now: datetime.datetime | None = None,
) -> QuerySet[Client]:
    """Clients of a business, filtered and sorted; coach and tags come with them (no N+1).

    `coach_id="none"` finds clients without a coach. With a `viewer` (the member looking),
    each client carries the list's figures (`clients.list_figures`), still in one query, and
    the list can be filtered and sorted by them.
    """
    qs = (
        Client.objects.for_org(organization)
        .select_related("coach")
        # The coach is shown by name: never read their password hash with each client.
        .defer("coach__password", "coach__last_login")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )
    search = (search or "").strip()
    if search:
        words = Q()
        for word in search.split()[:5]:
            words &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(phone__icontains=word)
            )
        qs = qs.filter(words)
    if status:
        qs = qs.filter(status=status)
    if coach_id == "none":
        qs = qs.filter(coach__isnull=True)
    elif coach_id and str(coach_id).isdigit():
        qs = qs.filter(coach_id=int(coach_id))
    if tag_id and str(tag_id).isdigit():
        qs = qs.filter(client_tags__tag_id=int(tag_id))
    if viewer is None:
        return qs.order_by(*SORTS.get(sort, SORTS["name"]))
    from django.utils import timezone

    from .list_figures import with_figures

    now = now or timezone.now()
    qs = with_figures(qs, now=now, user=viewer)
    if inactive_days is not None:
        qs = qs.filter(
            Q(last_active_at__isnull=True) | Q(last_active_at__lt=now - datetime.timedelta(days=inactive_days))
        )
    if program_ends_within is not None:
        qs = qs.filter(program_ends_on__lte=timezone.localdate(now) + datetime.timedelta(days=program_ends_within))
    if adherence_below is not None:
        qs = qs.filter(adherence__lt=adherence_below)
    if credits_at_most is not None:
        qs = qs.filter(credits_left__lte=credits_at_most)
    if unread:
        qs = qs.filter(unread_messages__gt=0)
    if overdue_checkin:
        qs = qs.filter(overdue_checkins__gt=0)
    if overdue_invoice:
        qs = qs.filter(overdue_invoices__gt=0)
    return qs.order_by(*(FIGURE_SORTS.get(sort) or SORTS.get(sort, SORTS["name"])))


FIGURE_FILTERS = (
    "inactive_days",
    "program_ends_within",
    "adherence_below",
    "credits_at_most",
    "unread",
    "overdue_checkin",
    "overdue_invoice",
)


def needs_figures_in_query(*, sort: str = "", **filters) -> bool:
    """Whether `client_list` with these keywords filters or sorts by a figure (the figures must
    then be in the list's query); otherwise a page's figures can be read for its rows alone
    (`list_figures.attach_figures`) and the list is the same."""
    return sort in FIGURE_SORTS or any(filters.get(name) not in (None, False) for name in FIGURE_FILTERS)


def client_language(client_id: int) -> str | None:
    """The language a client is written to in: their portal account's choice, else their business's."""
    row = Client.objects.filter(pk=client_id).values_list("user__language", "organization__language").first()
    return (row[0] or row[1]) if row else None


def portal_clients(*, user) -> QuerySet[Client]:
    """The client records a person logs in to the portal as (of active businesses), newest first."""
    return (
        Client.objects.filter(user=user, organization__is_active=True)
        .select_related("organization")
        .order_by("-created_at")
    )


def client_detail(*, organization, pk) -> Client:
    return (
        Client.objects.for_org(organization)
        .select_related("coach", "user")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .get(pk=pk)
    )


def tags(*, organization) -> QuerySet[Tag]:
    return Tag.objects.for_org(organization).annotate(client_count=Count("client_tags")).order_by("name")


def status_history(*, client: Client) -> QuerySet[StatusChange]:
    return StatusChange.objects.for_org(client.organization).filter(client=client).select_related("changed_by")


def consent_history(*, client: Client) -> QuerySet[Consent]:
    """The proof of the client's marketing consent, newest first (kept per address)."""
    return Consent.objects.for_org(client.organization).filter(client_id=client.pk).select_related("recorded_by")


def client_notes(*, client: Client) -> QuerySet[Note]:
    return Note.objects.for_org(client.organization).filter(client=client).select_related("author")


def timeline(*, client: Client, limit: int = 50) -> QuerySet[Event]:
    """What happened to this client, newest first: the outbox events that name them."""
    return (
        Event.objects.for_org(client.organization)
        .filter(client_id=client.pk)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


# --- Intake -----------------------------------------------------------------------------------------
def _as_int(value, low=None, high=None):
    if isinstance(value, bool):
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    if low is not None:
        number = max(low, number)
    if high is not None:
        number = min(high, number)
    return number


def _as_list(value, vocabulary=None) -> list[str] | None:
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    values = [str(v) for v in values]
    if vocabulary is not None:
        values = [v for v in vocabulary if v in values]
    return values


def _as_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("yes", "true", "no", "false"):
        return value.lower() in ("yes", "true")
    return None


def _one_of(vocabulary):
    return lambda value: value if isinstance(value, str) and value in vocabulary else None


# How each contract key is normalised; a value that cannot be normalised is left out.
_NORMALISERS = {
    "goal": _one_of(GOALS),
    "experience": _one_of(EXPERIENCE_LEVELS),
    "days_per_week": lambda v: _as_int(v, 2, 6),
    "session_minutes": lambda v: _as_int(v, 10, 240),
    "equipment": lambda v: _as_list(v, EQUIPMENT),
    "injuries": lambda v: _as_list(v, INJURY_AREAS),
    "injury_notes": lambda v: str(v) if v is not None else None,
    "preferences": lambda v: str(v) if v is not None else None,
    "meals_per_day": lambda v: _as_int(v, 1, 10),
    "food_allergies": _as_list,
}


def normalise_answers(answers: dict) -> dict:
    out = {}
    for key, value in answers.items():
        if key in _NORMALISERS:
            value = _NORMALISERS[key](value)
        elif key.startswith("parq_"):
            value = _as_bool(value)
        if value is not None:
            out[key] = value
    return out


def intake_answers(*, client: Client) -> dict:
    """The client's intake answers by question key, normalised; the latest answer to each key
    wins across submissions. Keys with no answer are absent (never None). Unverified
    public-link submissions count only once the coach accepts them.

    goal, experience, days_per_week (2–6), session_minutes, equipment (exercise data set
    vocabulary), injuries (areas), injury_notes, preferences, diet, food_allergies,
    meals_per_day, nutrition_notes and parq_* (bool) come from the default form; questions a
    coach adds appear under their own keys.
    """
    merged: dict = {}
    rows = (
        IntakeSubmission.objects.for_org(client.organization)
        .filter(client=client, review=IntakeSubmission.Review.ACCEPTED)
        .order_by("submitted_at", "id")
        .values_list("answers", flat=True)
    )
    for answers in rows:
        merged.update(answers or {})
    return normalise_answers(merged)


def intake_forms(*, organization, include_archived: bool = False) -> QuerySet[IntakeForm]:
    qs = IntakeForm.objects.for_org(organization)
    if not include_archived:
        qs = qs.filter(is_archived=False)
    return qs


def form_questions(*, form: IntakeForm) -> QuerySet[IntakeQuestion]:
    return form.questions.select_related("section").order_by("section__position", "section_id", "position", "id")


def client_submissions(*, client: Client) -> QuerySet[IntakeSubmission]:
    return IntakeSubmission.objects.for_org(client.organization).filter(client=client).select_related("form")


def submission_sections(submission: IntakeSubmission) -> list[dict]:
    """The answers as the client saw the questions: [{title, health_screening, rows: [(label, text, flagged)]}]."""
    from django.utils.translation import gettext as _

    sections: list[dict] = []
    for q in submission.questions or []:
        if not sections or sections[-1]["title"] != q.get("section"):
            sections.append({"title": q.get("section"), "health_screening": q.get("health_screening"), "rows": []})
        value = submission.answers.get(q["key"])
        labels = {str(c["value"]): c["label"] for c in q.get("choices") or []}
        if value is None:
            text = "—"
        elif isinstance(value, bool):
            text = _("Yes") if value else _("No")
        elif isinstance(value, list):
            text = ", ".join(labels.get(str(v), str(v)) for v in value) or _("None")
        else:
            text = labels.get(str(value), str(value))
        flagged = bool(q.get("health_screening") and value is True)
        sections[-1]["rows"].append({"label": q["label"], "text": text, "flagged": flagged})
    return sections


# --- Progress ---------------------------------------------------------------------------------------
def metrics(*, organization, include_inactive: bool = False) -> QuerySet[Metric]:
    qs = Metric.objects.for_org(organization)
    return qs if include_inactive else qs.filter(is_active=True)


def progress_entries(*, client: Client) -> QuerySet[ProgressEntry]:
    return (
        ProgressEntry.objects.for_org(client.organization)
        .filter(client=client)
        .select_related("metric", "logged_by")
        .order_by("-recorded_on", "metric__position", "-id")
    )


def latest_measurement(*, client: Client, key: str) -> ProgressEntry | None:
    """The client's most recent entry of a built-in metric (`weight`, `waist`...), in SI units."""
    return (
        ProgressEntry.objects.for_org(client.organization)
        .filter(client=client, metric__key=key)
        .order_by("-recorded_on", "-id")
        .first()
    )


def progress_charts(*, client: Client) -> list[dict]:
    """One chart per metric with data: points in the client's units, the target line and
    the change since the first entry (three queries, whatever the history length)."""
    from .units import display_unit, to_display

    units = client.unit_system
    targets = dict(
        MetricTarget.objects.for_org(client.organization).filter(client=client).values_list("metric_id", "value")
    )
    by_metric: dict[int, dict] = {}
    entries = (
        ProgressEntry.objects.for_org(client.organization)
        .filter(client=client)
        .select_related("metric")
        .order_by("metric__position", "metric_id", "recorded_on")
    )
    for entry in entries:
        metric = entry.metric
        chart = by_metric.get(metric.pk)
        if chart is None:
            target = targets.get(metric.pk, metric.target)
            chart = by_metric[metric.pk] = {
                "metric": metric,
                "key": metric.key,
                "name": metric.name,
                "unit": display_unit(metric, units),
                "kind": metric.kind,
                "direction": metric.direction,
                "target": to_display(metric, target, units),
                "has_own_target": metric.pk in targets,
                "labels": [],
                "values": [],
            }
        chart["labels"].append(entry.recorded_on.isoformat())
        chart["values"].append(to_display(metric, entry.value, units))
    charts = list(by_metric.values())
    for chart in charts:
        first, last = chart["values"][0], chart["values"][-1]
        chart["latest"] = last
        chart["change"] = round(last - first, 2) if len(chart["values"]) > 1 else None
        change = chart["change"] or 0
        chart["trend"] = (
            "good"
            if (change > 0 and chart["direction"] == "up") or (change < 0 and chart["direction"] == "down")
            else "bad"
            if change and chart["direction"] in ("up", "down")
            else "neutral"
        )
    return charts


def client_photos(*, client: Client) -> QuerySet[ProgressPhoto]:
    return ProgressPhoto.objects.for_org(client.organization).filter(client=client)


def photo_comparison(*, client: Client, pose: str | None, before: str = "", after: str = "", key: str = "pk") -> dict:
    """Two photos of one pose side by side: the ones picked (by `key`, the photo's id for the
    coach, its public id for the client) or else the first and the latest."""
    pose = pose if pose in ProgressPhoto.Pose.values else ProgressPhoto.Pose.FRONT
    photos = list(client_photos(client=client).filter(pose=pose).order_by("taken_on", "id"))
    by_key = {str(getattr(p, key)): p for p in photos}
    first = by_key.get(before or "") or (photos[0] if photos else None)
    second = by_key.get(after or "") or (photos[-1] if len(photos) > 1 else None)
    return {
        "pose": pose,
        "poses": ProgressPhoto.Pose.choices,
        "photos": photos,
        "photo_key": key,
        "before": first,
        "after": second,
        "days_between": (second.taken_on - first.taken_on).days if first and second else None,
    }


# --- Messaging --------------------------------------------------------------------------------------
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _read_at(user):
    return Subquery(ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values("last_read_at")[:1])


def threads_for(*, organization, user, client: Client | None = None, coach_id: int | None = None) -> QuerySet[Thread]:
    """Conversations with the number of messages `user` has not read (others' messages after
    their read marker), newest activity first; one query however many threads. `coach_id`
    keeps the conversations with that coach's clients (a member's "mine" scope)."""
    qs = Thread.objects.for_org(organization).select_related("client")
    if client is not None:
        qs = qs.filter(client=client)
    if coach_id is not None:
        qs = qs.filter(client__coach_id=coach_id)
    return qs.annotate(
        unread_count=Count(
            "messages",
            filter=Q(messages__created_at__gt=Coalesce(_read_at(user), Value(_EPOCH))) & ~Q(messages__sender=user),
        )
    ).order_by(F("last_message_at").desc(nulls_last=True), "-id")


def unread_total(*, organization, user, client: Client | None = None) -> int:
    return sum(t.unread_count for t in threads_for(organization=organization, user=user, client=client))


def thread_messages(*, thread: Thread) -> QuerySet[Message]:
    return (
        Message.objects.for_org(thread.organization)
        .filter(thread=thread)
        .select_related("sender", "replying_to__video")
        .prefetch_related("videos__replies")
    )


# --- Check-ins -------------------------------------------------------------------------------------
def checkin_forms(*, organization, include_archived: bool = False) -> QuerySet:
    from .models import CheckInForm

    qs = CheckInForm.objects.for_org(organization).annotate(
        question_count=Count("questions", distinct=True),
        schedule_count=Count("schedules", filter=Q(schedules__is_active=True), distinct=True),
    )
    return qs if include_archived else qs.filter(is_archived=False)


def checkin_questions(*, form) -> QuerySet:
    return form.questions.select_related("metric").order_by("position", "id")


def checkin_schedules(*, client: Client) -> QuerySet:
    from .models import CheckInSchedule

    return CheckInSchedule.objects.filter(client=client).select_related("form").order_by("-is_active", "id")


def client_checkins(*, client: Client) -> QuerySet:
    from .models import CheckIn

    return (
        CheckIn.objects.filter(client=client)
        .select_related("form", "reviewed_by")
        .prefetch_related("photos")
        .order_by("-due_at", "-id")
    )


def open_checkins(*, client: Client) -> QuerySet:
    """What the client still has to fill in, the oldest first."""
    from .models import CheckIn

    return CheckIn.objects.filter(client=client, status=CheckIn.Status.DUE).select_related("form").order_by("due_at")


def checkin_review_queue(*, organization, coach_id: int | None = None) -> QuerySet:
    """Submitted check-ins waiting for a coach, the one that has waited longest first."""
    from .models import CheckIn

    qs = (
        CheckIn.objects.for_org(organization)
        .filter(status=CheckIn.Status.SUBMITTED)
        .select_related("client", "client__coach", "form")
        .annotate(photo_count=Count("photos", distinct=True))
        .order_by("submitted_at", "id")
    )
    return qs.filter(client__coach_id=coach_id) if coach_id else qs


def checkin_detail(*, organization, pk) -> QuerySet:
    from .models import CheckIn

    return (
        CheckIn.objects.for_org(organization)
        .select_related("client", "form", "reviewed_by", "reply")
        .prefetch_related("photos")
        .filter(pk=pk)
    )


def previous_checkin(checkin):
    """The client's submitted check-in before this one, for "since last time"."""
    from .models import CheckIn

    return (
        CheckIn.objects.filter(client_id=checkin.client_id, submitted_at__isnull=False)
        .exclude(pk=checkin.pk)
        .filter(due_at__lt=checkin.due_at)
        .prefetch_related("photos")
        .order_by("-due_at", "-id")
        .first()
    )


def checkin_metric_changes(checkin) -> list[dict]:
    """Each metric this check-in logged, with the value of the last earlier check-in that
    logged it and the change (all in SI; the page shows them in the client's units)."""
    if not checkin.metric_values:
        return []
    from .models import CheckIn

    keys = list(checkin.metric_values)
    metrics_by_key = {m.key: m for m in Metric.objects.for_org(checkin.organization_id).filter(key__in=keys)}
    earlier = (
        CheckIn.objects.filter(client_id=checkin.client_id, submitted_at__isnull=False, due_at__lt=checkin.due_at)
        .exclude(pk=checkin.pk)
        .order_by("-due_at")
        .values_list("metric_values", flat=True)[:20]
    )
    earlier = list(earlier)
    rows = []
    from decimal import Decimal

    for key in keys:
        metric = metrics_by_key.get(key)
        if metric is None:
            continue
        now = Decimal(str(checkin.metric_values[key]))
        before = next((Decimal(str(v[key])) for v in earlier if v and v.get(key) is not None), None)
        rows.append(
            {"metric": metric, "value": now, "previous": before, "change": None if before is None else now - before}
        )
    return rows


def checkins_waiting_count(*, organization, coach_id: int | None = None) -> int:
    return checkin_review_queue(organization=organization, coach_id=coach_id).count()


# --- Waivers ---------------------------------------------------------------------------------------
def waiver_documents(*, organization, include_archived: bool = False) -> QuerySet:
    from .models import WaiverDocument, WaiverVersion

    latest = WaiverVersion.objects.filter(document=OuterRef("pk"), published_at__isnull=False).order_by("-version")
    qs = WaiverDocument.objects.for_org(organization).annotate(
        current_version=Subquery(latest.values("version")[:1]),
        signature_count=Count("signatures", distinct=True),
    )
    return qs if include_archived else qs.filter(is_archived=False)


def current_waiver_versions(*, organization, kinds=None) -> list:
    """The latest published version of every document in use (one query)."""
    from .models import WaiverVersion

    qs = (
        WaiverVersion.objects.for_org(organization)
        .filter(published_at__isnull=False, document__is_archived=False)
        .select_related("document")
        .order_by("document_id", "-version")
    )
    if kinds:
        qs = qs.filter(document__kind__in=list(kinds))
    current, seen = [], set()
    for version in qs:
        if version.document_id not in seen:
            seen.add(version.document_id)
            current.append(version)
    return current


def waivers_to_sign(*, client: Client, kinds=None) -> list:
    """Current versions the client has not signed (every kind)."""
    from .models import WaiverSignature

    versions = current_waiver_versions(organization=client.organization, kinds=kinds)
    if not versions:
        return []
    signed = set(
        WaiverSignature.objects.filter(client=client, version__in=versions).values_list("version_id", flat=True)
    )
    return [v for v in versions if v.pk not in signed]


def unsigned_waivers(client: Client) -> list:
    """Current versions of the waivers required before booking that this client has not
    signed. Booking calls this: empty means the client may book (a business with no
    required waiver never blocks anyone)."""
    return [v for v in waivers_to_sign(client=client) if v.document.required_for_booking]


def waiver_signatures(*, organization, document=None, client: Client | None = None) -> QuerySet:
    from .models import WaiverSignature

    qs = WaiverSignature.objects.for_org(organization).select_related("client", "version", "document")
    if document is not None:
        qs = qs.filter(document=document)
    if client is not None:
        qs = qs.filter(client=client)
    return qs.order_by("-signed_at", "-id")


# --- Saved views of the clients list ---------------------------------------------------------------
def saved_views(*, organization, user) -> QuerySet:
    """The member's own saved views and those the team shares, by name."""
    from .models import SavedClientView

    return (
        SavedClientView.objects.for_org(organization)
        .filter(Q(owner=user) | Q(is_shared=True))
        .select_related("owner")
        .defer("owner__password")
        .order_by("name", "id")
    )
