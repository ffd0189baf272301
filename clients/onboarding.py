"""The clients app's steps of the setup checklist (`mecto.onboarding`)."""

from django.utils.translation import gettext_lazy as _

from mecto.onboarding import Step, register_step


def has_real_clients(organization) -> bool:
    """A client of the business's own (demo clients do not count)."""
    from .models import Client

    return Client.objects.for_org(organization).filter(is_demo=False).exists()


def intake_sent(organization) -> bool:
    """An intake sent to a client, or answered through the public link."""
    from .models import IntakeRequest, IntakeSubmission

    return (
        IntakeRequest.objects.for_org(organization).exists()
        or IntakeSubmission.objects.for_org(organization).filter(client__is_demo=False).exists()
    )


def register() -> None:
    register_step(
        Step(
            "clients",
            _("Add or import clients"),
            "clients:list",
            has_real_clients,
            order=30,
            hint=_("By hand or from a spreadsheet"),
        )
    )
    register_step(
        Step(
            "intake",
            _("Send an intake"),
            "clients:intake_forms",
            intake_sent,
            order=40,
            hint=_("Goals, history, health"),
        )
    )
