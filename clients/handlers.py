"""What the clients app does when the platform reports something (events outbox)."""

from __future__ import annotations

from mecto.comms.addresses import normalise
from mecto.comms.models import Channel, Consent
from mecto.events import emit, subscribe

from .models import Client


@subscribe("consent.changed", name="clients.mirror_consent")
def mirror_consent(event) -> None:
    """Consent given or withdrawn outside the client page (an unsubscribe link, a provider
    webhook) shows on the client record, once, with how it happened."""
    consent = Consent.objects.filter(pk=event.payload.get("consent_id")).select_related("organization").first()
    if consent is None:
        return
    field = "email" if consent.channel == Channel.EMAIL else "phone"
    zone = consent.organization.time_zone
    candidates = Client.objects.for_org(consent.organization).exclude(**{field: ""})
    if consent.channel == Channel.EMAIL:
        candidates = candidates.filter(email__iexact=consent.address)
    for client in candidates:
        if normalise(consent.channel, getattr(client, field), time_zone=zone) != consent.address:
            continue
        if getattr(client, f"{consent.channel}_consent") == consent.granted:
            continue
        from .services.records import _mirror_consent

        _mirror_consent(client, consent.channel, consent.granted, consent.method, consent.recorded_at)
        emit(
            client.organization,
            "client.consent_changed",
            {"client_id": client.pk, "channel": consent.channel, "granted": consent.granted, "method": consent.method},
            client=client,
        )
