"""Training's step of the setup checklist (`mecto.onboarding`)."""

from django.utils.translation import gettext_lazy as _

from mecto.onboarding import Step, register_step


def program_made(organization) -> bool:
    """A program written or generated (a template or a client's own)."""
    from .models import Program

    return Program.objects.for_org(organization).exists()


def register() -> None:
    register_step(
        Step(
            "program",
            _("Build or generate a program"),
            "training:programs",
            program_made,
            order=50,
            hint=_("Write one, or draft one from an intake"),
        )
    )
