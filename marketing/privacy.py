"""What marketing keeps about a client (the campaigns that reached them, their unsubscribe
links, their marketing and topic choices), for their export and erasure. Registered with
mecto.privacy in AppConfig.ready().

Erasure keeps the suppressions of the client's addresses (unsubscribed, topic opt-outs,
hard bounces, STOP): they hold an address and a reason, nothing else, and they are what
stops a business that adds the address again (an import, a new intake) from mailing a
person who said no."""

from __future__ import annotations

from django.db.models import Q

from mecto.comms.addresses import normalise
from mecto.comms.models import Channel, Suppression
from mecto.privacy import Export, delete_rows, plain, rows, section


def _addresses(client) -> dict[str, str]:
    """The client's addresses as the sending mechanism stores them (phones in E.164)."""
    found = {}
    for channel, value in ((Channel.EMAIL, client.email), (Channel.SMS, client.phone)):
        address = normalise(channel, value, time_zone=client.organization.time_zone)
        if address:
            found[channel] = address
    return found


def _suppressions(client):
    addresses = _addresses(client)
    if not addresses:
        return Suppression.objects.none()
    by_address = Q()
    for channel, address in addresses.items():
        by_address |= Q(channel=channel, address=address)
    return Suppression.objects.filter(Q(organization=client.organization) | Q(organization__isnull=True)).filter(
        by_address
    )


def _tokens(client):
    from .models import UnsubscribeToken

    by_address = Q(client=client)
    for channel, address in _addresses(client).items():
        by_address |= Q(channel=channel, address=address)
    return UnsubscribeToken.objects.filter(organization=client.organization).filter(by_address)


def export_client(client) -> Export:
    from .models import CampaignRecipient
    from .services.consent import opt_out_topics

    export = Export()
    recipients = CampaignRecipient.objects.filter(client=client).order_by("created_at", "id")
    export.sections["campaign_messages"] = rows(
        recipients,
        exclude=("organization", "client"),
        related=(
            "campaign__name",
            "message__to_address",
            "message__status",
            "message__sent_at",
            "message__delivered_at",
        ),
    )
    suppressions = list(_suppressions(client).order_by("created_at", "id"))
    export.sections["marketing_opt_outs"] = [
        {
            "channel": row.channel,
            "address": row.address,
            "reason": row.reason,
            "topic": row.topic,
            "source": row.source,
            "since": plain(row.created_at),
        }
        for row in suppressions
    ]
    opted_out = {(row.channel, row.topic) for row in suppressions if row.reason == Suppression.Reason.TOPIC_OPT_OUT}
    export.sections["topic_choices"] = [
        {
            "channel": channel,
            "topic": topic.name,
            "label": str(topic.label),
            "receives": (channel, topic.name) not in opted_out,
        }
        for channel in _addresses(client)
        for topic in opt_out_topics()
    ]
    # The link's token itself is left out: it is a key, and the export may travel.
    export.sections["unsubscribe_links"] = rows(
        _tokens(client).order_by("created_at", "id"), exclude=("organization", "token")
    )
    return export


def export_opt_ins(client) -> Export:
    """The email opt-in requests (double opt-in from public forms), without their token."""
    from .models import OptInRequest

    export = Export()
    section(
        export,
        "email_opt_in_requests",
        OptInRequest.objects.filter(client=client).order_by("id"),
        exclude=("organization", "token_hash"),
    )
    return export


def erase_client(client, *, request=None) -> dict[str, int]:
    """The campaign rows, opt-in requests and unsubscribe links go; suppressions stay (see the
    module note)."""
    from .models import CampaignRecipient, OptInRequest

    return delete_rows(
        {}, CampaignRecipient.objects.filter(client=client), OptInRequest.objects.filter(client=client), _tokens(client)
    )
