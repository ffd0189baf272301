"""Intake forms: building them, sending them, and taking submissions (with health screening)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto import comms, optin
from mecto.crypto import hash_token
from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from ..intake_defaults import create_default_form
from ..models import (
    Client,
    IntakeForm,
    IntakeQuestion,
    IntakeRequest,
    IntakeSection,
    IntakeSubmission,
    new_public_token,
)
from ..selectors import form_questions
from .notifications import INTAKE_TOPIC

__all__ = [
    "IntakeError",
    "IntakeAnswersError",
    "ensure_default_intake_form",
    "create_intake_form",
    "update_intake_form",
    "duplicate_intake_form",
    "set_default_intake_form",
    "archive_intake_form",
    "renew_public_link",
    "add_section",
    "update_section",
    "delete_section",
    "add_question",
    "update_question",
    "delete_question",
    "reorder_sections",
    "reorder_questions",
    "move_question",
    "clean_answers",
    "submit_intake",
    "accept_intake_submission",
    "discard_intake_submission",
    "send_intake_to_client",
    "revoke_intake_request",
]

register_event_type("intake.submitted", gettext_lazy("An intake form was submitted"))
register_event_type("intake.sent", gettext_lazy("An intake form was sent to a client"))

Kind = IntakeQuestion.Kind
TEXT_LIMITS = {Kind.TEXT: 500, Kind.LONG_TEXT: 5000}
MAX_CHOICES = 50


class IntakeError(DomainError):
    pass


class IntakeAnswersError(IntakeError):
    """Several answers can be wrong at once: `errors` maps question keys to messages."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        first_key = next(iter(errors))
        super().__init__(_("Some answers need your attention."), field=first_key)

    def as_dict(self) -> dict[str, list[str]]:
        return {key: [message] for key, message in self.errors.items()}


# --- Forms, sections and questions ----------------------------------------------------------------
@transaction.atomic
def ensure_default_intake_form(*, organization) -> IntakeForm:
    """Every business starts with the default form (goals, history, equipment, injuries,
    schedule, nutrition and a PAR-Q+ style screening); calling again changes nothing."""
    return create_default_form(
        organization,
        form_model=IntakeForm,
        section_model=IntakeSection,
        question_model=IntakeQuestion,
        translate=_,
    )


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise IntakeError(_("Give the form a name."), field="name")
    return name[:120]


@transaction.atomic
def create_intake_form(*, organization, name: str, description: str = "", actor=None) -> IntakeForm:
    form = IntakeForm.objects.create(organization=organization, name=_clean_name(name), description=description or "")
    add_section(form=form, title=_("Questions"))
    return form


@transaction.atomic
def update_intake_form(*, form: IntakeForm, actor=None, **fields) -> IntakeForm:
    allowed = {"name", "description", "is_public"}
    for key, value in fields.items():
        if key not in allowed:
            raise IntakeError(_("“%(field)s” cannot be changed here.") % {"field": key}, field=key)
        if key == "name":
            value = _clean_name(value)
        setattr(form, key, value if value is not None else "")
    form.save()
    return form


@transaction.atomic
def duplicate_intake_form(*, form: IntakeForm, actor=None) -> IntakeForm:
    """A copy to adapt (the copy is never the default and gets its own link)."""
    copy = IntakeForm.objects.create(
        organization=form.organization,
        name=(_("%(name)s (copy)") % {"name": form.name})[:120],
        description=form.description,
    )
    for section in form.sections.prefetch_related("questions"):
        new_section = IntakeSection.objects.create(
            organization=form.organization,
            form=copy,
            title=section.title,
            description=section.description,
            is_health_screening=section.is_health_screening,
            position=section.position,
        )
        IntakeQuestion.objects.bulk_create(
            IntakeQuestion(
                organization=form.organization,
                form=copy,
                section=new_section,
                key=q.key,
                label=q.label,
                help_text=q.help_text,
                kind=q.kind,
                choices=q.choices,
                required=q.required,
                min_value=q.min_value,
                max_value=q.max_value,
                position=q.position,
            )
            for q in section.questions.all()
        )
    return copy


@transaction.atomic
def set_default_intake_form(*, form: IntakeForm, actor=None) -> IntakeForm:
    if form.is_archived:
        raise IntakeError(_("An archived form cannot be the default."))
    IntakeForm.objects.for_org(form.organization).filter(is_default=True).exclude(pk=form.pk).update(is_default=False)
    form.is_default = True
    form.save(update_fields=["is_default", "updated_at"])
    return form


@transaction.atomic
def archive_intake_form(*, form: IntakeForm, actor=None) -> IntakeForm:
    if form.is_default:
        raise IntakeError(_("Choose another default form before archiving this one."))
    form.is_archived, form.is_public = True, False
    form.save(update_fields=["is_archived", "is_public", "updated_at"])
    return form


@transaction.atomic
def renew_public_link(*, form: IntakeForm, actor=None) -> IntakeForm:
    """A new public token: the old link stops working at once."""
    form.public_token = new_public_token()
    form.save(update_fields=["public_token", "updated_at"])
    return form


def _next_position(qs) -> int:
    return (qs.aggregate(m=Max("position"))["m"] or 0) + 1 if qs.exists() else 0


@transaction.atomic
def add_section(*, form: IntakeForm, title: str, description: str = "", is_health_screening: bool = False):
    title = (title or "").strip()
    if not title:
        raise IntakeError(_("Give the section a title."), field="title")
    return IntakeSection.objects.create(
        organization=form.organization,
        form=form,
        title=title[:160],
        description=description or "",
        is_health_screening=is_health_screening,
        position=_next_position(form.sections.all()),
    )


@transaction.atomic
def update_section(*, section: IntakeSection, **fields) -> IntakeSection:
    for key in ("title", "description", "is_health_screening"):
        if key in fields:
            setattr(section, key, fields[key] if fields[key] is not None else "")
    section.title = (section.title or "").strip()[:160]
    if not section.title:
        raise IntakeError(_("Give the section a title."), field="title")
    section.save()
    return section


@transaction.atomic
def delete_section(*, section: IntakeSection) -> None:
    if section.form.sections.count() <= 1:
        raise IntakeError(_("A form needs at least one section."))
    section.delete()


def unique_question_key(form: IntakeForm, label: str, wanted: str = "") -> str:
    """A slug of the label (`how_many_days`), unique within the form; never changes afterwards."""
    base = slugify(wanted or label).replace("-", "_")[:50].strip("_") or "question"
    if base[0].isdigit():
        base = f"q_{base}"[:50]
    taken = set(form.questions.values_list("key", flat=True))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key


def _clean_choices(kind: str, choices) -> list[dict]:
    if kind not in IntakeQuestion.CHOICE_KINDS:
        return []
    if isinstance(choices, str):
        choices = list(choices.splitlines())
    cleaned, seen = [], set()
    for choice in choices or []:
        if isinstance(choice, dict):
            label = str(choice.get("label") or choice.get("value") or "").strip()
            value = str(choice.get("value") or "").strip() or slugify(label).replace("-", "_") or label
        else:
            label = str(choice).strip()
            value = slugify(label).replace("-", "_") or label
        if not label:
            continue
        if value in seen:
            raise IntakeError(
                _("Each choice must be different (“%(label)s” is repeated).") % {"label": label}, field="choices"
            )
        seen.add(value)
        cleaned.append({"value": value[:100], "label": label[:200]})
    if not cleaned:
        raise IntakeError(_("Add at least one choice, one per line."), field="choices")
    if len(cleaned) > MAX_CHOICES:
        raise IntakeError(_("Use at most %(n)d choices.") % {"n": MAX_CHOICES}, field="choices")
    return cleaned


def _check_question(question: IntakeQuestion) -> None:
    question.label = (question.label or "").strip()[:300]
    if not question.label:
        raise IntakeError(_("Write the question."), field="label")
    if question.kind not in Kind.values:
        raise IntakeError(_("Choose a question type."), field="kind")
    if question.kind == Kind.SCALE:
        question.min_value = Decimal(1) if question.min_value is None else question.min_value
        question.max_value = Decimal(10) if question.max_value is None else question.max_value
    if question.kind not in (Kind.NUMBER, Kind.SCALE):
        question.min_value = question.max_value = None
    if question.min_value is not None and question.max_value is not None and question.min_value >= question.max_value:
        raise IntakeError(_("The maximum must be above the minimum."), field="max_value")


@transaction.atomic
def add_question(
    *,
    section: IntakeSection,
    label: str,
    kind: str = Kind.TEXT,
    required: bool = False,
    help_text: str = "",
    choices=None,
    min_value=None,
    max_value=None,
    key: str = "",
) -> IntakeQuestion:
    form = section.form
    question = IntakeQuestion(
        organization=form.organization,
        form=form,
        section=section,
        label=label,
        kind=kind,
        required=bool(required),
        help_text=(help_text or "")[:300],
        min_value=min_value,
        max_value=max_value,
        position=_next_position(section.questions.all()),
    )
    _check_question(question)
    question.choices = _clean_choices(kind, choices)
    question.key = unique_question_key(form, question.label, key)
    question.save()
    return question


@transaction.atomic
def update_question(*, question: IntakeQuestion, **fields) -> IntakeQuestion:
    """Change wording, type, choices or flags; the key stays, so earlier answers still match."""
    allowed = {"label", "kind", "required", "help_text", "choices", "min_value", "max_value", "section"}
    for key, value in fields.items():
        if key not in allowed:
            raise IntakeError(_("“%(field)s” cannot be changed here.") % {"field": key}, field=key)
        setattr(question, key, value)
    if question.section.form_id != question.form_id:
        raise IntakeError(_("Choose a section of this form."), field="section")
    _check_question(question)
    question.choices = _clean_choices(question.kind, question.choices)
    question.help_text = (question.help_text or "")[:300]
    question.save()
    return question


@transaction.atomic
def delete_question(*, question: IntakeQuestion) -> None:
    question.delete()


@transaction.atomic
def reorder_sections(*, form: IntakeForm, section_ids: list[int]) -> None:
    sections = {s.pk: s for s in form.sections.all()}
    _apply_order(sections, section_ids, IntakeSection)


@transaction.atomic
def reorder_questions(*, section: IntakeSection, question_ids: list[int]) -> None:
    """Put the section's questions in this order (ids of other sections' questions are moved here)."""
    form_questions = {q.pk: q for q in section.form.questions.all()}
    for qid in question_ids:
        if qid in form_questions:
            form_questions[qid].section = section
    ordered = {qid: form_questions[qid] for qid in question_ids if qid in form_questions}
    ordered |= {q.pk: q for q in form_questions.values() if q.section_id == section.pk and q.pk not in ordered}
    for position, question in enumerate(
        [ordered[qid] for qid in question_ids if qid in ordered]
        + [q for qid, q in ordered.items() if qid not in question_ids]
    ):
        question.position = position
    IntakeQuestion.objects.bulk_update(ordered.values(), ["section", "position"])


def _apply_order(rows: dict, ids: list[int], model) -> None:
    order = [rows[i] for i in ids if i in rows] + [r for pk, r in rows.items() if pk not in ids]
    for position, row in enumerate(order):
        row.position = position
    model.objects.bulk_update(order, ["position"])


@transaction.atomic
def move_question(*, question: IntakeQuestion, direction: int) -> None:
    """Move one place up (-1) or down (+1) within its section: the keyboard way to reorder."""
    ids = list(question.section.questions.order_by("position", "id").values_list("pk", flat=True))
    i = ids.index(question.pk)
    j = i + (1 if direction > 0 else -1)
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
        reorder_questions(section=question.section, question_ids=ids)


# --- Answers ----------------------------------------------------------------------------------------
_TRUE = {"yes", "true", "1", "on", "y"}
_FALSE = {"no", "false", "0", "off", "n"}


def _is_blank(value) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, (list, tuple)) and not value)
    )


def _clean_one(question: IntakeQuestion, value):
    """Return the stored form of one answer or raise ValueError with a message for the person."""
    kind = question.kind
    if kind in TEXT_LIMITS:
        text = str(value).strip()
        if len(text) > TEXT_LIMITS[kind]:
            raise ValueError(_("Keep this under %(n)d characters.") % {"n": TEXT_LIMITS[kind]})
        return text
    if kind in (Kind.NUMBER, Kind.SCALE):
        if isinstance(value, bool):
            raise ValueError(_("Enter a number."))
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            raise ValueError(_("Enter a number."))
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        if kind == Kind.SCALE and number != number.to_integral_value():
            raise ValueError(_("Choose a whole number."))
        low, high = question.min_value, question.max_value
        if low is not None and number < low or high is not None and number > high:
            raise ValueError(
                _("Enter a number from %(low)s to %(high)s.") % {"low": _fmt(low, "…"), "high": _fmt(high, "…")}
            )
        if abs(number) >= Decimal("1e9"):
            raise ValueError(_("Enter a smaller number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == Kind.SINGLE_CHOICE:
        value = str(value[0] if isinstance(value, (list, tuple)) and len(value) == 1 else value)
        if value not in question.choice_values:
            raise ValueError(_("Choose one of the options."))
        return value
    if kind == Kind.MULTIPLE_CHOICE:
        values = [str(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
        unknown = [v for v in values if v not in question.choice_values]
        if unknown:
            raise ValueError(_("Choose from the options given."))
        return [v for v in question.choice_values if v in values]  # form order, no duplicates
    if kind == Kind.DATE:
        if isinstance(value, datetime.date):
            return value.isoformat()
        try:
            return datetime.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date like 2026-03-31."))
    if kind == Kind.YES_NO:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(_("Answer yes or no."))
    raise ValueError(_("This question cannot be answered."))


def _fmt(value, default):
    if value is None:
        return default
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def clean_answers(*, questions, raw: dict, partial_keys: bool = False) -> tuple[dict, bool]:
    """Check raw answers against the questions; returns (answers by key, health-screening flag).

    Unanswered optional questions are left out, except multiple choice, where nothing ticked
    is an answer ([]). Raises IntakeAnswersError naming every key that is wrong.
    """
    raw = raw or {}
    if not isinstance(raw, dict):
        raise IntakeAnswersError({"answers": _("Send the answers as an object of question keys.")})
    questions = list(questions)
    known = {q.key for q in questions}
    errors: dict[str, str] = {}
    for key in raw:
        if key not in known:
            errors[str(key)] = _("There is no question with this key.")
    answers, flagged = {}, False
    for q in questions:
        present = q.key in raw
        value = raw.get(q.key)
        if _is_blank(value):
            if q.required:
                errors[q.key] = _("This question needs an answer.")
            elif q.kind == Kind.MULTIPLE_CHOICE and present:
                answers[q.key] = []
            continue
        try:
            answers[q.key] = _clean_one(q, value)
        except ValueError as exc:
            errors[q.key] = str(exc)
            continue
        if q.kind == Kind.YES_NO and answers[q.key] is True and q.section.is_health_screening:
            flagged = True
    if errors:
        raise IntakeAnswersError(errors)
    return answers, flagged


def _snapshot(questions) -> list[dict]:
    return [
        {
            "key": q.key,
            "label": q.label,
            "kind": q.kind,
            "section": q.section.title,
            "health_screening": q.section.is_health_screening,
            "choices": q.choices,
        }
        for q in questions
    ]


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _clean_contact(contact: dict) -> dict:
    contact = {k: (str(v).strip() if v is not None else "") for k, v in (contact or {}).items()}
    errors = {}
    if not contact.get("first_name"):
        errors["first_name"] = _("Enter your first name.")
    email = contact.get("email", "").lower()
    if not email or not _EMAIL.match(email) or len(email) > 254:
        errors["email"] = _("Enter a valid email address.")
    if len(contact.get("phone", "")) > 32:
        errors["phone"] = _("Enter a shorter phone number.")
    if errors:
        raise IntakeAnswersError(errors)
    return {
        "first_name": contact["first_name"][:80],
        "last_name": contact.get("last_name", "")[:80],
        "email": email,
        "phone": contact.get("phone", ""),
    }


@transaction.atomic
def submit_intake(
    *,
    form: IntakeForm,
    answers: dict,
    contact: dict | None = None,
    client: Client | None = None,
    intake_request: IntakeRequest | None = None,
    source: str = IntakeSubmission.Source.PUBLIC_LINK,
    actor=None,
    consents: dict | None = None,
) -> IntakeSubmission:
    """Store a filled-in intake and emit `intake.submitted`.

    From a public link, `contact` names the person: anyone new becomes a lead. If the email is
    an existing client's, nothing proves it is them, so the submission is stored against that
    client for the coach to accept or discard (`review` pending): the client's fields and
    consents stay as they are and the answers do not count until accepted. A "yes" in the
    health screening marks the client as needing medical clearance at once, verified or not:
    it is a safety flag, and a coach clears it after checking.
    """
    from .records import create_client

    organization = form.organization
    questions = list(form_questions(form=form))
    cleaned, flagged = clean_answers(questions=questions, raw=answers)
    if intake_request is not None:
        intake_request = IntakeRequest.objects.select_for_update().get(pk=intake_request.pk)
        if not intake_request.is_open:
            raise IntakeError(_("This intake was already completed."))
        client = intake_request.client
    created = False
    review, typed = IntakeSubmission.Review.ACCEPTED, {}
    if client is None:
        person = _clean_contact(contact or {})
        client = Client.objects.for_org(organization).filter(email__iexact=person["email"]).first()
        if client is not None:
            review, typed = IntakeSubmission.Review.PENDING, person
        else:
            client = create_client(
                organization=organization,
                actor=actor,
                status=Client.Status.LEAD,
                source=Client.Source.INTAKE,
                **person,
            )
            created = True
    submission = IntakeSubmission.objects.create(
        organization=organization,
        form=form,
        client=client,
        request=intake_request,
        source=source,
        answers=cleaned,
        questions=_snapshot(questions),
        needs_medical_clearance=flagged,
        review=review,
        contact=typed,
        consents=_ticked(consents),
    )
    if flagged and not client.needs_medical_clearance:
        Client.objects.filter(pk=client.pk).update(needs_medical_clearance=True)
        client.needs_medical_clearance = True
    if review == IntakeSubmission.Review.ACCEPTED:
        _record_intake_consents(submission, method=_("Ticked on the intake form “%(name)s”") % {"name": form.name})
    if intake_request is not None:
        intake_request.completed_at = timezone.now()
        intake_request.save(update_fields=["completed_at"])
    emit(
        organization,
        "intake.submitted",
        {
            "client_id": client.pk,
            "form_id": form.pk,
            "submission_id": submission.pk,
            "needs_medical_clearance": flagged,
            "new_lead": created,
            "source": source,
            "review": review,
        },
        actor=actor,
        client=client,
    )
    return submission


def _ticked(consents: dict | None) -> dict:
    """The boxes ticked, and the version of the email box's wording the page showed."""
    consents = consents or {}
    ticked = {channel: True for channel in ("email", "sms") if consents.get(channel)}
    if ticked.get("email") and consents.get("email_wording"):
        ticked["email_wording"] = consents["email_wording"]
    return ticked


def _record_intake_consents(submission: IntakeSubmission, *, method: str, actor=None) -> None:
    """Text messages: recorded as ticked. Email: ticking only sends a confirmation (double
    opt-in); consent is recorded when the person confirms from their inbox."""
    from .records import record_consent

    client = submission.client
    ticked = submission.consents or {}
    if ticked.get("sms") and not client.sms_consent:
        record_consent(client=client, channel="sms", granted=True, method=method, actor=actor)
    if ticked.get("email") and not client.email_consent:
        optin.request_opt_in(
            organization=client.organization,
            client=client,
            email=client.email,
            wording_id=ticked.get("email_wording"),
            source=optin.SOURCE_INTAKE,
        )


def _pending_submission(submission: IntakeSubmission) -> IntakeSubmission:
    submission = (
        IntakeSubmission.objects.select_for_update(of=("self",)).select_related("client", "form").get(pk=submission.pk)
    )
    if submission.review != IntakeSubmission.Review.PENDING:
        raise IntakeError(_("This submission was already reviewed."))
    return submission


@transaction.atomic
def accept_intake_submission(*, submission: IntakeSubmission, actor=None) -> IntakeSubmission:
    """The coach confirms an unverified public-link submission is their client's: its answers
    now count (latest answer per question wins) and the consents ticked on it are recorded.
    The client's own fields (name, phone...) are still not changed."""
    submission = _pending_submission(submission)
    submission.review = IntakeSubmission.Review.ACCEPTED
    submission.reviewed_at = timezone.now()
    submission.reviewed_by = actor if getattr(actor, "pk", None) else None
    submission.save(update_fields=["review", "reviewed_at", "reviewed_by"])
    form_name = submission.form.name if submission.form else _("Intake")
    _record_intake_consents(
        submission,
        method=_("Ticked on the intake form “%(name)s” (public link, accepted by the coach)") % {"name": form_name},
        actor=actor,
    )
    return submission


@transaction.atomic
def discard_intake_submission(*, submission: IntakeSubmission, actor=None) -> IntakeSubmission:
    """The coach rejects an unverified public-link submission: it stays visible, marked
    discarded, and its answers never count. A medical-clearance flag it raised stays until the
    coach clears it on the client's page."""
    submission = _pending_submission(submission)
    submission.review = IntakeSubmission.Review.DISCARDED
    submission.reviewed_at = timezone.now()
    submission.reviewed_by = actor if getattr(actor, "pk", None) else None
    submission.save(update_fields=["review", "reviewed_at", "reviewed_by"])
    return submission


@transaction.atomic
def send_intake_to_client(*, form: IntakeForm, client: Client, actor=None) -> IntakeRequest:
    """Email the client a single-use link to this form; answers attach to them."""
    if client.organization_id != form.organization_id:
        raise IntakeError(_("Choose a form of your business."), field="form")
    if form.is_archived:
        raise IntakeError(_("This form is archived."), field="form")
    if not client.email:
        raise IntakeError(_("Add an email address to this client first."), field="email")
    IntakeRequest.objects.for_org(client.organization).filter(
        client=client, form=form, completed_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    token = new_public_token()
    intake_request = IntakeRequest.objects.create(
        organization=client.organization,
        form=form,
        client=client,
        token_hash=hash_token(token),
        sent_by=actor if getattr(actor, "pk", None) else None,
    )
    emit(
        client.organization,
        "intake.sent",
        {"client_id": client.pk, "form_id": form.pk, "request_id": intake_request.pk},
        actor=actor,
        client=client,
    )
    comms.queue_email(
        organization=client.organization,
        to=client.email,
        topic=INTAKE_TOPIC,
        key=f"intake-request:{intake_request.pk}",
        composer="clients.intake_request",
        # The link is in the message: the token itself is only stored hashed.
        params={
            "request_id": intake_request.pk,
            "url": settings.SITE_URL + reverse("clients:intake_request", args=[token]),
        },
        client_id=client.pk,
    )
    return intake_request


@transaction.atomic
def revoke_intake_request(*, intake_request: IntakeRequest, actor=None) -> IntakeRequest:
    if intake_request.completed_at:
        raise IntakeError(_("This intake was already completed."))
    intake_request.revoked_at = intake_request.revoked_at or timezone.now()
    intake_request.save(update_fields=["revoked_at"])
    return intake_request
