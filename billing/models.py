"""Billing: plans, memberships, invoices, payments, credit notes and the Stripe link.

Money is an integer in minor units with an ISO 4217 currency; time is stored in UTC.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.fields import LimitedTextField
from mecto.localization import format_money, validate_currency
from mecto.tenancy import OrgOwned, OrgQuerySet

TAX_RATE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def default_reminder_offsets() -> list[int]:
    return [-3, 0, 3, 7, 14]


class BillingSettings(OrgOwned):
    """One row per business: its Stripe connected account, invoice numbering and wording.

    Only the connected account id is stored; the platform's secret key (settings) acts on
    the account's behalf through the `Stripe-Account` header.
    """

    stripe_account_id = models.CharField(_("Stripe account"), max_length=64, blank=True, db_index=True)
    stripe_charges_enabled = models.BooleanField(_("can take card payments"), default=False)
    stripe_details_submitted = models.BooleanField(_("onboarding finished"), default=False)
    stripe_payouts_enabled = models.BooleanField(_("payouts enabled"), default=False)
    stripe_synced_at = models.DateTimeField(_("Stripe status as of"), null=True, blank=True)
    stripe_portal_configuration_id = models.CharField(max_length=64, blank=True, editable=False)
    invoice_prefix = models.CharField(_("invoice number prefix"), max_length=12, default="INV")
    credit_note_prefix = models.CharField(_("credit note prefix"), max_length=12, default="CN")
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=14, validators=[MaxValueValidator(365)]
    )
    legal_name = models.CharField(
        _("legal business name"),
        max_length=200,
        blank=True,
        help_text=_("The registered name printed on invoices, when it differs from your business name."),
    )
    business_address = LimitedTextField(
        _("business address"),
        max_length=300,
        blank=True,
        help_text=_("Printed under your business name on invoices and credit notes."),
    )
    tax_number = models.CharField(
        _("VAT / tax number"),
        max_length=32,
        blank=True,
        help_text=_("Needed on invoices that charge VAT or sales tax."),
    )
    registration_details = models.CharField(
        _("registration details"),
        max_length=200,
        blank=True,
        help_text=_("For example: Company no. 12345678, registered in England and Wales."),
    )
    default_tax_rate = models.DecimalField(
        _("default tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=TAX_RATE_VALIDATORS,
        help_text=_("Filled in on every new invoice line; each line can change it."),
    )
    prices_include_tax = models.BooleanField(
        _("prices include tax"),
        default=True,
        help_text=_("On: the prices you enter are what the client pays. Off: tax is added on top."),
    )
    invoice_footer = LimitedTextField(
        _("invoice footer"),
        blank=True,
        max_length=1000,
        help_text=_("Bank details for transfers, thank-you note."),
    )
    # How to pay by transfer: shown on invoices, emails and the portal when there is no card payment.
    bank_account_holder = models.CharField(_("account holder"), max_length=140, blank=True)
    bank_account_number = models.CharField(
        _("IBAN or account number"), max_length=64, blank=True, help_text=_("Where clients send transfers.")
    )
    bank_code = models.CharField(_("sort code, BIC or routing number"), max_length=32, blank=True)
    # Reminders of hand-paid invoices: days from the due date (negative: before it).
    reminders_enabled = models.BooleanField(
        _("send payment reminders"),
        default=True,
        help_text=_("Email clients about invoices they pay by hand, before and after the due date."),
    )
    reminder_offsets = models.JSONField(_("reminder days"), default=default_reminder_offsets, blank=True)
    # Counters for gap-free numbering: the row is locked while a number is taken, so the
    # number and the document it belongs to commit (or roll back) together.
    next_invoice_number = models.PositiveIntegerField(default=1, editable=False)
    next_credit_note_number = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")
        constraints = [models.UniqueConstraint(fields=["organization"], name="billing_settings_one_per_org")]

    def __str__(self) -> str:
        return f"Billing of {self.organization}"

    @property
    def stripe_connected(self) -> bool:
        return bool(self.stripe_account_id)

    @property
    def takes_card_payments(self) -> bool:
        return bool(self.stripe_account_id and self.stripe_charges_enabled and settings.STRIPE_SECRET_KEY)

    @property
    def has_bank_details(self) -> bool:
        return bool(self.bank_account_number)

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.business_address.splitlines() if line.strip()]


class PlanQuerySet(OrgQuerySet):
    def active(self) -> PlanQuerySet:
        return self.filter(is_active=True)

    def sold_online(self) -> PlanQuerySet:
        return self.filter(is_active=True, sold_online=True)


class Plan(OrgOwned):
    """Something a client can buy: a package of sessions, a fixed service, or a membership."""

    class Kind(models.TextChoices):
        PACKAGE = "package", _("Session package")
        SERVICE = "service", _("Fixed service")
        MEMBERSHIP = "membership", _("Membership (recurring)")

    class Interval(models.TextChoices):
        WEEK = "week", _("Weekly")
        MONTH = "month", _("Monthly")
        YEAR = "year", _("Yearly")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    description = LimitedTextField(_("description"), blank=True, max_length=2000)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    price_minor = models.PositiveIntegerField(_("price (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    tax_rate = models.DecimalField(
        _("tax rate (%)"), max_digits=5, decimal_places=2, default=0, validators=TAX_RATE_VALIDATORS
    )
    price_includes_tax = models.BooleanField(
        _("price includes tax"), default=True, help_text=_("Off: tax is added on top of the price.")
    )
    sessions = models.PositiveSmallIntegerField(
        _("sessions included"), default=0, help_text=_("Package: sessions bought. Membership: sessions per period.")
    )
    validity_days = models.PositiveSmallIntegerField(
        _("valid for (days)"),
        null=True,
        blank=True,
        help_text=_("Packages and services expire this long after payment."),
    )
    interval = models.CharField(_("billed"), max_length=8, choices=Interval.choices, blank=True)
    trial_days = models.PositiveSmallIntegerField(_("trial (days)"), default=0)
    trial_price_minor = models.PositiveIntegerField(
        _("trial price (minor units)"),
        default=0,
        help_text=_("Zero: the trial is free. Otherwise what the whole trial costs, invoiced when it starts."),
    )
    minimum_term_periods = models.PositiveSmallIntegerField(
        _("minimum term (periods)"), default=0, help_text=_("Periods a member commits to before they can cancel.")
    )
    sold_online = models.BooleanField(
        _("sold online"), default=True, help_text=_("Clients can buy it in their portal and the app.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    stripe_product_id = models.CharField(max_length=64, blank=True, editable=False)
    stripe_price_id = models.CharField(max_length=64, blank=True, editable=False)
    stripe_price_signature = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Amount, currency and interval the Stripe price was made for.",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-is_active", "kind", "name", "id"]
        indexes = [models.Index(fields=["organization", "is_active"], name="plan_org_active")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="membership") | ~Q(interval=""), name="plan_membership_has_interval"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_recurring(self) -> bool:
        return self.kind == self.Kind.MEMBERSHIP

    @property
    def gross_minor(self) -> int:
        """What the client pays for one unit, tax included."""
        from .money import line_amounts

        return line_amounts(
            unit_minor=self.price_minor, quantity=1, tax_rate=self.tax_rate, tax_inclusive=self.price_includes_tax
        ).total

    @property
    def price_display(self) -> str:
        text = format_money(self.gross_minor, self.currency)
        if self.is_recurring:
            return f"{text} / {self.get_interval_display().lower()}"
        return text

    def stripe_signature(self) -> str:
        return f"{self.gross_minor}:{self.currency}:{self.interval if self.is_recurring else 'once'}"


class Subscription(OrgOwned):
    """A client's membership of a recurring plan, collected by Stripe or paid by hand."""

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("Awaiting first payment")
        TRIALING = "trialing", _("Trial")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Past due")
        CANCELLED = "cancelled", _("Cancelled")

    class Collection(models.TextChoices):
        STRIPE = "stripe", _("Card (Stripe)")
        MANUAL = "manual", _("Paid by hand")

    LIVE_STATUSES = (Status.TRIALING, Status.ACTIVE, Status.PAST_DUE)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="billing_subscriptions", verbose_name=_("client")
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("plan"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    collection = models.CharField(_("paid by"), max_length=8, choices=Collection.choices)
    # Snapshot of the price at sign-up: later plan edits do not change running memberships.
    price_minor = models.PositiveIntegerField(_("price (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2, default=0)
    price_includes_tax = models.BooleanField(_("price includes tax"), default=True)
    interval = models.CharField(_("billed"), max_length=8, choices=Plan.Interval.choices)
    sessions_per_period = models.PositiveSmallIntegerField(_("sessions per period"), default=0)
    trial_price_minor = models.PositiveIntegerField(_("trial price (minor units)"), default=0)
    started_at = models.DateTimeField(_("started"))
    trial_ends_at = models.DateTimeField(_("trial ends"), null=True, blank=True)
    anchor_at = models.DateTimeField(_("billing anchor"), help_text=_("Start of the first paid period."))
    period_index = models.IntegerField(_("period"), default=0, help_text=_("-1 during the trial."))
    current_period_start = models.DateTimeField(_("period start"))
    current_period_end = models.DateTimeField(_("period end"))
    minimum_term_ends_at = models.DateTimeField(_("minimum term ends"), null=True, blank=True)
    cancel_at = models.DateTimeField(_("cancels on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    past_due_since = models.DateTimeField(_("past due since"), null=True, blank=True)
    stripe_subscription_id = models.CharField(max_length=64, blank=True, db_index=True)
    stripe_status = models.CharField(_("Stripe status"), max_length=24, blank=True)
    stripe_snapshot_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "stripe_subscription_id"],
                condition=~Q(stripe_subscription_id=""),
                name="subscription_stripe_id_once",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="subscription_org_status"),
            models.Index(fields=["collection", "status", "current_period_end"], name="subscription_renewal_due"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {self.client}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    @property
    def price_display(self) -> str:
        from .money import line_amounts

        gross = line_amounts(
            unit_minor=self.price_minor, quantity=1, tax_rate=self.tax_rate, tax_inclusive=self.price_includes_tax
        ).total
        return f"{format_money(gross, self.currency)} / {self.get_interval_display().lower()}"


class InvoiceQuerySet(OrgQuerySet):
    def issued(self) -> InvoiceQuerySet:
        return self.exclude(status=Invoice.Status.DRAFT)

    def outstanding(self) -> InvoiceQuerySet:
        return self.filter(status=Invoice.Status.OPEN)

    def overdue(self, at=None) -> InvoiceQuerySet:
        return self.filter(status=Invoice.Status.OPEN, due_at__lt=at or timezone.now())


class Invoice(OrgOwned):
    """A bill to a client. Numbered when issued, in sequence per business, never reused."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # A deleted client's invoices stay in the books (numbers are never reused), billed to
    # the name and email they had when the invoice was issued.
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invoices",
        verbose_name=_("client"),
    )
    bill_to_name = models.CharField(_("billed to"), max_length=170, blank=True)
    bill_to_email = models.EmailField(_("billing email"), blank=True)
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True, editable=False)
    number = models.CharField(_("number"), max_length=32, blank=True, editable=False)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    subtotal_minor = models.IntegerField(_("subtotal"), default=0)
    tax_minor = models.IntegerField(_("tax"), default=0)
    total_minor = models.IntegerField(_("total"), default=0)
    discount_minor = models.IntegerField(
        _("discount"), default=0, help_text=_("Taken off the lines' prices (before tax) by a coupon.")
    )
    amount_paid_minor = models.IntegerField(_("paid"), default=0)
    amount_refunded_minor = models.IntegerField(_("refunded"), default=0)
    memo = models.CharField(_("note to the client"), max_length=500, blank=True)
    period_start = models.DateTimeField(_("period start"), null=True, blank=True)
    period_end = models.DateTimeField(_("period end"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    payment_failed_at = models.DateTimeField(_("card payment failed"), null=True, blank=True)
    past_due_at = models.DateTimeField(
        _("reminders ran out"), null=True, blank=True, help_text=_("When the last payment reminder went unpaid.")
    )
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    receipt_sent_at = models.DateTimeField(_("receipt sent"), null=True, blank=True)
    source_key = models.CharField(
        max_length=160, blank=True, editable=False, help_text="What created it (a checkout, a renewal): once each."
    )
    stripe_invoice_id = models.CharField(max_length=64, blank=True, db_index=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "sequence"], condition=Q(sequence__isnull=False), name="invoice_number_once"
            ),
            models.UniqueConstraint(
                fields=["organization", "source_key"], condition=~Q(source_key=""), name="invoice_source_once"
            ),
            models.UniqueConstraint(
                fields=["organization", "stripe_invoice_id"],
                condition=~Q(stripe_invoice_id=""),
                name="invoice_stripe_id_once",
            ),
            models.CheckConstraint(condition=Q(total_minor__gte=0), name="invoice_total_not_negative"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "due_at"], name="invoice_org_status_due"),
            models.Index(fields=["organization", "client"], name="invoice_org_client"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft invoice"))

    @property
    def amount_due_minor(self) -> int:
        return max(self.total_minor - self.amount_paid_minor, 0) if self.status == self.Status.OPEN else 0

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at is not None and self.due_at < timezone.now()

    @property
    def display_status(self) -> str:
        if self.is_overdue:
            return _("Overdue")
        if self.status == self.Status.PAID and self.amount_refunded_minor:
            if self.amount_refunded_minor >= self.total_minor:
                return _("Refunded")
            return _("Partly refunded")
        return self.get_status_display()

    def money(self, amount_minor: int) -> str:
        return format_money(amount_minor, self.currency)

    @property
    def tax_summary(self):
        """Net, tax and gross per tax rate; the rows add up to the invoice's totals."""
        from .money import tax_summary

        return tax_summary(self.lines.all())


class InvoiceLine(OrgOwned):
    """One line of an invoice. Amounts are computed once, rounded per line (see money.py)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    unit_price_minor = models.PositiveIntegerField(_("unit price"))
    tax_rate = models.DecimalField(
        _("tax rate (%)"), max_digits=5, decimal_places=2, default=0, validators=TAX_RATE_VALIDATORS
    )
    tax_inclusive = models.BooleanField(_("price includes tax"), default=True)
    discount_minor = models.PositiveIntegerField(
        _("discount"), default=0, help_text=_("Taken off unit price × quantity before tax is worked out.")
    )
    net_minor = models.IntegerField(_("net"))
    tax_minor = models.IntegerField(_("tax"))
    total_minor = models.IntegerField(_("total"))
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position", "id"]

    def __str__(self) -> str:
        return self.description


class Payment(OrgOwned):
    """Money received (or a card attempt that failed) against an invoice."""

    class Method(models.TextChoices):
        CARD_ONLINE = "stripe", _("Card (online)")
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Bank transfer")
        CARD_TERMINAL = "card_terminal", _("Card terminal")
        OTHER = "other", _("Other")

    MANUAL_METHODS = (Method.CASH, Method.TRANSFER, Method.CARD_TERMINAL, Method.OTHER)

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Received")
        FAILED = "failed", _("Failed")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("invoice"))
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUCCEEDED)
    amount_minor = models.PositiveIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    amount_refunded_minor = models.PositiveIntegerField(_("refunded"), default=0)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    received_at = models.DateTimeField(_("received"))
    failure_message = models.CharField(_("failure"), max_length=300, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=64, blank=True, db_index=True)
    stripe_charge_id = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=160, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "idempotency_key"], condition=~Q(idempotency_key=""), name="payment_once"
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded_minor__lte=models.F("amount_minor")), name="payment_refund_within_amount"
            ),
        ]
        indexes = [models.Index(fields=["organization", "status", "received_at"], name="payment_org_received")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {format_money(self.amount_minor, self.currency)}"

    @property
    def refundable_minor(self) -> int:
        return self.amount_minor - self.amount_refunded_minor if self.status == self.Status.SUCCEEDED else 0

    @property
    def refundable_display(self) -> str:
        return format_money(self.refundable_minor, self.currency)

    @property
    def is_online(self) -> bool:
        return self.method == self.Method.CARD_ONLINE


class CreditNote(OrgOwned):
    """A refund (in full or in part) against a paid invoice; numbered like invoices."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes")
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.SET_NULL, related_name="credit_notes"
    )
    sequence = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("number"), max_length=32, editable=False)
    amount_minor = models.PositiveIntegerField(_("amount"))
    tax_minor = models.IntegerField(_("of which tax"), default=0)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    stripe_refund_id = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "sequence"], name="credit_note_number_once"),
            models.UniqueConstraint(
                fields=["organization", "stripe_refund_id"],
                condition=~Q(stripe_refund_id=""),
                name="credit_note_refund_once",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def net_minor(self) -> int:
        return self.amount_minor - self.tax_minor

    @property
    def tax_summary(self):
        """The credited amount and tax shared among the invoice's tax rates."""
        from .money import credit_summary

        return credit_summary(
            amount_minor=self.amount_minor, tax_minor=self.tax_minor, summary=self.invoice.tax_summary
        )


class Purchase(OrgOwned):
    """A package or service a client bought: what it gave them and until when."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="purchases")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="purchases")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="purchases")
    sessions = models.PositiveSmallIntegerField(_("sessions"), default=0)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    credit_source_ref = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("bought"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["invoice", "plan"], name="purchase_once_per_invoice_plan")]

    def __str__(self) -> str:
        return f"{self.plan} — {self.client}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PaymentLinkQuerySet(OrgQuerySet):
    def usable(self) -> PaymentLinkQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PaymentLink(OrgOwned):
    """A link a coach sends so a client can pay an invoice or buy a plan without logging in.

    Only a hash of the token is stored; the token travels in the email.
    """

    TTL = timedelta(days=30)

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="payment_links")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="payment_links")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.CASCADE, related_name="payment_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    completed_at = models.DateTimeField(_("paid"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = PaymentLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment link")
        verbose_name_plural = _("payment links")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=True, invoice__isnull=False) | Q(plan__isnull=False, invoice__isnull=True),
                name="payment_link_plan_or_invoice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan or self.invoice} → {self.client}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, hash_token(token)

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.completed_at or (self.invoice_id and self.invoice.status == Invoice.Status.PAID):
            return "paid"
        if self.expires_at <= timezone.now():
            return "expired"
        return "opened" if self.opened_at else "sent"


class StripeEvent(models.Model):
    """A webhook event received from Stripe, stored by its id and applied once.

    Not organisation-owned: an event may arrive for an account no business has (yet), and
    the platform's own events belong to no business. `organization` is filled when known.
    """

    event_id = models.CharField(max_length=64, unique=True)
    type = models.CharField(max_length=64, db_index=True)
    account = models.CharField(max_length=64, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(help_text="When Stripe created the event.")
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = LimitedTextField(blank=True, max_length=10_000)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["processed_at", "received_at"], name="stripe_event_pending")]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class StripeCustomer(OrgOwned):
    """The Stripe customer of a client on the business's connected account."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="stripe_customers")
    account_id = models.CharField(max_length=64)
    customer_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe customer")
        verbose_name_plural = _("Stripe customers")
        constraints = [
            models.UniqueConstraint(fields=["client", "account_id"], name="stripe_customer_once_per_account"),
            models.UniqueConstraint(fields=["account_id", "customer_id"], name="stripe_customer_id_once"),
        ]

    def __str__(self) -> str:
        return self.customer_id


class CoachCommission(OrgOwned):
    """The share of their revenue a coach earns, set by the business's owners."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commission_rates", verbose_name=_("coach")
    )
    rate = models.DecimalField(
        _("commission rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("coach commission rate")
        verbose_name_plural = _("coach commission rates")
        ordering = ["organization", "coach"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "coach"], name="coach_commission_once"),
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=100), name="coach_commission_rate_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.coach}: {self.rate}%"


# What plans grant besides session credits, and the ledger of grants (billing/models_access.py).
from .models_access import AccessGrant, AccessKind, PlanAccess, PlanGrant  # noqa: E402, F401
from .models_coupons import Coupon, CouponRedemption  # noqa: E402, F401  (one app, two modules)
from .models_requests import InvoiceReminder, PlanRequest  # noqa: E402, F401  (models of their own module)
