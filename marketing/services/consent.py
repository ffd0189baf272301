"""What a recipient changes behind their unsubscribe link: every write goes through the
platform's consent records (`mecto.comms`), which decide each marketing send."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mecto import comms
from mecto.comms.models import Category, Channel
from mecto.comms.registry import topics
from mecto.events import emit, register_event_type

from ..models import UnsubscribeToken

ONE_CLICK = "one-click unsubscribe"
PREFERENCE_PAGE = "preference page"

register_event_type("client.unsubscribed", "A client unsubscribed from marketing with the link in a message")


def opt_out_topics() -> list:
    """The topics a person may opt out of (marketing topics included)."""
    return [t for t in topics() if t.can_opt_out]


def _addresses(token: UnsubscribeToken) -> dict[str, str]:
    """The addresses this recipient's choices apply to: the token's own, and the client's
    address on the other channel (the preference page offers both)."""
    found = {token.channel: token.address}
    client = token.client
    if client is not None:
        for channel, address in ((Channel.EMAIL, client.email), (Channel.SMS, client.phone)):
            if address:
                found.setdefault(channel, address)
    return found


def receives_marketing(*, organization, channel: str, address: str) -> bool:
    return comms.check(
        organization=organization, channel=channel, address=address, category=Category.MARKETING, topic="campaigns"
    ).allowed


def _withdraw(token: UnsubscribeToken, channel: str, address: str, method: str) -> bool:
    """Withdraw marketing consent once: False when it was already withdrawn."""
    organization = token.organization
    latest = comms.latest_consent(organization=organization, channel=channel, address=address)
    if latest is not None and not latest.granted:
        return False
    comms.record_consent(
        organization=organization,
        channel=channel,
        address=address,
        granted=False,
        method=method,
        client_id=token.client_id,
    )
    return True


def _emit_unsubscribed(token: UnsubscribeToken, channels: list[str], method: str) -> None:
    emit(
        token.organization,
        "client.unsubscribed",
        {"client_id": token.client_id, "channels": channels, "method": method, "token_id": token.pk},
        client=token.client,
    )


@transaction.atomic
def one_click_unsubscribe(*, token: UnsubscribeToken) -> bool:
    """RFC 8058: unsubscribe the token's address from marketing at once. A repeat changes
    nothing and emits nothing; returns whether this call unsubscribed."""
    changed = _withdraw(token, token.channel, token.address, ONE_CLICK)
    UnsubscribeToken.objects.filter(pk=token.pk).update(used_at=timezone.now())
    if changed:
        _emit_unsubscribed(token, [token.channel], ONE_CLICK)
    return changed


@transaction.atomic
def unsubscribe_from_all_marketing(*, token: UnsubscribeToken) -> list[str]:
    """Withdraw marketing consent on every channel of this recipient; returns the channels changed."""
    changed = [
        channel for channel, address in _addresses(token).items() if _withdraw(token, channel, address, PREFERENCE_PAGE)
    ]
    if changed:
        _emit_unsubscribed(token, changed, PREFERENCE_PAGE)
    return changed


@transaction.atomic
def save_preferences(*, token: UnsubscribeToken, channels: dict[str, bool], topics_wanted: dict[str, bool]) -> None:
    """Marketing per channel (consent given again or withdrawn) and topics on the token's channel."""
    organization = token.organization
    addresses = _addresses(token)
    withdrawn = []
    for channel, wanted in channels.items():
        address = addresses.get(channel)
        if not address or wanted == receives_marketing(organization=organization, channel=channel, address=address):
            continue
        if wanted:
            comms.record_consent(
                organization=organization,
                channel=channel,
                address=address,
                granted=True,
                method="resubscribed on the preference page",
                client_id=token.client_id,
            )
        elif _withdraw(token, channel, address, PREFERENCE_PAGE):
            withdrawn.append(channel)
    for name, wanted in topics_wanted.items():
        if wanted:
            comms.opt_in_to_topic(organization=organization, channel=token.channel, address=token.address, topic=name)
        else:
            comms.opt_out_of_topic(
                organization=organization,
                channel=token.channel,
                address=token.address,
                topic=name,
                source=PREFERENCE_PAGE,
            )
    if withdrawn:
        _emit_unsubscribed(token, withdrawn, PREFERENCE_PAGE)


def preference_state(*, token: UnsubscribeToken) -> dict:
    organization = token.organization
    channels = {
        channel: receives_marketing(organization=organization, channel=channel, address=address)
        for channel, address in _addresses(token).items()
    }
    receiving = {
        t.name: not comms.is_opted_out(
            organization=organization, channel=token.channel, address=token.address, topic=t.name
        )
        for t in opt_out_topics()
    }
    return {"channels": channels, "topics": receiving}


@transaction.atomic
def revoke_token(*, token: UnsubscribeToken) -> None:
    """The link stops working; the next marketing email carries a new one."""
    UnsubscribeToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
