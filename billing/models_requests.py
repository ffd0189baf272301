"""Plan requests (a client asks for a plan when the business takes no card payments) and
the reminders of hand-paid invoices sent on the business's schedule."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgOwned, OrgQuerySet


class PlanRequestQuerySet(OrgQuerySet):
    def pending(self) -> PlanRequestQuerySet:
        return self.filter(status=PlanRequest.Status.PENDING)


class PlanRequest(OrgOwned):
    """A client asks to buy a plan; the coach approves (an invoice is issued) or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the coach")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled by the client")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="plan_requests", verbose_name=_("client")
    )
    plan = models.ForeignKey("billing.Plan", on_delete=models.PROTECT, related_name="requests", verbose_name=_("plan"))
    message = models.CharField(_("message from the client"), max_length=500, blank=True)
    coupon_code = models.CharField(_("coupon code"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    invoice = models.ForeignKey(
        "billing.Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("invoice")
    )
    subscription = models.ForeignKey(
        "billing.Subscription",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("membership"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    objects = PlanRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan request")
        verbose_name_plural = _("plan requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "plan"], condition=Q(status="pending"), name="plan_request_one_open_per_plan"
            ),
        ]
        indexes = [models.Index(fields=["organization", "status", "created_at"], name="plan_request_org_status")]

    def __str__(self) -> str:
        return f"{self.plan} — {self.client}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class InvoiceReminder(OrgOwned):
    """One scheduled reminder of a hand-paid invoice: `offset_days` before (negative) or after
        its due date. A scheduled one exists once per invoice and offset, so each is sent once; a
    coach's "Send reminder" is recorded too (`is_manual`), so the overdue list counts both."""

    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.CASCADE, related_name="scheduled_reminders", verbose_name=_("invoice")
    )
    offset_days = models.SmallIntegerField(_("days from the due date"))
    is_manual = models.BooleanField(_("sent by hand"), default=False)
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("invoice reminder")
        verbose_name_plural = _("invoice reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "offset_days"], condition=Q(is_manual=False), name="invoice_reminder_once_per_offset"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.offset_days:+d}"
