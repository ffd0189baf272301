from django.db.models import QuerySet

from .models import Invitation, Membership, Organization, User


def active_memberships(*, user: User) -> QuerySet[Membership]:
    """The businesses a person works in (active, of active businesses), the first joined first."""
    return (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("created_at")
    )


def team_members(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.for_org(organization)
        .filter(is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name", "user__email")
    )


def pending_member_invitations(*, organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.for_org(organization).pending().select_related("invited_by").order_by("-created_at")
