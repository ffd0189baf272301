"""Portal invitations: a coach invites a client to their portal account (pages and app).

The link opens the accept page that accounts keeps for every kind of invitation; accepting
sets up the account there and then `join_portal` links it to the client record.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import invitation_url
from mecto.email import send_templated_email
from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from ..models import Client, PortalInvitation

__all__ = ["invite_client", "join_portal", "deliver_portal_invitation_email"]

register_event_type("client.invited", _("A client was invited to the portal"))
register_event_type("client.portal_joined", _("A client activated their portal account"))


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
    from ..tasks import send_portal_invitation_email

    url = invitation_url(token)
    transaction.on_commit(lambda: send_portal_invitation_email.delay(invitation.pk, url))


def join_portal(*, invitation: PortalInvitation, user) -> None:
    """Accepting a portal invitation: the new (or signed-in) account becomes the client's login."""
    client = invitation.client
    client.user = user
    client.save(update_fields=["user", "updated_at"])
    emit(invitation.organization, "client.portal_joined", {"client_id": client.pk}, actor=user, client=client)


def deliver_portal_invitation_email(*, invitation_id: int, url: str) -> None:
    invitation = PortalInvitation.objects.select_related("organization", "invited_by", "client").get(pk=invitation_id)
    if not invitation.is_usable:
        return
    send_templated_email(
        to=invitation.email,
        template="client_invitation",
        context={"invitation": invitation, "url": url},
        organization=invitation.organization,
    )
