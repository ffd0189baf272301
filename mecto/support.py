"""The support view of one client (the back office's "360" page): every app contributes a
section about the client (profile, bookings, payments, invoices, messages, consent), so the
page that shows them imports no app above it.

    from mecto import support

    support.register_client_section(bookings_section)  # in AppConfig.ready()

A section function takes the client and returns a `Section` (or None to show nothing); it
reads a bounded number of rows with their related rows already joined.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROWS_PER_SECTION = 20

_sections: list[Callable] = []


@dataclass
class Section:
    title: str
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)  # cells: text, or HTML made with format_html
    facts: list[tuple[str, object]] = field(default_factory=list)  # label, value pairs above the table
    empty: str = ""
    more_url: str = ""
    more_label: str = ""
    order: int = 100


def register_client_section(func: Callable) -> Callable:
    """`func(client) -> Section | None`; apps register in AppConfig.ready()."""
    if func not in _sections:
        _sections.append(func)
    return func


def client_sections(client) -> list[Section]:
    sections = [section for func in _sections if (section := func(client)) is not None]
    return sorted(sections, key=lambda s: s.order)


def messages_section(client) -> Section:
    """The platform's own part: the message log rows (email and SMS) sent to the client."""
    from django.urls import reverse
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    from .comms.models import OutboundMessage

    rows = (
        OutboundMessage.objects.filter(organization_id=client.organization_id, client_id=client.pk)
        .only("pk", "created_at", "channel", "topic", "to_address", "subject", "status", "status_detail")
        .order_by("-created_at", "-pk")[:ROWS_PER_SECTION]
    )
    return Section(
        title=_("Messages"),
        columns=[_("Queued"), _("Channel"), _("Topic"), _("To"), _("Subject"), _("Status")],
        rows=[
            [
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:mecto_outboundmessage_change", args=[m.pk]),
                    local_datetime(m.created_at, client),
                ),
                m.get_channel_display(),
                m.topic,
                m.to_address,
                m.subject or "-",
                m.get_status_display() + (f" ({m.status_detail})" if m.status_detail else ""),
            ]
            for m in rows
        ],
        empty=_("No email or text message was sent to this client."),
        more_url=reverse("admin:mecto_outboundmessage_changelist") + f"?client_id={client.pk}",
        more_label=_("The whole message log of this client"),
        order=80,
    )


def local_datetime(moment, client) -> str:
    """A moment in the client's business's time zone, day first."""
    from django.utils.formats import date_format

    from .localization import zone

    if moment is None:
        return "-"
    return date_format(moment.astimezone(zone(client.organization.time_zone)), "DATETIME_FORMAT")
