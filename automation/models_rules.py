"""Automations a coach builds: a trigger (any outbox event, or a date such as a birthday),
conditions, steps, a goal, exit conditions and a re-entry policy; runs keep their state
and a timeline of what happened when."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgOwned

BIRTHDAY_TRIGGER = "date.birthday"


class Reentry(models.TextChoices):
    ONCE = "once", _("Once ever")
    PER_DAYS = "per_days", _("Once per number of days")
    ALWAYS = "always", _("Every time")


class StepKind(models.TextChoices):
    SEND_EMAIL = "send_email", _("Send an email")
    SEND_SMS = "send_sms", _("Send a text message")
    WAIT = "wait", _("Wait")
    WAIT_UNTIL = "wait_until", _("Wait until a weekday and time")
    CREATE_TASK = "create_task", _("Create a coach task")
    ADD_TAG = "add_tag", _("Add a tag")
    REMOVE_TAG = "remove_tag", _("Remove a tag")
    CHANGE_STATUS = "change_status", _("Change the client's status")
    ASSIGN_PROGRAM = "assign_program", _("Assign a program")
    NOTIFY_COACH = "notify_coach", _("Email the coach")
    WEBHOOK = "webhook", _("Call the outgoing webhooks")


class RunState(models.TextChoices):
    RUNNING = "running", _("Running")
    WAITING = "waiting", _("Waiting")
    COMPLETED = "completed", _("Completed")
    GOAL_MET = "goal_met", _("Goal met")
    EXITED = "exited", _("Exited")
    FAILED = "failed", _("Failed")


IN_PROGRESS = (RunState.RUNNING, RunState.WAITING)


class Automation(OrgOwned):
    """A rule or sequence: when `trigger` happens to a client who matches `conditions`, run the steps."""

    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    trigger = models.CharField(
        _("trigger"),
        max_length=80,
        help_text=_("An event name (booking.no_show, client.created…) or date.birthday."),
    )
    conditions = models.JSONField(
        _("conditions"),
        default=list,
        blank=True,
        help_text=_('All must hold: [{"field": "client.status" | "client.tags" | "event.<key>", "op": …, "value": …}]'),
    )
    goal_event = models.CharField(_("goal event"), max_length=80, blank=True)
    goal_conditions = models.JSONField(_("goal conditions"), default=list, blank=True)
    exit_events = models.JSONField(_("exit events"), default=list, blank=True)
    exit_conditions = models.JSONField(
        _("exit conditions"), default=list, blank=True, help_text=_("A run stops when any of these holds.")
    )
    reentry = models.CharField(_("re-entry"), max_length=10, choices=Reentry.choices, default=Reentry.ALWAYS)
    reentry_days = models.PositiveIntegerField(_("re-entry after days"), default=30)
    is_active = models.BooleanField(_("on"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    template_key = models.CharField(_("made from template"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("automation")
        verbose_name_plural = _("automations")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organization", "is_active", "trigger"], name="automation_trigger")]

    def __str__(self) -> str:
        return self.name


class AutomationStep(OrgOwned):
    automation = models.ForeignKey(Automation, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=StepKind.choices)
    template = models.ForeignKey(
        "marketing.MessageTemplate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("template"),
    )
    config = models.JSONField(_("settings"), default=dict, blank=True)

    class Meta:
        verbose_name = _("automation step")
        verbose_name_plural = _("automation steps")
        ordering = ["automation", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.get_kind_display()}"


class AutomationRun(OrgOwned):
    """One client going through one automation."""

    automation = models.ForeignKey(Automation, on_delete=models.CASCADE, related_name="runs")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    event = models.ForeignKey(
        "mecto.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("trigger")
    )
    trigger_key = models.CharField(_("trigger key"), max_length=80)
    context = models.JSONField(_("trigger data"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices, default=RunState.RUNNING)
    current_step = models.ForeignKey(
        AutomationStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("step")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    next_run_at = models.DateTimeField(_("next step at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("automation version at start"), default=1)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("automation run")
        verbose_name_plural = _("automation runs")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["automation", "trigger_key"], name="automation_run_once_per_trigger"),
        ]
        indexes = [
            models.Index(fields=["state", "next_run_at"], name="automation_run_due"),
            models.Index(fields=["organization", "client", "state"], name="automation_run_client"),
        ]

    def __str__(self) -> str:
        return f"{self.automation} · {self.client}"

    @property
    def in_progress(self) -> bool:
        return self.state in IN_PROGRESS


class RunStep(OrgOwned):
    """A line of a run's timeline: a step done, skipped or failed, a wait begun, a goal met."""

    class Outcome(models.TextChoices):
        DONE = "done", _("Done")
        WAITING = "waiting", _("Waiting")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")
        INFO = "info", _("Note")

    run = models.ForeignKey(AutomationRun, on_delete=models.CASCADE, related_name="timeline")
    step = models.ForeignKey(AutomationStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    key = models.CharField(_("key"), max_length=80)
    kind = models.CharField(_("kind"), max_length=16, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.DONE)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    message_id = models.PositiveBigIntegerField(_("message"), null=True, blank=True)
    task = models.ForeignKey("automation.CoachTask", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("run timeline entry")
        verbose_name_plural = _("run timeline entries")
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="run_step_once_per_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome}"
