"""The team step of the setup checklist (`mecto.onboarding`)."""

from django.utils.translation import gettext_lazy as _

from mecto.onboarding import Step, register_step


def team_invited(organization) -> bool:
    """Someone invited to the team, or a second member already in it."""
    from .models import Invitation, Membership

    return (
        Invitation.objects.for_org(organization).exists()
        or Membership.objects.for_org(organization).filter(is_active=True).count() > 1
    )


def register() -> None:
    register_step(
        Step("team", _("Invite your team"), "accounts:team", team_invited, order=70, hint=_("Coaches and assistants"))
    )
