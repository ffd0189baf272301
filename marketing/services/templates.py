"""Message templates: create, edit, archive and restore, and a test send to oneself.

Every text a template holds is checked by the sandbox (`marketing.rendering.check_text`)
before it is saved: a merge field outside the allow-list, or any template tag, is refused
with an error naming the field."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto import comms
from mecto.comms.addresses import normalise_phone
from mecto.comms.models import Category, Channel
from mecto.events import emit, register_event_type
from mecto.services import full_clean, update_model

from ..models import MessageTemplate
from ..rendering import TemplateError, check_text, clean_blocks, render, render_with, sample_values

__all__ = [
    "TemplateError",
    "TEMPLATE_FIELDS",
    "create_template",
    "update_template",
    "archive_template",
    "restore_template",
    "send_test",
]

TEMPLATE_FIELDS = {"name", "channel", "subject", "preheader", "blocks", "sms_body"}
TEST_TOPIC = "account"

register_event_type("marketing.template_created", gettext_lazy("A message template was created"))
register_event_type("marketing.template_updated", gettext_lazy("A message template was changed"))


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _check(row: MessageTemplate) -> None:
    if row.channel not in Channel.values:
        raise TemplateError(_("Choose email or text message."), field="channel")
    if not (row.name or "").strip():
        raise TemplateError(_("Give the template a name."), field="name")
    row.name = row.name.strip()
    for field in ("subject", "preheader", "sms_body"):
        check_text(getattr(row, field) or "", field=field)
    row.blocks = clean_blocks(row.blocks)
    if row.channel == Channel.EMAIL:
        if not (row.subject or "").strip():
            raise TemplateError(_("An email needs a subject."), field="subject")
        if not row.blocks:
            raise TemplateError(_("Add at least one block to the email's body."), field="blocks")
    elif not (row.sms_body or "").strip():
        raise TemplateError(_("Write the text message."), field="sms_body")


@transaction.atomic
def create_template(
    *,
    organization,
    actor=None,
    name: str,
    channel: str = Channel.EMAIL,
    subject: str = "",
    preheader: str = "",
    blocks: list | None = None,
    sms_body: str = "",
) -> MessageTemplate:
    row = MessageTemplate(
        organization=organization,
        name=name or "",
        channel=channel,
        subject=subject or "",
        preheader=preheader or "",
        blocks=blocks or [],
        sms_body=sms_body or "",
        created_by=_actor(actor),
    )
    _check(row)
    full_clean(row, exclude=["organization", "created_by"], error=TemplateError)
    row.save()
    emit(organization, "marketing.template_created", {"template_id": row.pk, "channel": row.channel}, actor=actor)
    return row


@transaction.atomic
def update_template(*, template: MessageTemplate, actor=None, **fields) -> MessageTemplate:
    if "blocks" in fields and fields["blocks"] is None:
        fields["blocks"] = []
    row, changed = update_model(
        template,
        fields,
        allowed=TEMPLATE_FIELDS,
        error=TemplateError,
        exclude=["organization", "created_by"],
        before_clean=lambda r, _changed: _check(r),
    )
    if changed:
        emit(
            row.organization,
            "marketing.template_updated",
            {"template_id": row.pk, "fields": sorted(changed)},
            actor=actor,
        )
    return row


@transaction.atomic
def archive_template(*, template: MessageTemplate, actor=None) -> MessageTemplate:
    row = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    if row.archived_at is None:
        row.archived_at = timezone.now()
        row.save(update_fields=["archived_at", "updated_at"])
    return row


@transaction.atomic
def restore_template(*, template: MessageTemplate, actor=None) -> MessageTemplate:
    row = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    if row.archived_at is not None:
        row.archived_at = None
        row.save(update_fields=["archived_at", "updated_at"])
    return row


@transaction.atomic
def send_test(*, template: MessageTemplate, actor, client=None, phone: str = ""):
    """Queue the template, rendered with `client`'s data (or sample data), to the coach who
    asked: email to their own address; a text to the mobile number they give. Returns the
    message row (a new one per click)."""
    organization = template.organization
    if not getattr(actor, "pk", None):
        raise TemplateError(_("Sign in to send a test."))
    rendered = (
        render(template, client, organization=organization)
        if client is not None
        else render_with(template, sample_values(organization), organization)
    )
    key = f"marketing-test:{template.pk}:{uuid.uuid4().hex}"
    if template.channel == Channel.EMAIL:
        if not actor.email:
            raise TemplateError(_("Your account has no email address to send the test to."))
        return comms.queue_email(
            organization=organization,
            to=actor.email,
            topic=TEST_TOPIC,
            key=key,
            category=Category.TRANSACTIONAL,
            subject=_("[Test] %(subject)s") % {"subject": rendered.subject or template.name},
            text=rendered.text,
            html=rendered.html,
        )
    try:
        phone = normalise_phone(phone or "", time_zone=organization.time_zone)
    except ValueError:
        phone = ""
    if not phone:
        raise TemplateError(_("Enter your mobile number to receive the test text message."), field="phone")
    return comms.queue_sms(
        organization=organization,
        to=phone,
        topic=TEST_TOPIC,
        key=key,
        category=Category.TRANSACTIONAL,
        body=rendered.sms,
    )
