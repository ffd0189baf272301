"""The back office for billing. Money-moving changes go through services (admin actions);
the books themselves (numbers, amounts, Stripe events) are read-only here, and nothing
that is part of them (an invoice, a payment, a credit note) can be deleted. Amounts are
shown with their currency."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mecto.admin_actions import run_each
from mecto.admin_money import MoneyAdminMixin
from mecto.localization import minor_units

from . import notifications, pdf, services, stripe_services, webhooks
from .errors import BillingError
from .models import (
    BillingSettings,
    CoachCommission,
    Coupon,
    CouponRedemption,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceReminder,
    Payment,
    PaymentLink,
    Plan,
    PlanRequest,
    Purchase,
    StripeCustomer,
    StripeEvent,
    Subscription,
)
from .money import to_minor


@admin.register(BillingSettings)
class BillingSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "organization",
        "legal_name",
        "tax_number",
        "default_tax_rate",
        "prices_include_tax",
        "stripe_account_id",
        "stripe_charges_enabled",
        "invoice_prefix",
        "reminders_enabled",
        "updated_at",
    ]
    list_filter = ["prices_include_tax", "stripe_charges_enabled", "stripe_details_submitted", "reminders_enabled"]
    search_fields = ["organization__name", "organization__slug", "legal_name", "tax_number", "stripe_account_id"]
    list_select_related = ["organization"]
    readonly_fields = [
        "stripe_account_id",
        "stripe_charges_enabled",
        "stripe_details_submitted",
        "stripe_payouts_enabled",
        "stripe_synced_at",
        "next_invoice_number",
        "next_credit_note_number",
    ]


@admin.action(description=_("Sync with Stripe"))
def sync_plans(modeladmin, request, queryset):
    run_each(
        modeladmin,
        request,
        queryset,
        lambda plan: stripe_services.sync_plan(plan=plan),
        done=lambda n: ngettext("%(n)s plan synced.", "%(n)s plans synced.", n) % {"n": n},
    )


def client_link(obj):
    """The client's support page (360) from any billing row."""
    client = getattr(obj, "client", None)
    if client is None:
        return getattr(obj, "bill_to_name", "") or "-"
    return format_html('<a href="{}">{}</a>', reverse("admin:clients_client_360", args=[client.pk]), client)


client_link.short_description = _("client")
client_link.admin_order_field = "client__last_name"


class BooksAdmin(MoneyAdminMixin, admin.ModelAdmin):
    """Rows that are part of the books: never deleted from the back office."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(MoneyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organization", "kind", "price_minor", "interval", "sessions", "is_active"]
    list_filter = ["kind", "interval", "is_active", "sold_online", "organization"]
    money_fields = {"price_minor": "currency", "trial_price_minor": "currency"}
    search_fields = ["name", "organization__name", "stripe_product_id", "stripe_price_id"]
    list_select_related = ["organization"]
    readonly_fields = ["public_id", "stripe_product_id", "stripe_price_id", "stripe_price_signature"]
    actions = [sync_plans]

    def has_add_permission(self, request):
        return False  # plans are made in the app, where the price is checked and synced to Stripe


@admin.action(description=_("Renew now (memberships paid by hand)"))
def renew_now(modeladmin, request, queryset):
    started = sum(services.renew_membership(subscription=s) for s in queryset)
    modeladmin.message_user(
        request, ngettext("%(n)s period started.", "%(n)s periods started.", started) % {"n": started}
    )


@admin.register(Subscription)
class SubscriptionAdmin(MoneyAdminMixin, admin.ModelAdmin):
    list_display = [client_link, "plan", "organization", "status", "collection", "price_minor", "current_period_end"]
    list_filter = ["status", "collection", "interval", "organization"]
    money_fields = {"price_minor": "currency", "trial_price_minor": "currency"}
    search_fields = ["client__first_name", "client__last_name", "client__email", "plan__name", "stripe_subscription_id"]
    list_select_related = ["client", "plan", "organization"]
    autocomplete_fields = ["client"]
    readonly_fields = [
        "public_id",
        "price_minor",
        "currency",
        "tax_rate",
        "anchor_at",
        "period_index",
        "stripe_subscription_id",
        "stripe_status",
        "stripe_snapshot_at",
    ]
    actions = [renew_now]

    def has_add_permission(self, request):
        return False  # memberships start in the app or through Stripe, with their price snapshot


class InvoiceLineInline(MoneyAdminMixin, admin.TabularInline):
    model = InvoiceLine
    money_fields = {
        "unit_price_minor": "invoice.currency",
        "discount_minor": "invoice.currency",
        "net_minor": "invoice.currency",
        "tax_minor": "invoice.currency",
        "total_minor": "invoice.currency",
    }
    extra = 0
    fields = [
        "description",
        "quantity",
        "unit_price_minor",
        "discount_minor",
        "tax_rate",
        "tax_inclusive",
        "net_minor",
        "tax_minor",
        "total_minor",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PaymentInline(MoneyAdminMixin, admin.TabularInline):
    model = Payment
    extra = 0
    fields = [
        "received_at",
        "method",
        "status",
        "amount_minor",
        "amount_refunded_minor",
        "reference",
        "stripe_charge_id",
    ]
    money_fields = {"amount_minor": "currency", "amount_refunded_minor": "currency"}
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description=_("Void (unpaid invoices only)"))
def void_invoices(modeladmin, request, queryset):
    run_each(
        modeladmin,
        request,
        queryset,
        lambda invoice: services.void_invoice(invoice=invoice, actor=request.user),
        done=lambda n: ngettext("%(n)s invoice voided.", "%(n)s invoices voided.", n) % {"n": n},
    )


@admin.action(description=_("Email to the client again"))
def resend_invoices(modeladmin, request, queryset):
    run_each(
        modeladmin,
        request,
        queryset,
        lambda invoice: services.send_invoice(invoice=invoice, actor=request.user),
        done=lambda n: ngettext("%(n)s invoice emailed.", "%(n)s invoices emailed.", n) % {"n": n},
    )


@admin.action(description=_("Remind the client of the overdue invoice (once a day)"))
def remind_invoices(modeladmin, request, queryset):
    def remind(invoice):
        if not services.send_payment_reminder(invoice=invoice, actor=request.user):
            raise BillingError(_("already reminded today; no second email was sent."))

    run_each(
        modeladmin,
        request,
        queryset.select_related("client", "organization"),
        remind,
        done=lambda n: ngettext("%(n)s payment reminder sent.", "%(n)s payment reminders sent.", n) % {"n": n},
    )


@admin.register(Invoice)
class InvoiceAdmin(BooksAdmin):
    list_display = [
        "number",
        client_link,
        "organization",
        "status",
        "subtotal_minor",
        "tax_minor",
        "total_minor",
        "amount_paid_minor",
        "issued_at",
        "due_at",
        "pdf_link",
    ]
    list_filter = ["status", "organization", "currency", ("payment_failed_at", admin.EmptyFieldListFilter)]
    search_fields = ["number", "client__first_name", "client__last_name", "client__email", "stripe_invoice_id"]
    list_select_related = ["client", "organization"]
    date_hierarchy = "issued_at"
    inlines = [InvoiceLineInline, PaymentInline]
    actions = [void_invoices, resend_invoices, remind_invoices]
    money_fields = {
        "subtotal_minor": "currency",
        "discount_minor": "currency",
        "tax_minor": "currency",
        "total_minor": "currency",
        "amount_paid_minor": "currency",
        "amount_refunded_minor": "currency",
    }
    readonly_fields = [
        "pdf_link",
        "public_id",
        "organization",
        "client",
        "subscription",
        "status",
        "sequence",
        "number",
        "currency",
        "subtotal_minor",
        "tax_minor",
        "total_minor",
        "amount_paid_minor",
        "amount_refunded_minor",
        "period_start",
        "period_end",
        "issued_at",
        "due_at",
        "paid_at",
        "voided_at",
        "payment_failed_at",
        "emailed_at",
        "receipt_sent_at",
        "source_key",
        "stripe_invoice_id",
        "fulfilled_at",
        "created_by",
    ]

    def has_add_permission(self, request):
        return False  # invoices are made in the app, where they are numbered and checked

    def get_urls(self):
        return [
            path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="billing_invoice_pdf"),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        invoice = notifications.invoice_with_details(pk)
        if invoice is None:
            raise Http404
        return _pdf_response(pdf.invoice_pdf(invoice), f"{invoice.number or 'draft'}.pdf")

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj):
        if obj.pk is None:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("admin:billing_invoice_pdf", args=[obj.pk]), _("PDF"))


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@admin.register(InvoiceLine)
class InvoiceLineAdmin(BooksAdmin):
    list_display = [
        "description",
        "invoice",
        "organization",
        "quantity",
        "unit_price_minor",
        "tax_rate",
        "tax_inclusive",
        "net_minor",
        "tax_minor",
        "total_minor",
    ]
    list_filter = ["tax_rate", "tax_inclusive", "organization"]
    search_fields = ["description", "invoice__number"]
    list_select_related = ["invoice", "organization"]
    money_fields = {
        "unit_price_minor": "invoice.currency",
        "discount_minor": "invoice.currency",
        "net_minor": "invoice.currency",
        "tax_minor": "invoice.currency",
        "total_minor": "invoice.currency",
    }

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RefundForm(forms.Form):
    """What the refund action asks before it refunds: why, and (for one payment) how much."""

    amount = forms.CharField(
        label=_("Amount"),
        required=False,
        help_text=_("Leave empty to refund all that is still refundable."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, payments, **kwargs):
        super().__init__(*args, **kwargs)
        self.payments = payments
        if len(payments) != 1:
            del self.fields["amount"]

    def clean_amount(self):
        text = (self.cleaned_data.get("amount") or "").strip()
        if not text:
            return None
        currency = self.payments[0].currency
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Enter an amount such as 12.50.")) from None
        if not value.is_finite() or abs(value) > Decimal(1_000_000):
            raise forms.ValidationError(_("Enter an amount such as 12.50."))
        if value <= 0 or value != value.quantize(Decimal(1).scaleb(-minor_units(currency))):
            raise forms.ValidationError(
                _("Enter an amount above zero with at most %(n)s decimals.") % {"n": minor_units(currency)}
            )
        return to_minor(value, currency)


@admin.action(description=_("Refund and issue a credit note (card payments through Stripe)"))
def refund_payments(modeladmin, request, queryset):
    """An intermediate page asks for the reason (and the amount for one payment); the refund
    itself is billing's refund service, as on the invoice page and in the API."""
    payments = list(queryset.select_related("invoice", "client", "organization"))
    form = RefundForm(request.POST if "apply" in request.POST else None, payments=payments)
    if "apply" in request.POST and form.is_valid():
        amount = form.cleaned_data.get("amount")
        run_each(
            modeladmin,
            request,
            payments,
            lambda payment: services.refund_payment(
                payment=payment, amount_minor=amount, reason=form.cleaned_data["reason"], actor=request.user
            ),
            done=lambda n: (
                ngettext(
                    "%(n)s payment refunded; its credit note was issued and emailed.",
                    "%(n)s payments refunded; their credit notes were issued and emailed.",
                    n,
                )
                % {"n": n}
            ),
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Refund payments"),
        "opts": modeladmin.model._meta,
        "payments": payments,
        "form": form,
        "action": "refund_payments",
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    status = 400 if "apply" in request.POST else 200
    return TemplateResponse(request, "admin/billing/payment/refund.html", context, status=status)


class RefundedFilter(admin.SimpleListFilter):
    title = _("refunded")
    parameter_name = "refunded"

    def lookups(self, request, model_admin):
        return [("yes", _("Partly or fully")), ("no", _("Not refunded"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(amount_refunded_minor__gt=0)
        if self.value() == "no":
            return queryset.filter(amount_refunded_minor=0)
        return queryset


@admin.register(Payment)
class PaymentAdmin(BooksAdmin):
    list_display = [
        "received_at",
        "invoice",
        client_link,
        "organization",
        "method",
        "status",
        "amount_minor",
        "amount_refunded_minor",
        "stripe_charge_id",
    ]
    list_filter = [
        "method",
        "status",
        "organization",
        "currency",
        ("stripe_charge_id", admin.EmptyFieldListFilter),
        RefundedFilter,
    ]
    search_fields = ["invoice__number", "client__email", "reference", "stripe_payment_intent_id", "stripe_charge_id"]
    list_select_related = ["invoice", "client", "organization"]
    date_hierarchy = "received_at"
    actions = [refund_payments]
    money_fields = {"amount_minor": "currency", "amount_refunded_minor": "currency"}

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self._swap([f.name for f in Payment._meta.fields])


@admin.action(description=_("Email the credit note to the client again"))
def resend_credit_notes(modeladmin, request, queryset):
    run_each(
        modeladmin,
        request,
        queryset.select_related("client", "organization"),
        lambda note: services.send_credit_note(note=note, actor=request.user),
        done=lambda n: ngettext("%(n)s credit note emailed.", "%(n)s credit notes emailed.", n) % {"n": n},
    )


@admin.register(CreditNote)
class CreditNoteAdmin(BooksAdmin):
    list_display = [
        "number",
        "invoice",
        client_link,
        "organization",
        "amount_minor",
        "tax_minor",
        "issued_at",
        "pdf_link",
    ]
    list_filter = ["currency", "organization"]
    search_fields = ["number", "invoice__number", "client__email", "stripe_refund_id"]
    list_select_related = ["invoice", "client", "organization"]
    actions = [resend_credit_notes]
    money_fields = {"amount_minor": "currency", "tax_minor": "currency"}

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["pdf_link", *self._swap([f.name for f in CreditNote._meta.fields])]

    def get_urls(self):
        return [
            path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="billing_creditnote_pdf"),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        note = get_object_or_404(CreditNote.objects.select_related("invoice", "client", "organization"), pk=pk)
        return _pdf_response(pdf.credit_note_pdf(note), f"{note.number}.pdf")

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj):
        if obj.pk is None:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("admin:billing_creditnote_pdf", args=[obj.pk]), _("PDF"))


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    list_display = ["plan", client_link, "organization", "sessions", "expires_at", "created_at"]
    list_filter = ["plan__kind", "organization"]
    search_fields = ["plan__name", "client__first_name", "client__last_name", "client__email"]
    list_select_related = ["plan", "client", "organization"]
    readonly_fields = ["public_id", "invoice", "credit_source_ref"]


@admin.register(PaymentLink)
class PaymentLinkAdmin(admin.ModelAdmin):
    list_display = ["client", "plan", "invoice", "organization", "created_at", "expires_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["client__email", "plan__name", "invoice__number"]
    list_select_related = ["client", "plan", "invoice", "organization"]
    readonly_fields = ["token_hash", "opened_at", "completed_at"]


@admin.action(description=_("Apply again (unprocessed events)"))
def reprocess_events(modeladmin, request, queryset):
    for event in queryset.filter(processed_at__isnull=True):
        webhooks.process(event.pk)


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "organization", "created", "processed_at", "attempts", "outcome"]
    list_filter = ["type", ("processed_at", admin.EmptyFieldListFilter)]
    search_fields = ["event_id", "account", "outcome", "last_error"]
    list_select_related = ["organization"]
    actions = [reprocess_events]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in StripeEvent._meta.fields]


@admin.register(StripeCustomer)
class StripeCustomerAdmin(admin.ModelAdmin):
    list_display = ["client", "customer_id", "account_id", "organization", "created_at"]
    search_fields = ["client__email", "customer_id", "account_id"]
    list_filter = ["organization"]
    list_select_related = ["client", "organization"]
    readonly_fields = ["client", "account_id", "customer_id"]


# --- Plan requests and scheduled reminders -------------------------------------------------------------
@admin.action(description=_("Approve and invoice"))
def approve_plan_requests(modeladmin, request, queryset):
    run_each(
        modeladmin,
        request,
        queryset,
        lambda row: services.approve_plan_request(plan_request=row, actor=request.user),
        done=lambda n: ngettext("%(n)s request approved.", "%(n)s requests approved.", n) % {"n": n},
    )


@admin.register(PlanRequest)
class PlanRequestAdmin(admin.ModelAdmin):
    """Answered in the business's pages (the decline reason is for the client); approving is
    the service's, so the invoice is issued once."""

    list_display = ["plan", client_link, "organization", "status", "invoice", "created_at", "decided_at"]
    list_filter = ["status", "organization", "plan__kind"]
    search_fields = ["client__first_name", "client__last_name", "client__email", "plan__name", "message"]
    list_select_related = ["plan", "client", "organization", "invoice"]
    date_hierarchy = "created_at"
    actions = [approve_plan_requests]
    readonly_fields = [
        "public_id",
        "organization",
        "client",
        "plan",
        "message",
        "status",
        "decline_reason",
        "invoice",
        "subscription",
        "decided_by",
        "decided_at",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(InvoiceReminder)
class InvoiceReminderAdmin(admin.ModelAdmin):
    """What was sent, for support: read-only (a row is what keeps a reminder from going twice)."""

    list_display = ["invoice", "organization", "offset_days", "is_manual", "sent_at"]
    list_filter = ["is_manual", "organization"]
    search_fields = ["invoice__number", "invoice__client__last_name", "invoice__client__email"]
    list_select_related = ["invoice", "organization"]
    date_hierarchy = "sent_at"
    readonly_fields = ["organization", "invoice", "offset_days", "is_manual", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.action(description=_("Archive (no further use)"))
def archive_coupons(modeladmin, request, queryset):
    run_each(
        modeladmin,
        request,
        queryset,
        lambda coupon: services.archive_coupon(coupon=coupon, actor=request.user),
        done=lambda n: ngettext("%(n)s coupon archived.", "%(n)s coupons archived.", n) % {"n": n},
    )


class CouponRedemptionInline(MoneyAdminMixin, admin.TabularInline):
    model = CouponRedemption
    extra = 0
    can_delete = False
    money_fields = {"amount_off_minor": "currency"}
    fields = ["redeemed_at", "client", "invoice", "subscription", "source", "amount_off_minor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Coupon)
class CouponAdmin(MoneyAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "organization",
        "percent_off",
        "amount_off_minor",
        "duration",
        "times_redeemed",
        "max_redemptions",
        "expires_at",
        "is_active",
    ]
    list_filter = ["is_active", "duration", "organization"]
    money_fields = {"amount_off_minor": "currency"}
    search_fields = ["code", "description", "organization__name", "stripe_promotion_code_id"]
    list_select_related = ["organization"]
    readonly_fields = [
        "public_id",
        "code",
        "percent_off",
        "amount_off_minor",
        "currency",
        "duration",
        "duration_periods",
        "times_redeemed",
        "stripe_account_id",
        "stripe_coupon_id",
        "stripe_promotion_code_id",
    ]
    exclude = ["plans", "stripe_signature"]
    inlines = [CouponRedemptionInline]
    actions = [archive_coupons]

    def has_add_permission(self, request):
        return False  # coupons are made in the app, where the code and its discount are checked

    def has_delete_permission(self, request, obj=None):
        return False  # used codes are part of the books; archive instead


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(BooksAdmin):
    list_display = ["coupon", client_link, "organization", "source", "amount_off_minor", "invoice", "redeemed_at"]
    list_filter = ["source", "organization"]
    money_fields = {"amount_off_minor": "currency"}
    search_fields = ["coupon__code", "client__first_name", "client__last_name", "client__email", "invoice__number"]
    list_select_related = ["coupon", "client", "organization", "invoice"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in CouponRedemption._meta.fields]


@admin.register(CoachCommission)
class CoachCommissionAdmin(admin.ModelAdmin):
    """Rates are set by the business's owners on the commission report (one service, one
    event); the back office reads them."""

    list_display = ["coach", "organization", "rate", "updated_by", "updated_at"]
    list_filter = ["organization"]
    search_fields = ["coach__email", "coach__full_name", "organization__name"]
    list_select_related = ["coach", "organization", "updated_by"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in CoachCommission._meta.fields]


from . import admin_access  # noqa: E402, F401  (what plans grant and the access ledger)
