from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from booking.models import CreditGrant
from clients.models import Client
from mecto.api_base import OrgModelSerializer, OrgPrimaryKeyRelatedField

from ..models import (
    BillingSettings,
    Coupon,
    CouponRedemption,
    CreditNote,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentLink,
    Plan,
    Purchase,
    Subscription,
)

TAX_RATE = {"max_digits": 5, "decimal_places": 2, "min_value": Decimal(0), "max_value": Decimal(100)}


# --- Plans ------------------------------------------------------------------------------------------
class PlanSerializer(OrgModelSerializer):
    gross_minor = serializers.IntegerField(read_only=True, help_text="What the client pays, tax included.")
    tax_rate = serializers.DecimalField(required=False, **TAX_RATE)
    stripe_synced = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "public_id",
            "name",
            "description",
            "kind",
            "price_minor",
            "currency",
            "tax_rate",
            "price_includes_tax",
            "gross_minor",
            "sessions",
            "validity_days",
            "interval",
            "trial_days",
            "trial_price_minor",
            "minimum_term_periods",
            "sold_online",
            "is_active",
            "stripe_synced",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "public_id", "currency", "created_at", "updated_at"]
        extra_kwargs = {"price_minor": {"help_text": "Price in minor units (1999 = 19.99)."}}

    def get_stripe_synced(self, plan) -> bool:
        return bool(plan.stripe_price_id) and plan.stripe_price_signature == plan.stripe_signature()


class CatalogPlanSerializer(serializers.ModelSerializer):
    """A plan as clients see it."""

    gross_minor = serializers.IntegerField(read_only=True)
    price_display = serializers.CharField(read_only=True)

    class Meta:
        model = Plan
        fields = [
            "public_id",
            "name",
            "description",
            "kind",
            "gross_minor",
            "currency",
            "price_display",
            "sessions",
            "validity_days",
            "interval",
            "trial_days",
            "minimum_term_periods",
        ]


# --- Invoices ----------------------------------------------------------------------------------------
class TaxRateSummarySerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Tax rate in percent.")
    net_minor = serializers.IntegerField(source="net")
    tax_minor = serializers.IntegerField(source="tax")
    total_minor = serializers.IntegerField(source="total", help_text="Gross: net plus tax.")


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = [
            "description",
            "quantity",
            "unit_price_minor",
            "tax_rate",
            "tax_inclusive",
            "discount_minor",
            "net_minor",
            "tax_minor",
            "total_minor",
            "plan",
        ]


class InvoiceSerializer(serializers.ModelSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    client_name = serializers.CharField(source="bill_to_name", read_only=True)
    amount_due_minor = serializers.IntegerField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    subscription = serializers.UUIDField(source="subscription.public_id", read_only=True, allow_null=True)
    tax_summary = TaxRateSummarySerializer(
        many=True, read_only=True, help_text="Net, tax and gross per tax rate; the rows add up to the totals."
    )

    class Meta:
        model = Invoice
        fields = [
            "id",
            "public_id",
            "number",
            "status",
            "is_overdue",
            "client",
            "client_name",
            "subscription",
            "currency",
            "subtotal_minor",
            "discount_minor",
            "tax_minor",
            "total_minor",
            "amount_paid_minor",
            "amount_due_minor",
            "amount_refunded_minor",
            "memo",
            "period_start",
            "period_end",
            "issued_at",
            "due_at",
            "paid_at",
            "voided_at",
            "lines",
            "tax_summary",
            "created_at",
        ]
        read_only_fields = fields


class LineInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    quantity = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    unit_price_minor = serializers.IntegerField(min_value=0, max_value=100_000_000)
    tax_rate = serializers.DecimalField(
        required=False, help_text="Percent; left out, the business's default tax rate.", **TAX_RATE
    )
    tax_inclusive = serializers.BooleanField(
        required=False, help_text="Left out, the business's choice of whether prices include tax."
    )


class InvoiceCreateSerializer(serializers.Serializer):
    """Either `plan` (a package or service, priced by the plan) or custom `lines`."""

    client = OrgPrimaryKeyRelatedField(queryset=Client.objects.all())
    plan = OrgPrimaryKeyRelatedField(queryset=Plan.objects.all(), required=False, allow_null=True)
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)
    lines = LineInputSerializer(many=True, required=False, max_length=50)
    memo = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    issue = serializers.BooleanField(default=True, help_text="Issue (number and email) at once; false keeps a draft.")
    coupon_code = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="A coupon code (any case): its discount comes off the lines before tax.",
    )

    def validate(self, attrs):
        if bool(attrs.get("plan")) == bool(attrs.get("lines")):
            raise serializers.ValidationError({"lines": ["Send either a plan or lines."]})
        return attrs


class ReminderSerializer(serializers.Serializer):
    sent = serializers.BooleanField(help_text="False when today's reminder had already been sent.")


class RecordPaymentSerializer(serializers.Serializer):
    amount_minor = serializers.IntegerField(min_value=1)
    method = serializers.ChoiceField(
        choices=[(m.value, m.label) for m in Payment.Method if m in Payment.MANUAL_METHODS]
    )
    reference = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False)


class PaymentSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)
    refundable_minor = serializers.IntegerField(read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "invoice",
            "invoice_number",
            "client",
            "method",
            "status",
            "amount_minor",
            "currency",
            "amount_refunded_minor",
            "refundable_minor",
            "reference",
            "received_at",
            "failure_message",
            "created_at",
        ]
        read_only_fields = fields


class RefundSerializer(serializers.Serializer):
    amount_minor = serializers.IntegerField(min_value=1, required=False, help_text="Default: all that is refundable.")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CreditNoteSerializer(serializers.ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)
    net_minor = serializers.IntegerField(read_only=True)
    tax_summary = TaxRateSummarySerializer(
        many=True, read_only=True, help_text="The credit shared among the invoice's tax rates."
    )

    class Meta:
        model = CreditNote
        fields = [
            "id",
            "public_id",
            "number",
            "invoice",
            "invoice_number",
            "payment",
            "client",
            "amount_minor",
            "net_minor",
            "tax_minor",
            "tax_summary",
            "currency",
            "reason",
            "issued_at",
        ]
        read_only_fields = fields


# --- Memberships ---------------------------------------------------------------------------------------
class SubscriptionSerializer(serializers.ModelSerializer):
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    client_name = serializers.CharField(source="client.full_name", read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "id",
            "public_id",
            "client",
            "client_name",
            "plan",
            "plan_name",
            "status",
            "collection",
            "price_minor",
            "currency",
            "tax_rate",
            "interval",
            "sessions_per_period",
            "started_at",
            "trial_ends_at",
            "current_period_start",
            "current_period_end",
            "minimum_term_ends_at",
            "cancel_at",
            "cancelled_at",
            "past_due_since",
        ]
        read_only_fields = fields


class MembershipStartSerializer(serializers.Serializer):
    client = OrgPrimaryKeyRelatedField(queryset=Client.objects.all())
    plan = OrgPrimaryKeyRelatedField(queryset=Plan.objects.all())
    start_date = serializers.DateField(required=False, help_text="Today (default) or up to 31 days ago.")
    coupon_code = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="A coupon code: each renewal invoice is discounted while the coupon lasts.",
    )


class MembershipCancelSerializer(serializers.Serializer):
    immediately = serializers.BooleanField(default=False, help_text="End now instead of at the end of the period.")


# --- Payment links --------------------------------------------------------------------------------------
class PaymentLinkSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = PaymentLink
        fields = ["id", "client", "plan", "invoice", "message", "status", "created_at", "expires_at", "opened_at"]
        read_only_fields = fields


class PaymentLinkCreateSerializer(OrgModelSerializer):
    send = serializers.BooleanField(default=True, write_only=True, help_text="Email the link to the client.")

    class Meta:
        model = PaymentLink
        fields = ["client", "plan", "invoice", "message", "send"]
        extra_kwargs = {"plan": {"required": False}, "invoice": {"required": False}}


class PaymentLinkCreatedSerializer(PaymentLinkSerializer):
    url = serializers.CharField(read_only=True, help_text="Shown once; only a hash of the token is kept.")

    class Meta(PaymentLinkSerializer.Meta):
        fields = [*PaymentLinkSerializer.Meta.fields, "url"]
        read_only_fields = fields


# --- Reports and Stripe ----------------------------------------------------------------------------------
class MoneyCountSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    amount_minor = serializers.IntegerField()


class RevenueMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    received_minor = serializers.IntegerField()
    refunded_minor = serializers.IntegerField()
    net_minor = serializers.IntegerField()
    payments = serializers.IntegerField()


class RevenueSerializer(serializers.Serializer):
    currency = serializers.CharField()
    mrr_minor = serializers.IntegerField()
    active_memberships = serializers.IntegerField()
    trialing_memberships = serializers.IntegerField()
    past_due_memberships = serializers.IntegerField()
    new_this_month = serializers.IntegerField()
    churned_this_month = serializers.IntegerField()
    outstanding = MoneyCountSerializer()
    overdue = MoneyCountSerializer()
    received_this_month_minor = serializers.IntegerField()
    months = RevenueMonthSerializer(many=True)


class BillingSettingsSerializer(serializers.ModelSerializer):
    """The business details and tax defaults printed on invoices and credit notes."""

    default_tax_rate = serializers.DecimalField(required=False, **TAX_RATE)
    reminder_offsets = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Reminders of invoices paid by hand: days from the due date (negative before, 0 on the day), "
        "from -30 to 90, at most 8, no repeats. Sent at 9:00 in the business's time zone.",
    )

    class Meta:
        model = BillingSettings
        fields = [
            "invoice_prefix",
            "credit_note_prefix",
            "payment_terms_days",
            "legal_name",
            "business_address",
            "tax_number",
            "registration_details",
            "default_tax_rate",
            "prices_include_tax",
            "invoice_footer",
            "bank_account_holder",
            "bank_account_number",
            "bank_code",
            "reminders_enabled",
            "reminder_offsets",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class StripeStatusSerializer(serializers.Serializer):
    available = serializers.BooleanField(help_text="The platform has Stripe keys.")
    connected = serializers.BooleanField()
    account_id = serializers.CharField(allow_blank=True)
    charges_enabled = serializers.BooleanField()
    details_submitted = serializers.BooleanField()
    payouts_enabled = serializers.BooleanField()


class UrlSerializer(serializers.Serializer):
    url = serializers.URLField()


# --- The client's own ------------------------------------------------------------------------------------
class MyInvoiceSerializer(serializers.ModelSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    amount_due_minor = serializers.IntegerField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    pdf_url = serializers.SerializerMethodField()
    tax_summary = TaxRateSummarySerializer(many=True, read_only=True, help_text="Net, tax and gross per tax rate.")

    class Meta:
        model = Invoice
        fields = [
            "public_id",
            "number",
            "status",
            "is_overdue",
            "currency",
            "subtotal_minor",
            "discount_minor",
            "tax_minor",
            "total_minor",
            "amount_paid_minor",
            "amount_due_minor",
            "amount_refunded_minor",
            "memo",
            "period_start",
            "period_end",
            "issued_at",
            "due_at",
            "paid_at",
            "lines",
            "tax_summary",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, invoice) -> str:
        from django.urls import reverse

        return reverse("billing-my-invoice-pdf", kwargs={"public_id": invoice.public_id})


class MyMembershipSerializer(serializers.ModelSerializer):
    plan = CatalogPlanSerializer(read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "public_id",
            "plan",
            "status",
            "collection",
            "price_minor",
            "currency",
            "interval",
            "sessions_per_period",
            "started_at",
            "trial_ends_at",
            "current_period_start",
            "current_period_end",
            "minimum_term_ends_at",
            "cancel_at",
            "cancelled_at",
        ]
        read_only_fields = fields


class MyPackageSerializer(serializers.ModelSerializer):
    plan = CatalogPlanSerializer(read_only=True)
    invoice = serializers.UUIDField(source="invoice.public_id", read_only=True)

    class Meta:
        model = Purchase
        fields = ["public_id", "plan", "invoice", "sessions", "expires_at", "created_at"]
        read_only_fields = fields


class MyCreditSerializer(serializers.ModelSerializer):
    remaining = serializers.SerializerMethodField()

    class Meta:
        model = CreditGrant
        fields = ["id", "quantity", "remaining", "expires_at", "reason", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField())
    def get_remaining(self, grant) -> int:
        return max(getattr(grant, "remaining", grant.quantity), 0)


class PurchaseRequestSerializer(serializers.Serializer):
    plan = serializers.UUIDField(help_text="public_id of a plan from /me/plans/.")
    coupon_code = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="A coupon code (any case). A bad code is a 400 with the reason under `coupon_code`.",
    )


class PurchaseQuoteRequestSerializer(serializers.Serializer):
    plan = serializers.UUIDField(help_text="public_id of a plan from /me/plans/.")
    coupon_code = serializers.CharField(max_length=40, help_text="The code to check (any case).")


class PurchaseQuoteSerializer(serializers.Serializer):
    code = serializers.CharField(source="coupon.code", help_text="The code, as the business wrote it.")
    price_minor = serializers.IntegerField(help_text="The plan's price, tax included.")
    discount_minor = serializers.IntegerField(help_text="What the code takes off, tax included.")
    total_minor = serializers.IntegerField(help_text="What the client pays now, tax included.")
    currency = serializers.CharField()
    duration = serializers.CharField(source="coupon.duration", help_text="once, repeating or forever.")
    duration_periods = serializers.IntegerField(source="coupon.duration_periods", allow_null=True)


# --- Coupons ---------------------------------------------------------------------------------------------
class CouponSerializer(OrgModelSerializer):
    plans = OrgPrimaryKeyRelatedField(
        queryset=Plan.objects.all(), many=True, required=False, help_text="Plan ids; empty for every plan."
    )
    percent_off = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, min_value=Decimal("0.01"), max_value=100
    )
    redemptions_count = serializers.IntegerField(source="times_redeemed", read_only=True)

    class Meta:
        model = Coupon
        fields = [
            "id",
            "public_id",
            "code",
            "description",
            "percent_off",
            "amount_off_minor",
            "currency",
            "duration",
            "duration_periods",
            "plans",
            "max_redemptions",
            "per_client_limit",
            "expires_at",
            "is_active",
            "redemptions_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "public_id", "currency", "redemptions_count", "created_at", "updated_at"]
        extra_kwargs = {
            "code": {"validators": [], "help_text": "What clients type; stored upper-case, unique per business."},
            "amount_off_minor": {"help_text": "A fixed amount off in minor units (1000 = 10.00), or null."},
        }


class CouponRedemptionSerializer(serializers.ModelSerializer):
    client = serializers.UUIDField(source="client.public_id", read_only=True, allow_null=True)
    client_name = serializers.CharField(source="client.full_name", read_only=True, allow_null=True)
    invoice = serializers.UUIDField(source="invoice.public_id", read_only=True, allow_null=True)
    invoice_number = serializers.CharField(source="invoice.number", read_only=True, allow_null=True)
    subscription = serializers.UUIDField(source="subscription.public_id", read_only=True, allow_null=True)

    class Meta:
        model = CouponRedemption
        fields = [
            "public_id",
            "client",
            "client_name",
            "invoice",
            "invoice_number",
            "subscription",
            "source",
            "amount_off_minor",
            "currency",
            "redeemed_at",
        ]
        read_only_fields = fields


class CheckoutSerializer(serializers.Serializer):
    checkout_url = serializers.URLField()
