"""Booking's step of the setup checklist (`mecto.onboarding`)."""

from django.utils.translation import gettext_lazy as _

from mecto.onboarding import Step, register_step


def hours_and_service_set(organization) -> bool:
    from .models import AvailabilityRule, ServiceType

    return (
        AvailabilityRule.objects.for_org(organization).exists()
        and ServiceType.objects.for_org(organization).filter(is_active=True).exists()
    )


def register() -> None:
    register_step(
        Step(
            "hours",
            _("Set your hours and a service"),
            "booking:availability",
            hours_and_service_set,
            order=20,
            hint=_("When clients can book you, and what they book"),
        )
    )
