"""What a plan grants besides session credits (programs, a meal plan, habits, check-ins, group
threads, portal sections), and the ledger of every grant and withdrawal to a client."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgOwned, OrgQuerySet

__all__ = ["AccessKind", "PlanAccess", "PlanGrant", "AccessGrant"]

MAX_GRACE_DAYS = 365


class AccessKind(models.TextChoices):
    PROGRAM = "program", _("Training program")
    MEAL_PLAN = "meal_plan", _("Meal plan")
    HABIT = "habit", _("Habit")
    CHECKIN = "checkin", _("Check-in schedule")
    GROUP = "group", _("Group thread")
    SECTION = "section", _("Portal section")


class PlanAccess(OrgOwned):
    """How a plan's grants start and end: one row per plan that grants anything."""

    class Withdrawal(models.TextChoices):
        IMMEDIATELY = "immediately", _("At once")
        PERIOD_END = "period_end", _("At the end of the paid period")
        GRACE = "grace", _("After a grace period")

    class ProgramStart(models.TextChoices):
        ON_PURCHASE = "on_purchase", _("On the day of purchase")
        NEXT_MONDAY = "next_monday", _("The next Monday (client's time zone)")
        FIXED_DATE = "fixed_date", _("On a fixed date")

    plan = models.OneToOneField("billing.Plan", on_delete=models.CASCADE, related_name="access", verbose_name=_("plan"))
    withdrawal = models.CharField(
        _("withdrawn"), max_length=16, choices=Withdrawal.choices, default=Withdrawal.PERIOD_END
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"), default=0, validators=[MaxValueValidator(MAX_GRACE_DAYS)]
    )
    program_start = models.CharField(
        _("programs start"), max_length=16, choices=ProgramStart.choices, default=ProgramStart.ON_PURCHASE
    )
    program_start_date = models.DateField(_("fixed start date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("plan access rule")
        verbose_name_plural = _("plan access rules")
        constraints = [
            models.CheckConstraint(condition=Q(grace_days__lte=MAX_GRACE_DAYS), name="plan_access_grace_days_range"),
            models.CheckConstraint(
                condition=~Q(program_start="fixed_date") | Q(program_start_date__isnull=False),
                name="plan_access_fixed_start_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} ({self.get_withdrawal_display()})"


class PlanGrant(OrgOwned):
    """One thing a plan grants: a program template, meal plan template, habit template, check-in
    form, group, or portal section. `target_id` is the row's id, or the section's key."""

    plan = models.ForeignKey("billing.Plan", on_delete=models.CASCADE, related_name="grants", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=16, choices=AccessKind.choices)
    target_id = models.CharField(_("target"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("plan grant")
        verbose_name_plural = _("plan grants")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "target_id"], name="plan_grant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_kind_display()} {self.label}"


class AccessGrantQuerySet(OrgQuerySet):
    def live(self) -> AccessGrantQuerySet:
        return self.filter(revoked_at__isnull=True)


class AccessGrant(OrgOwned):
    """The ledger: one thing given to a client because of what they bought, and when (and why)
    it was taken back. `granted_object_id` is what the grant made (the client's program copy,
    habit, schedule...); empty when the client already had it (it was theirs, not the product's)."""

    class Source(models.TextChoices):
        SUBSCRIPTION = "subscription", _("Membership")
        PURCHASE = "purchase", _("Purchase")
        INVOICE = "invoice", _("Invoice")

    class Reason(models.TextChoices):
        PURCHASE_PAID = "purchase_paid", _("Paid in full")
        MEMBERSHIP_STARTED = "membership_started", _("Membership started")
        MEMBERSHIP_PAID = "membership_paid", _("Membership paid")
        MEMBERSHIP_ENDED = "membership_ended", _("Membership ended")
        MEMBERSHIP_CANCELLED = "membership_cancelled", _("Membership cancelled")
        REFUNDED = "refunded", _("Refunded in full")
        PAST_DUE = "past_due", _("Payment reminders ran out")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="access_grants", verbose_name=_("client")
    )
    plan = models.ForeignKey("billing.Plan", on_delete=models.PROTECT, related_name="access_grants")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    subscription = models.ForeignKey(
        "billing.Subscription", null=True, blank=True, on_delete=models.SET_NULL, related_name="access_grants"
    )
    purchase = models.ForeignKey(
        "billing.Purchase", null=True, blank=True, on_delete=models.SET_NULL, related_name="access_grants"
    )
    invoice = models.ForeignKey(
        "billing.Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="access_grants"
    )
    # "subscription:<public id>" or "purchase:<public id>": with kind and target, the replay key.
    source_key = models.CharField(max_length=80, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=AccessKind.choices)
    target_id = models.CharField(_("target"), max_length=40)
    label = models.CharField(_("what"), max_length=200)
    granted_object_id = models.CharField(max_length=40, blank=True, editable=False)
    granted_at = models.DateTimeField(_("granted"))
    grant_reason = models.CharField(_("granted because"), max_length=24, choices=Reason.choices)
    revoke_after = models.DateTimeField(_("withdrawn after"), null=True, blank=True)
    revoke_reason = models.CharField(_("withdrawn because"), max_length=24, choices=Reason.choices, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["-granted_at", "-id"]
        constraints = [
            # A live grant exists once per source and target, however often its trigger replays.
            models.UniqueConstraint(
                fields=["organization", "source_key", "kind", "target_id"],
                condition=Q(revoked_at__isnull=True),
                name="access_grant_live_once",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "client", "revoked_at"], name="access_grant_client_live"),
            models.Index(fields=["revoked_at", "revoke_after"], name="access_grant_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label} → {self.client}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "withdrawn"
        return "ending" if self.revoke_after else "live"
