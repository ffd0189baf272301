"""Coach alerts: what a coach is told when something happens to their clients (an intake
arrives, a session is booked, moved or cancelled), and which of it they want by email.
Automation rules and sequences land here too; the events outbox they subscribe to is the
platform's (`mecto.events`, models in the `mecto` app)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgOwned


class AlertKind(models.TextChoices):
    INTAKE = "intake", _("Intake form submitted")
    BOOKED = "booked", _("Session booked")
    MOVED = "moved", _("Session moved")
    CANCELLED = "cancelled", _("Session cancelled")


class CoachAlertPreference(OrgOwned):
    """Which alerts a coach gets by email in one business (every alert shows on the dashboard)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("coach")
    )
    email_intake = models.BooleanField(_("email me when an intake form arrives"), default=True)
    email_booked = models.BooleanField(_("email me when a session is booked"), default=True)
    email_moved = models.BooleanField(_("email me when a session is moved"), default=True)
    email_cancelled = models.BooleanField(_("email me when a session is cancelled"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("coach alert preference")
        verbose_name_plural = _("coach alert preferences")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_alert_preference_per_coach"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def wants_email(self, kind: str) -> bool:
        return getattr(self, f"email_{kind}")


class CoachAlert(OrgOwned):
    """One alert to one coach about one event: unique per event and recipient, so a fan-out
    that runs twice tells nobody twice."""

    event = models.ForeignKey("mecto.Event", on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("coach")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="+", null=True, blank=True, verbose_name=_("client")
    )
    title = models.CharField(_("title"), max_length=200)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    path = models.CharField(_("link"), max_length=300, blank=True)
    emailed = models.BooleanField(_("emailed"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)

    class Meta:
        verbose_name = _("coach alert")
        verbose_name_plural = _("coach alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="one_alert_per_event_and_coach"),
        ]
        indexes = [models.Index(fields=["organization", "recipient", "-created_at"], name="coach_alert_feed")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class CoachTask(OrgOwned):
    """Something a coach has to do: created by hand or by an automation step."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Added by hand")
        AUTOMATION = "automation", _("Automation")
        SYSTEM = "system", _("The product")

    title = models.CharField(_("title"), max_length=200)
    detail = models.CharField(_("detail"), max_length=1000, blank=True)
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.MANUAL)
    source_key = models.CharField(
        _("source key"),
        max_length=200,
        blank=True,
        help_text=_("Set by automations so a retried step creates the task once."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    completed_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("coach task")
        verbose_name_plural = _("coach tasks")
        ordering = ["completed_at", "due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_key"],
                condition=~models.Q(source_key=""),
                name="coach_task_once_per_source_key",
            ),
        ]
        indexes = [models.Index(fields=["organization", "assignee", "completed_at"], name="coach_task_open")]

    def __str__(self) -> str:
        return self.title


from .models_rules import (  # noqa: E402,F401  automations live in their own module
    Automation,
    AutomationRun,
    AutomationStep,
    Reentry,
    RunState,
    RunStep,
    StepKind,
)
