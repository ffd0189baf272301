"""The clients app's sections of the back office's support page (360): who the client is,
and what they agreed to be sent (consent proof and suppressions of their addresses)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from mecto.comms.addresses import normalise
from mecto.comms.models import Channel, Suppression
from mecto.support import ROWS_PER_SECTION, Section, local_datetime

from .models import Client
from .selectors import consent_history


def health_facts() -> set[str]:
    """Labels of the profile facts only staff with `clients.view_health` see."""
    return {str(_("Needs medical clearance"))}


def profile_section(client: Client) -> Section:
    portal = client.user.email if client.user_id else _("no portal account")
    return Section(
        title=_("Profile"),
        facts=[
            (_("Name"), client.full_name),
            (_("Business"), client.organization.name),
            (_("Email"), client.email or "-"),
            (_("Phone"), client.phone or "-"),
            (_("Status"), client.get_status_display()),
            (_("Coach"), client.coach or "-"),
            (_("Portal login"), portal),
            (_("Time zone"), client.time_zone),
            (_("Source"), client.get_source_display()),
            (_("Needs medical clearance"), _("yes") if client.needs_medical_clearance else _("no")),
            (_("Added"), local_datetime(client.created_at, client)),
            (
                _("Edit"),
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:clients_client_change", args=[client.pk]),
                    _("Edit the record"),
                ),
            ),
        ],
        order=10,
    )


def _addresses(client: Client) -> Q:
    query = Q(pk__in=[])
    if client.email:
        query |= Q(channel=Channel.EMAIL, address=normalise(Channel.EMAIL, client.email))
    if client.phone:
        phone = normalise(Channel.SMS, client.phone, time_zone=client.organization.time_zone)
        if phone:
            query |= Q(channel=Channel.SMS, address=phone)
    return query


def consent_section(client: Client) -> Section:
    def given(flag, at, method):
        state = _("given") if flag else _("not given")
        return f"{state} · {local_datetime(at, client)} · {method}" if at else state

    suppressions = (
        Suppression.objects.filter(_addresses(client))
        .filter(Q(organization_id=client.organization_id) | Q(organization__isnull=True))
        .order_by("-created_at")[:ROWS_PER_SECTION]
    )
    rows = [
        [
            local_datetime(record.recorded_at, client),
            record.get_channel_display(),
            _("given") if record.granted else _("withdrawn"),
            record.address or "-",
            record.method,
            record.recorded_by or "-",
        ]
        for record in consent_history(client=client)[:ROWS_PER_SECTION]
    ]
    facts = [
        (_("Email marketing"), given(client.email_consent, client.email_consent_at, client.email_consent_method)),
        (_("SMS marketing"), given(client.sms_consent, client.sms_consent_at, client.sms_consent_method)),
    ]
    facts += [
        (
            _("Suppressed"),
            f"{s.get_channel_display()} {s.address} · {s.get_reason_display()}"
            + (f" ({s.topic})" if s.topic else "")
            + f" · {local_datetime(s.created_at, client)}",
        )
        for s in suppressions
    ]
    return Section(
        title=_("Consent"),
        facts=facts,
        columns=[_("When"), _("Channel"), _("Consent"), _("Address"), _("How"), _("Recorded by")],
        rows=rows,
        empty=_("No consent was recorded for this client."),
        order=90,
    )
