"""Check-ins: forms built like intake forms, schedules in the client's local time, opening
due check-ins and marking missed ones (beat), the client's submission (answers, metrics into
progress entries, photos into progress photos) and the coach's review and reply."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto import comms
from mecto.errors import DomainError
from mecto.events import emit, register_event_type
from mecto.localization import zone

from ..models import CheckIn, CheckInForm, CheckInQuestion, CheckInSchedule, Client, Metric, ProgressEntry, Thread
from .intake import TEXT_LIMITS, _clean_choices, _clean_one, _is_blank
from .messaging import send_message, start_thread
from .photos import upload_photo
from .progress import ProgressError, log_progress

__all__ = [
    "CheckInError",
    "CheckInAnswersError",
    "CHECKINS_TOPIC",
    "create_checkin_form",
    "update_checkin_form",
    "archive_checkin_form",
    "add_checkin_question",
    "update_checkin_question",
    "delete_checkin_question",
    "move_checkin_question",
    "save_checkin_schedule",
    "stop_checkin_schedule",
    "next_occurrence",
    "open_due_checkins",
    "mark_missed_checkins",
    "sweep_checkins",
    "submit_checkin",
    "review_checkin",
]

register_event_type("checkin.submitted", gettext_lazy("A client submitted a check-in"))
register_event_type("checkin.missed", gettext_lazy("A check-in was not submitted in time"))
register_event_type("checkin.reviewed", gettext_lazy("A coach reviewed a check-in"))

CHECKINS_TOPIC = "checkins"
comms.register_topic(CHECKINS_TOPIC, gettext_lazy("Check-in reminders"))

Kind = CheckInQuestion.Kind
ANSWER_KINDS = {Kind.TEXT, Kind.LONG_TEXT, Kind.NUMBER, Kind.SINGLE_CHOICE, Kind.SCALE, Kind.YES_NO}
MAX_QUESTIONS = 60
MAX_OCCURRENCES_PER_SWEEP = 8  # a worker down for weeks opens at most this many per schedule


class CheckInError(DomainError):
    pass


class CheckInAnswersError(CheckInError):
    """Several answers can be wrong at once: `errors` maps question keys to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(_("Some answers need your attention."), field=next(iter(errors)))

    def as_dict(self) -> dict[str, list[str]]:
        return {key: [message] for key, message in self.errors.items()}


# --- Forms and questions --------------------------------------------------------------------------
def _form_fields(form: CheckInForm, fields: dict) -> None:
    for key, value in fields.items():
        if key not in {"name", "description", "grace_hours"}:
            raise CheckInError(_("“%(field)s” cannot be changed here.") % {"field": key}, field=key)
        setattr(form, key, value if value is not None else "")
    form.name = (form.name or "").strip()[:120]
    if not form.name:
        raise CheckInError(_("Give the form a name."), field="name")
    form.description = (form.description or "")[:2000]
    try:
        form.grace_hours = int(form.grace_hours)
    except (TypeError, ValueError):
        raise CheckInError(_("Enter the grace in whole hours."), field="grace_hours")
    if not 1 <= form.grace_hours <= 24 * 14:
        raise CheckInError(_("The grace is between 1 hour and 14 days (336 hours)."), field="grace_hours")


@transaction.atomic
def create_checkin_form(
    *, organization, name: str, description: str = "", grace_hours: int = 48, actor=None
) -> CheckInForm:
    form = CheckInForm(organization=organization)
    _form_fields(form, {"name": name, "description": description, "grace_hours": grace_hours})
    form.save()
    return form


@transaction.atomic
def update_checkin_form(*, form: CheckInForm, actor=None, **fields) -> CheckInForm:
    """Grace changes apply to check-ins opened from now on."""
    _form_fields(form, fields)
    form.save()
    return form


@transaction.atomic
def archive_checkin_form(*, form: CheckInForm, actor=None) -> CheckInForm:
    """Archived forms open no more check-ins: their schedules stop."""
    form.is_archived = True
    form.save(update_fields=["is_archived", "updated_at"])
    CheckInSchedule.objects.filter(form=form, is_active=True).update(is_active=False, next_due_at=None)
    return form


def _unique_key(form: CheckInForm, label: str, exclude_pk=None) -> str:
    base = slugify(label).replace("-", "_")[:50].strip("_") or "question"
    if base[0].isdigit():
        base = f"q_{base}"[:50]
    taken = set(form.questions.exclude(pk=exclude_pk).values_list("key", flat=True))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key


def _check_question(question: CheckInQuestion) -> None:
    question.label = (question.label or "").strip()[:300]
    question.help_text = (question.help_text or "").strip()[:300]
    if not question.label:
        raise CheckInError(_("Write the question."), field="label")
    if question.kind not in Kind.values:
        raise CheckInError(_("Choose a question type."), field="kind")
    if question.kind == Kind.METRIC:
        metric = question.metric
        if metric is None or metric.organization_id != question.organization_id or not metric.is_active:
            raise CheckInError(_("Choose the progress metric this question logs."), field="metric")
    else:
        question.metric = None
    if question.kind == Kind.PHOTO:
        if question.pose not in CheckInQuestion.Pose.values:
            raise CheckInError(_("Choose the pose: front, side or back."), field="pose")
    else:
        question.pose = ""
    if question.kind == Kind.SCALE:
        question.min_value = Decimal(1) if question.min_value is None else question.min_value
        question.max_value = Decimal(10) if question.max_value is None else question.max_value
    if question.kind not in (Kind.NUMBER, Kind.SCALE):
        question.min_value = question.max_value = None
    if question.min_value is not None and question.max_value is not None and question.min_value >= question.max_value:
        raise CheckInError(_("The maximum must be above the minimum."), field="max_value")
    try:
        question.choices = _clean_choices(question.kind, question.choices)
    except DomainError as exc:
        raise CheckInError(exc.message, field="choices") from exc


@transaction.atomic
def add_checkin_question(
    *,
    form: CheckInForm,
    label: str,
    kind: str = Kind.TEXT,
    required: bool = False,
    help_text: str = "",
    choices=None,
    min_value=None,
    max_value=None,
    metric: Metric | None = None,
    pose: str = "",
    actor=None,
) -> CheckInQuestion:
    if form.questions.count() >= MAX_QUESTIONS:
        raise CheckInError(_("A check-in has at most %(n)d questions.") % {"n": MAX_QUESTIONS})
    question = CheckInQuestion(
        organization=form.organization,
        form=form,
        label=label,
        kind=kind,
        required=bool(required),
        help_text=help_text or "",
        choices=choices or [],
        min_value=min_value,
        max_value=max_value,
        metric=metric,
        pose=pose or "",
        position=(form.questions.aggregate(m=Max("position"))["m"] or 0) + 1,
    )
    _check_question(question)
    question.key = _unique_key(form, question.label)
    question.save()
    return question


@transaction.atomic
def update_checkin_question(*, question: CheckInQuestion, actor=None, **fields) -> CheckInQuestion:
    """Change wording, type or flags; the key stays, so earlier answers still match."""
    allowed = {"label", "kind", "required", "help_text", "choices", "min_value", "max_value", "metric", "pose"}
    for key, value in fields.items():
        if key not in allowed:
            raise CheckInError(_("“%(field)s” cannot be changed here.") % {"field": key}, field=key)
        setattr(question, key, value)
    _check_question(question)
    question.save()
    return question


@transaction.atomic
def delete_checkin_question(*, question: CheckInQuestion, actor=None) -> None:
    question.delete()


@transaction.atomic
def move_checkin_question(*, question: CheckInQuestion, direction: int, actor=None) -> None:
    """One place up (-1) or down (+1): the keyboard way to reorder."""
    rows = list(question.form.questions.order_by("position", "id"))
    i = next(n for n, q in enumerate(rows) if q.pk == question.pk)
    j = i + (1 if direction > 0 else -1)
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
    for position, row in enumerate(rows):
        row.position = position
    CheckInQuestion.objects.bulk_update(rows, ["position"])


# --- Schedules -------------------------------------------------------------------------------------
def _aware(day: datetime.date, at: datetime.time, tz) -> datetime.datetime:
    """The local wall time on `day` as UTC. In a spring-forward gap the clock time does not
    exist: the check-in opens at the first real minute after it (an hour later); in the
    autumn's repeated hour, the first one."""
    # fold=0 (PEP 495) reads a skipped time with the offset before the change, which lands
    # one hour later on the new clock, and a repeated time as its first occurrence.
    return datetime.datetime.combine(day, at).replace(tzinfo=tz, fold=0).astimezone(datetime.UTC)


def _occurrence_days(schedule: CheckInSchedule, from_day: datetime.date):
    """Local dates of occurrences on or after `from_day` (and on or after `starts_on`)."""
    start = max(schedule.starts_on, from_day)
    if schedule.frequency == CheckInSchedule.Frequency.MONTHLY:
        year, month = start.year, start.month
        while True:
            last = calendar.monthrange(year, month)[1]
            day = datetime.date(year, month, min(schedule.day_of_month, last))
            if day >= start:
                yield day
            month += 1
            if month > 12:
                year, month = year + 1, 1
    else:
        first = schedule.starts_on + datetime.timedelta(days=(schedule.weekday - schedule.starts_on.weekday()) % 7)
        step = 7 * max(1, schedule.interval_weeks)
        if start > first:
            periods = -(-(start - first).days // step)  # ceiling
            first += datetime.timedelta(days=periods * step)
        day = first
        while True:
            yield day
            day += datetime.timedelta(days=step)


def next_occurrence(schedule: CheckInSchedule, after: datetime.datetime, *, time_zone: str | None = None):
    """The first occurrence strictly after `after` (UTC), at the local time in the client's zone."""
    tz = zone(time_zone or schedule.client.time_zone)
    from_day = after.astimezone(tz).date() - datetime.timedelta(days=1)
    for n, day in enumerate(_occurrence_days(schedule, from_day)):
        at = _aware(day, schedule.local_time, tz)
        if at > after:
            return at
        if n > 1000:  # pragma: no cover - the rules above always move forward
            break
    return None


def _schedule_fields(schedule: CheckInSchedule, fields: dict) -> None:
    allowed = {"form", "frequency", "interval_weeks", "weekday", "day_of_month", "local_time", "starts_on"}
    for key, value in fields.items():
        if key not in allowed:
            raise CheckInError(_("“%(field)s” cannot be changed here.") % {"field": key}, field=key)
        if value is not None:
            setattr(schedule, key, value)
    form = schedule.form if schedule.form_id else None
    if form is None or form.organization_id != schedule.organization_id or form.is_archived:
        raise CheckInError(_("Choose a check-in form of your business."), field="form")
    if schedule.frequency not in CheckInSchedule.Frequency.values:
        raise CheckInError(_("Choose weekly or monthly."), field="frequency")
    checks = [
        ("interval_weeks", 1, 12, _("Every 1 to 12 weeks.")),
        ("weekday", 0, 6, _("Choose a weekday.")),
        ("day_of_month", 1, 31, _("Choose a day from 1 to 31.")),
    ]
    for name, low, high, message in checks:
        try:
            value = int(getattr(schedule, name))
        except (TypeError, ValueError):
            raise CheckInError(message, field=name)
        if not low <= value <= high:
            raise CheckInError(message, field=name)
        setattr(schedule, name, value)
    if isinstance(schedule.local_time, str):
        try:
            schedule.local_time = datetime.time.fromisoformat(schedule.local_time)
        except ValueError:
            raise CheckInError(_("Enter a time like 18:00."), field="local_time")
    if isinstance(schedule.starts_on, str):
        try:
            schedule.starts_on = datetime.date.fromisoformat(schedule.starts_on)
        except ValueError:
            raise CheckInError(_("Enter a date like 2026-03-31."), field="starts_on")
    if not isinstance(schedule.starts_on, datetime.date) or schedule.starts_on.year < 2000:
        raise CheckInError(_("Enter a real date."), field="starts_on")


@transaction.atomic
def save_checkin_schedule(
    *,
    client: Client,
    form: CheckInForm | None = None,
    schedule: CheckInSchedule | None = None,
    actor=None,
    since=None,
    **fields,
) -> CheckInSchedule:
    """Create (or change) when a client checks in with a form; the next due time is computed
    from now (or `since`, to catch up occurrences from then) in the client's time zone."""
    if schedule is None:
        if form is None:
            raise CheckInError(_("Choose a check-in form of your business."), field="form")
        if CheckInSchedule.objects.filter(client=client, form=form).exists():
            schedule = CheckInSchedule.objects.get(client=client, form=form)
        else:
            schedule = CheckInSchedule(
                organization=client.organization,
                client=client,
                starts_on=timezone.localdate(timezone=zone(client.time_zone)),
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    elif schedule.client_id != client.pk:
        raise CheckInError(_("This schedule belongs to another client."))
    if form is not None:
        fields["form"] = form
    _schedule_fields(schedule, fields)
    schedule.is_active = True
    schedule.next_due_at = next_occurrence(schedule, since or timezone.now(), time_zone=client.time_zone)
    schedule.save()
    return schedule


@transaction.atomic
def stop_checkin_schedule(*, schedule: CheckInSchedule, actor=None) -> CheckInSchedule:
    schedule.is_active, schedule.next_due_at = False, None
    schedule.save(update_fields=["is_active", "next_due_at", "updated_at"])
    return schedule


# --- Opening and missing ----------------------------------------------------------------------------
def _open(schedule: CheckInSchedule, due_at: datetime.datetime) -> CheckIn | None:
    grace = datetime.timedelta(hours=schedule.form.grace_hours)
    try:
        with transaction.atomic():
            checkin, created = CheckIn.objects.get_or_create(
                schedule=schedule,
                due_at=due_at,
                defaults={
                    "organization": schedule.organization,
                    "client": schedule.client,
                    "form": schedule.form,
                    "overdue_at": due_at + grace,
                },
            )
    except IntegrityError:  # another sweep opened it meanwhile
        return None
    return checkin if created else None


def _notify_due(checkin: CheckIn, now: datetime.datetime) -> None:
    """Email the client that a check-in is due, and notify each device they turned on."""
    client = checkin.client
    if not client.email or not client.user_id:
        return
    key = f"checkin-due:{checkin.pk}"
    params = {
        "checkin_id": checkin.pk,
        "url": settings.SITE_URL + reverse("clients:portal_checkin", args=[checkin.public_id]),
    }
    comms.queue_email(
        organization=client.organization,
        to=client.email,
        topic=CHECKINS_TOPIC,
        key=key,
        composer="clients.checkin_due",
        params=params,
        client_id=client.pk,
    )
    # Kept by the push service until the check-in is overdue (a day at most): news, not a record.
    until_overdue = (checkin.overdue_at - now).total_seconds()
    comms.queue_push(
        organization=client.organization,
        user_id=client.user_id,
        topic=CHECKINS_TOPIC,
        key=key,
        composer="clients.checkin_due_push",
        params=params,
        ttl=int(min(max(until_overdue, 60), 24 * 3600)),
        client_id=client.pk,
    )


@transaction.atomic
def open_due_checkins(*, now=None) -> int:
    """Open a check-in for every schedule whose time has come (and email the client)."""
    now = now or timezone.now()
    opened = 0
    schedules = (
        CheckInSchedule.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("client", "form", "organization")
        .filter(is_active=True, next_due_at__lte=now, form__is_archived=False, organization__is_active=True)
    )
    for schedule in schedules:
        due = schedule.next_due_at
        for _n in range(MAX_OCCURRENCES_PER_SWEEP):
            if due is None or due > now:
                break
            checkin = _open(schedule, due)
            if checkin is not None:
                opened += 1
                if now < checkin.overdue_at:
                    _notify_due(checkin, now)
            due = next_occurrence(schedule, due)
        else:  # far behind: skip to the next one in the future
            due = next_occurrence(schedule, now)
        schedule.next_due_at = due
        schedule.save(update_fields=["next_due_at"])
    return opened


def mark_missed_checkins(*, now=None) -> int:
    """Past their grace and not submitted: `checkin.missed`, once per check-in (the row is
    claimed with a conditional update, so two sweeps never both emit)."""
    now = now or timezone.now()
    missed = 0
    candidates = list(
        CheckIn.objects.filter(status=CheckIn.Status.DUE, missed_at__isnull=True, overdue_at__lte=now).values_list(
            "pk", flat=True
        )[:500]
    )
    for pk in candidates:
        with transaction.atomic():
            claimed = CheckIn.objects.filter(pk=pk, status=CheckIn.Status.DUE, missed_at__isnull=True).update(
                missed_at=now
            )
            if not claimed:
                continue
            checkin = CheckIn.objects.select_related("client", "organization").get(pk=pk)
            emit(
                checkin.organization,
                "checkin.missed",
                {
                    "client_id": checkin.client_id,
                    "checkin_id": checkin.pk,
                    "form_id": checkin.form_id,
                    "due_at": checkin.due_at.isoformat(),
                },
                client=checkin.client,
            )
            missed += 1
    return missed


def sweep_checkins(*, now=None) -> dict:
    """The beat task: open what is due, then mark what ran out of time as missed."""
    now = now or timezone.now()
    return {"opened": open_due_checkins(now=now), "missed": mark_missed_checkins(now=now)}


# --- Submitting ------------------------------------------------------------------------------------
def _snapshot(questions) -> list[dict]:
    return [
        {
            "key": q.key,
            "label": q.label,
            "kind": q.kind,
            "choices": q.choices,
            "metric": q.metric.key if q.metric_id else "",
            "pose": q.pose,
        }
        for q in questions
    ]


def _clean_answers(questions, raw: dict, photos: dict) -> tuple[dict, dict, dict]:
    """(answers by key, metric raw values by Metric, photo files by question) or errors."""
    if not isinstance(raw, dict):
        raise CheckInAnswersError({"answers": _("Send the answers as an object of question keys.")})
    known = {q.key for q in questions}
    errors = {str(k): _("There is no question with this key.") for k in raw if k not in known}
    errors |= {str(k): _("There is no photo question with this key.") for k in photos if k not in known}
    answers, metrics, files = {}, {}, {}
    for q in questions:
        if q.kind == Kind.PHOTO:
            upload = photos.get(q.key)
            if upload is None:
                if q.required:
                    errors[q.key] = _("Add this photo.")
            else:
                files[q] = upload
            continue
        value = raw.get(q.key)
        if _is_blank(value):
            if q.required:
                errors[q.key] = _("This question needs an answer.")
            continue
        if q.kind == Kind.METRIC:
            metrics[q] = value
            continue
        if q.kind in TEXT_LIMITS and len(str(value).strip()) > TEXT_LIMITS[q.kind]:
            errors[q.key] = _("Keep this under %(n)d characters.") % {"n": TEXT_LIMITS[q.kind]}
            continue
        try:
            answers[q.key] = _clean_one(q, value)
        except ValueError as exc:
            errors[q.key] = str(exc)
    if errors:
        raise CheckInAnswersError(errors)
    return answers, metrics, files


def _lock(checkin: CheckIn) -> CheckIn:
    return CheckIn.objects.select_for_update(of=("self",)).select_related("client", "form").get(pk=checkin.pk)


@transaction.atomic
def submit_checkin(
    *,
    checkin: CheckIn,
    answers: dict | None = None,
    photos: dict | None = None,
    actor=None,
    submission_key: str = "",
    source: str = ProgressEntry.Source.CLIENT,
) -> CheckIn:
    """The client's answers: metric answers (in their units) become progress entries in SI for
    today, photos become progress photos (checked and cleaned the same way), the rest is kept
    with the wording as asked. A retry with the same `submission_key` returns the first
    submission; anything wrong stores nothing. Emits `checkin.submitted`."""
    submission_key = (submission_key or "").strip()[:64]
    if submission_key:
        done = CheckIn.objects.filter(client_id=checkin.client_id, submission_key=submission_key).first()
        if done is not None:
            return done
    checkin = _lock(checkin)
    client = checkin.client
    if checkin.status != CheckIn.Status.DUE:
        raise CheckInError(_("This check-in was already submitted."), code="already_submitted")
    questions = list(checkin.form.questions.select_related("metric").order_by("position", "id"))
    cleaned, metric_raw, files = _clean_answers(questions, answers or {}, photos or {})
    if not cleaned and not metric_raw and not files:
        raise CheckInError(_("Answer at least one question."))
    today = timezone.localdate(timezone=zone(client.time_zone))
    metric_values = {}
    if metric_raw:
        try:
            entries = log_progress(
                client=client,
                values={q.metric: value for q, value in metric_raw.items()},
                recorded_on=today,
                actor=actor,
                source=source,
                note=_("From the check-in “%(form)s”") % {"form": checkin.form.name},
            )
        except ProgressError as exc:
            by_metric = {q.metric.key: q.key for q in metric_raw}
            errors = getattr(exc, "errors", None) or {next(iter(by_metric)): exc.message}
            raise CheckInAnswersError({by_metric.get(k, k): m for k, m in errors.items()}) from exc
        metric_values = {e.metric.key: e.value for e in entries}
        for q in metric_raw:
            cleaned[q.key] = metric_values.get(q.metric.key)
    photo_rows = []
    for q, upload in files.items():
        try:
            photo = upload_photo(client=client, file=upload, taken_on=today, pose=q.pose, actor=actor, source=source)
        except DomainError as exc:
            raise CheckInAnswersError({q.key: exc.message}) from exc
        photo_rows.append(photo)
        cleaned[q.key] = str(photo.public_id)
    checkin.answers = cleaned
    checkin.questions = _snapshot(questions)
    checkin.metric_values = metric_values
    checkin.status = CheckIn.Status.SUBMITTED
    checkin.submitted_at = timezone.now()
    checkin.submission_key = submission_key
    checkin.save()
    if photo_rows:
        checkin.photos.add(*photo_rows)
    emit(
        checkin.organization,
        "checkin.submitted",
        {
            "client_id": client.pk,
            "checkin_id": checkin.pk,
            "form_id": checkin.form_id,
            "late": checkin.submitted_at >= checkin.overdue_at,
            "metrics": sorted(metric_values),
            "photos": len(photo_rows),
        },
        actor=actor,
        client=client,
    )
    return checkin


# --- Reviewing -------------------------------------------------------------------------------------
def _client_thread(client: Client, actor) -> Thread:
    thread = Thread.objects.for_org(client.organization).filter(client=client).order_by("-last_message_at", "-id")
    return thread.first() or start_thread(client=client, subject=_("Check-ins"), actor=actor)


@transaction.atomic
def review_checkin(*, checkin: CheckIn, actor, reply: str = "") -> CheckIn:
    """The coach marks a submitted check-in reviewed; a reply goes to the client's latest
    conversation (or a new "Check-ins" one) through the messaging service."""
    checkin = _lock(checkin)
    if checkin.status == CheckIn.Status.DUE:
        raise CheckInError(_("The client has not submitted this check-in yet."))
    if checkin.status == CheckIn.Status.REVIEWED and not (reply or "").strip():
        raise CheckInError(_("This check-in was already reviewed."), field="reply")
    reply = (reply or "").strip()
    if reply:
        thread = _client_thread(checkin.client, actor)
        try:
            message = send_message(thread=thread, sender=actor, body=reply)
        except DomainError as exc:
            raise CheckInError(exc.message, field="reply") from exc
        checkin.reply = message
    checkin.status = CheckIn.Status.REVIEWED
    checkin.reviewed_at = checkin.reviewed_at or timezone.now()
    checkin.reviewed_by = actor if getattr(actor, "pk", None) else None
    checkin.save(update_fields=["status", "reviewed_at", "reviewed_by", "reply"])
    emit(
        checkin.organization,
        "checkin.reviewed",
        {"client_id": checkin.client_id, "checkin_id": checkin.pk, "replied": bool(reply)},
        actor=actor,
        client=checkin.client,
    )
    return checkin


@comms.register_composer("clients.checkin_due")
def compose_checkin_due(message) -> comms.Composed | None:
    """The "your check-in is due" email, unless it was submitted meanwhile."""
    checkin = (
        CheckIn.objects.select_related("organization", "client", "form")
        .filter(pk=message.context.get("checkin_id"))
        .first()
    )
    if checkin is None or checkin.status != CheckIn.Status.DUE or not checkin.client.email:
        return None
    subject, text, html = comms.render_email(
        "checkin_due",
        {"checkin": checkin, "client": checkin.client, "url": message.context["url"]},
        checkin.organization,
    )
    return comms.Composed(subject=subject, text=text, html=html, to=checkin.client.email)


@comms.register_composer("clients.checkin_due_push")
def compose_checkin_due_push(message) -> comms.Composed | None:
    """The "your check-in is due" notification, unless it was submitted meanwhile."""
    checkin = CheckIn.objects.select_related("form").filter(pk=message.context.get("checkin_id")).first()
    if checkin is None or checkin.status != CheckIn.Status.DUE:
        return None
    return comms.Composed(
        subject=_("Your check-in is due"),
        text=_("%(form)s: tell your coach how the week went.") % {"form": checkin.form.name},
        data={"url": message.context["url"], "tag": f"checkin-{checkin.public_id}"},
    )
