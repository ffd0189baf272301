"""Portal invitations: a coach invites a client to their portal account (pages and app).

The link opens the accept page that accounts keeps for every kind of invitation; accepting
sets up the account there and then `join_portal` links it to the client record.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import INVITATIONS_TOPIC, invitation_url
from mecto import comms
from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from ..models import Client, PortalInvitation

__all__ = ["invite_client", "join_portal"]

register_event_type("client.invited", gettext_lazy("A client was invited to the portal"))
register_event_type("client.portal_joined", gettext_lazy("A client activated their portal account"))


@transaction.atomic
def invite_client(*, client: Client, invited_by) -> tuple[PortalInvitation, str]:
    """Invite a client to their portal account (the mobile app and client pages)."""
    if not client.email:
        raise DomainError(_("Add an email address to this client before inviting them."), field="email")
    if client.user_id:
        raise DomainError(_("This client already has a portal account."), field="email")
    organization = client.organization
    PortalInvitation.objects.for_org(organization).pending().filter(client=client).update(revoked_at=timezone.now())
    token, token_hash = PortalInvitation.new_token()
    invitation = PortalInvitation.objects.create(
        organization=organization,
        email=client.email,
        client=client,
        token_hash=token_hash,
        invited_by=invited_by,
        expires_at=timezone.now() + PortalInvitation.TTL,
    )
    emit(organization, "client.invited", {"client_id": client.pk}, actor=invited_by, client=client)
    _send_portal_invitation(invitation, token)
    return invitation, token


def _send_portal_invitation(invitation: PortalInvitation, token: str) -> None:
    comms.queue_email(
        organization=invitation.organization,
        to=invitation.email,
        topic=INVITATIONS_TOPIC,
        key=f"portal-invitation:{invitation.pk}",
        composer="clients.portal_invitation",
        params={"invitation_id": invitation.pk, "url": invitation_url(token)},
        client_id=invitation.client_id,
    )


def join_portal(*, invitation: PortalInvitation, user) -> None:
    """Accepting a portal invitation: the new (or signed-in) account becomes the client's login."""
    client = invitation.client
    client.user = user
    client.save(update_fields=["user", "updated_at"])
    emit(invitation.organization, "client.portal_joined", {"client_id": client.pk}, actor=user, client=client)


@comms.register_composer("clients.portal_invitation")
def compose_portal_invitation(message) -> comms.Composed | None:
    """The invitation email, unless it was revoked, accepted or expired meanwhile."""
    invitation = (
        PortalInvitation.objects.select_related("organization", "invited_by", "client")
        .filter(pk=message.context["invitation_id"])
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return None
    subject, text, html = comms.render_email(
        "client_invitation", {"invitation": invitation, "url": message.context["url"]}, invitation.organization
    )
    return comms.Composed(subject=subject, text=text, html=html)
