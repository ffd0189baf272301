"""Every write about people and businesses: sign-up, invitations, roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from mecto import comms
from mecto.errors import DomainError
from mecto.events import emit, register_event_type
from mecto.language import supported
from mecto.roles import OWNER
from mecto.services import update_model

from .models import Invitation, InvitationBase, Membership, Organization, User
from .passwords import check_new_password

INVITATIONS_TOPIC = "invitations"
comms.register_topic(INVITATIONS_TOPIC, gettext_lazy("Invitations"))
register_event_type("organization.created", gettext_lazy("A business signed up"))
register_event_type("member.invited", gettext_lazy("A team member was invited"))
register_event_type("member.joined", gettext_lazy("A team member joined"))
register_event_type("member.role_changed", gettext_lazy("A team member's role changed"))
register_event_type("member.removed", gettext_lazy("A team member was removed"))

_org_initializers: list[Callable[[Organization], None]] = []


def register_org_initializer(func: Callable[[Organization], None]) -> Callable[[Organization], None]:
    """Apps register what every new business starts with (a default intake form, ...)."""
    _org_initializers.append(func)
    return func


def unique_org_slug(name: str) -> str:
    base = slugify(name)[:40].strip("-") or "business"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_organization(
    *,
    owner: User,
    name: str,
    time_zone: str = "UTC",
    currency: str = "USD",
    unit_system: str = "metric",
    language: str | None = None,
) -> Organization:
    """Create a business with `owner` as its owner; apps seed their defaults. Its default
    language is the one its owner signed up in, unless `language` says otherwise."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Enter the name of your business."), field="name")
    org = Organization(
        name=name,
        slug=unique_org_slug(name),
        time_zone=time_zone,
        currency=currency,
        unit_system=unit_system,
        language=supported(language or get_language()) or settings.LANGUAGE_CODE,
    )
    org.full_clean()
    org.save()
    Membership.objects.create(organization=org, user=owner, role=Membership.Role.OWNER)
    for initialize in _org_initializers:
        initialize(org)
    emit(org, "organization.created", {"organization_id": org.pk, "name": org.name}, actor=owner)
    return org


@transaction.atomic
def update_organization(*, organization: Organization, actor: User, **fields) -> Organization:
    allowed = {"name", "time_zone", "currency", "unit_system", "language"}
    for key in fields:
        if key not in allowed:
            raise DomainError(_("“%(field)s” cannot be changed here.") % {"field": key}, field=key)
    organization, _changed = update_model(organization, fields, allowed=allowed, exclude=["slug"], validate_unique=True)
    return organization


PROFILE_FIELDS = {"full_name", "time_zone", "unit_system", "language"}


@transaction.atomic
def update_profile(*, user: User, **fields) -> User:
    """A person changes their own name, time zone, units or language (empty: the business's)."""
    for key in fields:
        if key not in PROFILE_FIELDS:
            raise DomainError(_("“%(field)s” cannot be changed here.") % {"field": key}, field=key)
    # The row is re-read under a lock; `user` may be a request's lazy user, not a model instance.
    user, _changed = update_model(User(pk=user.pk), fields, allowed=PROFILE_FIELDS)
    return user


@dataclass(frozen=True)
class InvitationKind:
    """A kind of invitation that the accept page (`/invitations/<token>/`) takes.

    Accepting one sets up or checks the account here, then calls `join(invitation=, user=)`
    in the same transaction to give the person their place; the page shows
    `intro_template` and sends them on to the URL named `next_url_name`.
    """

    model: type[InvitationBase]
    join: Callable[..., None]
    intro_template: str
    next_url_name: str


_invitation_kinds: list[InvitationKind] = []


def register_invitation_kind(kind: InvitationKind) -> InvitationKind:
    """Apps add their invitations in AppConfig.ready() (clients: portal invitations)."""
    if all(known.model is not kind.model for known in _invitation_kinds):
        _invitation_kinds.append(kind)
    return kind


def invitation_kind(invitation: InvitationBase) -> InvitationKind:
    return next(kind for kind in _invitation_kinds if isinstance(invitation, kind.model))


def invitation_url(token: str) -> str:
    """The link in an invitation email: the accept page, for every kind of invitation."""
    from django.conf import settings

    return settings.SITE_URL + reverse("accounts:accept_invitation", args=[token])


def _send_invitation(invitation: Invitation, token: str) -> None:
    comms.queue_email(
        organization=invitation.organization,
        to=invitation.email,
        topic=INVITATIONS_TOPIC,
        key=f"team-invitation:{invitation.pk}",
        composer="accounts.team_invitation",
        params={"invitation_id": invitation.pk, "url": invitation_url(token)},
    )


@comms.register_composer("accounts.team_invitation")
def compose_team_invitation(message) -> comms.Composed | None:
    """The invitation email, unless it was revoked, accepted or expired meanwhile. (The
    link is in the message: the token itself is only stored hashed.)"""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=message.context["invitation_id"])
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return None
    subject, text, html = comms.render_email(
        "member_invitation", {"invitation": invitation, "url": message.context["url"]}, invitation.organization
    )
    return comms.Composed(subject=subject, text=text, html=html)


def _check_can_invite(organization: Organization, email: str) -> None:
    if Membership.objects.filter(organization=organization, user__email__iexact=email, is_active=True).exists():
        raise DomainError(_("%(email)s is already on your team.") % {"email": email}, field="email")


@transaction.atomic
def invite_member(*, organization: Organization, email: str, role: str, invited_by: User) -> tuple[Invitation, str]:
    """Invite a coach, assistant or co-owner by email: a single-use link valid for 7 days."""
    email = (email or "").strip().lower()
    if role not in Membership.Role.values:
        raise DomainError(_("Choose a role: owner, coach or assistant."), field="role")
    _check_can_invite(organization, email)
    # A new invitation to the same address replaces any pending one.
    Invitation.objects.for_org(organization).pending().filter(email__iexact=email).update(revoked_at=timezone.now())
    token, token_hash = Invitation.new_token()
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=invited_by,
        expires_at=timezone.now() + Invitation.TTL,
    )
    invitation.full_clean(exclude=["token_hash"])
    invitation.save()
    emit(organization, "member.invited", {"email": email, "role": role}, actor=invited_by)
    _send_invitation(invitation, token)
    return invitation, token


def invitation_for_token(token: str) -> InvitationBase | None:
    """The usable invitation of any kind for a token, or None (unknown, used, revoked or expired)."""
    token_hash = InvitationBase.hash_token(token or "")
    for kind in _invitation_kinds:
        invitation = kind.model.objects.select_related("organization").filter(token_hash=token_hash).first()
        if invitation is not None:
            return invitation if invitation.is_usable else None
    return None


@transaction.atomic
def accept_invitation(
    *, token: str, user: User | None = None, password: str | None = None, full_name: str = ""
) -> User:
    """Use an invitation once: create the account if needed and join the business
    (the team, or the client portal for a portal invitation).

    A signed-in `user` must own the invited address; otherwise a new account is
    created with `password` (validated by Django's password validators).
    """
    invitation = invitation_for_token(token)
    if invitation is None:
        raise DomainError(_("This invitation link is invalid, already used or expired. Ask for a new one."))
    kind = invitation_kind(invitation)
    # Lock the row: two clicks on the same link must not both succeed.
    invitation = kind.model.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise DomainError(_("This invitation has already been used."))
    if user is not None and user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            raise DomainError(
                _("This invitation is for %(email)s. Log out and open the link again.") % {"email": invitation.email}
            )
    else:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise DomainError(_("You already have an account: log in, then open the link again."))
        try:
            check_new_password(password or "", email=invitation.email, full_name=full_name.strip())
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="password1") from exc
        user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name.strip())
        _mark_email_verified(user)
    kind.join(invitation=invitation, user=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


def _join_team(*, invitation: Invitation, user: User) -> None:
    membership, created = Membership.objects.get_or_create(
        organization=invitation.organization, user=user, defaults={"role": invitation.role}
    )
    if not created:
        membership.role, membership.is_active = invitation.role, True
        membership.save(update_fields=["role", "is_active"])
    emit(invitation.organization, "member.joined", {"user_id": user.pk, "role": invitation.role}, actor=user)


register_invitation_kind(
    InvitationKind(
        model=Invitation,
        join=_join_team,
        intro_template="accounts/_team_invitation_intro.html",
        next_url_name="dashboard",
    )
)


def _mark_email_verified(user: User) -> None:
    """The invitation link proved the address: record it as verified for allauth."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


@transaction.atomic
def revoke_invitation(*, invitation: InvitationBase, actor: User) -> InvitationBase:
    if invitation.accepted_at:
        raise DomainError(_("This invitation was already accepted."))
    invitation.revoked_at = invitation.revoked_at or timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def _owners_left(organization: Organization, excluding: Membership) -> int:
    return Membership.objects.for_org(organization).filter(role=OWNER, is_active=True).exclude(pk=excluding.pk).count()


@transaction.atomic
def change_member_role(*, membership: Membership, role: str, actor: User) -> Membership:
    """Owners change roles; nobody raises their own role, and a business keeps an owner."""
    if role not in Membership.Role.values:
        raise DomainError(_("Choose a role: owner, coach or assistant."), field="role")
    if membership.user_id == actor.pk:
        raise DomainError(_("You cannot change your own role."), field="role")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == OWNER and role != OWNER and _owners_left(membership.organization, membership) == 0:
        raise DomainError(_("A business needs at least one owner."), field="role")
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    emit(
        membership.organization,
        "member.role_changed",
        {"user_id": membership.user_id, "from": old, "to": role},
        actor=actor,
    )
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, actor: User) -> Membership:
    if membership.user_id == actor.pk:
        raise DomainError(_("You cannot remove yourself."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == OWNER and _owners_left(membership.organization, membership) == 0:
        raise DomainError(_("A business needs at least one owner."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    emit(membership.organization, "member.removed", {"user_id": membership.user_id}, actor=actor)
    return membership


def end_sessions(*, user: User) -> int:
    """Sign the person out everywhere: browser sessions and the app's session tokens (both are
    sessions that allauth tracks per user). Returns how many ended."""
    from allauth.usersessions.models import UserSession

    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


@transaction.atomic
def close_account(*, user: User) -> bool:
    """Delete an account that belongs to no team (a client's portal login whose last client
    record went). Team members and back-office staff keep theirs. Returns whether it went."""
    if user.is_staff or user.is_superuser or Membership.objects.filter(user=user).exists():
        return False
    end_sessions(user=user)
    user.delete()
    return True


@transaction.atomic
def sign_up_business(
    *,
    email: str,
    password: str,
    business_name: str,
    full_name: str = "",
    time_zone: str = "UTC",
    currency: str = "USD",
    unit_system: str = "metric",
) -> tuple[User, Organization]:
    """Create an owner account and their business in one step (operators and tests)."""
    try:
        check_new_password(password, email=email, full_name=full_name)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from exc
    try:
        user = User.objects.create_user(email=email, password=password, full_name=full_name, time_zone=time_zone)
    except IntegrityError as exc:
        raise DomainError(_("An account with this email already exists."), field="email") from exc
    org = create_organization(
        owner=user, name=business_name, time_zone=time_zone, currency=currency, unit_system=unit_system
    )
    return user, org
