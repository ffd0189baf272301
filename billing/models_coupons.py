"""Coupons: a code a client types to pay less, and each time one was redeemed.

A coupon takes a percentage or a fixed amount (minor units, the business's currency) off
the price of a line before tax, once, for N billing periods of a membership, or forever.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.localization import format_money, validate_currency
from mecto.tenancy import OrgOwned, OrgQuerySet


class CouponQuerySet(OrgQuerySet):
    def live(self) -> CouponQuerySet:
        return self.filter(is_active=True)


class Coupon(OrgOwned):
    """A discount code of one business. Codes are stored upper-case, so they match in any case."""

    class Duration(models.TextChoices):
        ONCE = "once", _("Once (the first invoice)")
        REPEATING = "repeating", _("For a number of periods")
        FOREVER = "forever", _("Forever")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        _("code"), max_length=40, help_text=_("What clients type, for example WELCOME20. Letters, digits and dashes.")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    percent_off = models.DecimalField(
        _("percent off"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    amount_off_minor = models.PositiveIntegerField(_("amount off (minor units)"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    duration = models.CharField(_("applies"), max_length=10, choices=Duration.choices, default=Duration.ONCE)
    duration_periods = models.PositiveSmallIntegerField(
        _("for how many periods"), null=True, blank=True, help_text=_("Memberships: billing periods discounted.")
    )
    plans = models.ManyToManyField(
        "billing.Plan",
        blank=True,
        related_name="coupons",
        verbose_name=_("plans"),
        help_text=_("Leave empty for every plan."),
    )
    max_redemptions = models.PositiveIntegerField(
        _("uses in total"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    per_client_limit = models.PositiveSmallIntegerField(
        _("uses per client"), null=True, blank=True, default=1, help_text=_("Empty: no limit.")
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Archived codes can no longer be used."))
    # Counted under the coupon's row lock, so the limit holds when clients redeem at once.
    times_redeemed = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    stripe_account_id = models.CharField(max_length=64, blank=True, editable=False)
    stripe_coupon_id = models.CharField(max_length=64, blank=True, editable=False)
    stripe_promotion_code_id = models.CharField(max_length=64, blank=True, editable=False)
    stripe_signature = models.CharField(max_length=200, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CouponQuerySet.as_manager()

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-is_active", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="coupon_code_once_per_org"),
            models.CheckConstraint(
                condition=Q(percent_off__isnull=False, amount_off_minor__isnull=True)
                | Q(percent_off__isnull=True, amount_off_minor__isnull=False),
                name="coupon_percent_or_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_used_up(self) -> bool:
        return self.max_redemptions is not None and self.times_redeemed >= self.max_redemptions

    @property
    def discount_display(self) -> str:
        if self.percent_off is not None:
            return f"{self.percent_off.normalize():f} %"
        return format_money(self.amount_off_minor or 0, self.currency)

    @property
    def duration_display(self) -> str:
        if self.duration == self.Duration.REPEATING:
            return str(_("for %(n)s periods")) % {"n": self.duration_periods}
        return str(self.get_duration_display())


class CouponRedemption(OrgOwned):
    """One use of a coupon by a client: on an invoice (a package, a charge) or on a membership,
    whose renewal invoices are discounted while the coupon's duration lasts."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Invoiced by the business")
        STRIPE = "stripe", _("Card checkout (Stripe)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    client = models.ForeignKey(
        "clients.Client", null=True, blank=True, on_delete=models.SET_NULL, related_name="coupon_redemptions"
    )
    invoice = models.ForeignKey(
        "billing.Invoice", null=True, blank=True, on_delete=models.SET_NULL, related_name="coupon_redemptions"
    )
    subscription = models.ForeignKey(
        "billing.Subscription", null=True, blank=True, on_delete=models.SET_NULL, related_name="coupon_redemptions"
    )
    source = models.CharField(_("where"), max_length=8, choices=Source.choices, default=Source.MANUAL)
    # What the coupon took off the first invoice it applied to (tax included).
    amount_off_minor = models.PositiveIntegerField(_("amount off"), default=0)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    # Memberships: the first billing period discounted (0 = the first paid period).
    first_period_index = models.IntegerField(default=0)
    stripe_reference = models.CharField(
        max_length=120, blank=True, help_text="The Stripe checkout session it came from: once each."
    )
    redeemed_at = models.DateTimeField(_("redeemed"), default=timezone.now)

    class Meta:
        verbose_name = _("coupon redemption")
        verbose_name_plural = _("coupon redemptions")
        ordering = ["-redeemed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "stripe_reference"],
                condition=~Q(stripe_reference=""),
                name="coupon_redemption_stripe_once",
            ),
        ]
        indexes = [models.Index(fields=["coupon", "client"], name="coupon_redemption_client")]

    def __str__(self) -> str:
        return f"{self.coupon} — {self.client or '—'}"

    def covers_period(self, index: int) -> bool:
        """Whether the coupon still discounts a membership's period `index`."""
        if index < self.first_period_index:
            return False
        if self.coupon.duration == Coupon.Duration.FOREVER:
            return True
        if self.coupon.duration == Coupon.Duration.REPEATING:
            return index < self.first_period_index + (self.coupon.duration_periods or 0)
        return index == self.first_period_index
