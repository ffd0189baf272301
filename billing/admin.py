"""The back office for billing. Money-moving changes go through services (admin actions);
the books themselves (numbers, amounts, Stripe events) are read-only here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mecto.admin_actions import run_each

from . import services, stripe_services, webhooks
from .models import (
    BillingSettings,
    CreditNote,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentLink,
    Plan,
    Purchase,
    StripeCustomer,
    StripeEvent,
    Subscription,
)


@admin.register(BillingSettings)
class BillingSettingsAdmin(admin.ModelAdmin):
    list_display = ["organization", "stripe_account_id", "stripe_charges_enabled", "invoice_prefix", "updated_at"]
    list_filter = ["stripe_charges_enabled", "stripe_details_submitted"]
    search_fields = ["organization__name", "organization__slug", "stripe_account_id"]
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
        modeladmin, request, queryset, lambda plan: stripe_services.sync_plan(plan=plan), done=_("%(n)s plans synced.")
    )


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "kind", "price_minor", "currency", "interval", "sessions", "is_active"]
    list_filter = ["kind", "interval", "is_active", "sold_online"]
    search_fields = ["name", "organization__name", "stripe_product_id", "stripe_price_id"]
    list_select_related = ["organization"]
    readonly_fields = ["public_id", "stripe_product_id", "stripe_price_id", "stripe_price_signature"]
    actions = [sync_plans]


@admin.action(description=_("Renew now (memberships paid by hand)"))
def renew_now(modeladmin, request, queryset):
    started = sum(services.renew_membership(subscription=s) for s in queryset)
    modeladmin.message_user(
        request, ngettext("%(n)s period started.", "%(n)s periods started.", started) % {"n": started}
    )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["client", "plan", "organization", "status", "collection", "current_period_end", "cancel_at"]
    list_filter = ["status", "collection", "interval"]
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


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = [
        "description",
        "quantity",
        "unit_price_minor",
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


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = ["received_at", "method", "status", "amount_minor", "amount_refunded_minor", "reference"]
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
        done=_("%(n)s invoices voided."),
    )


@admin.action(description=_("Email to the client again"))
def resend_invoices(modeladmin, request, queryset):
    run_each(
        modeladmin,
        request,
        queryset,
        lambda invoice: services.send_invoice(invoice=invoice, actor=request.user),
        done=_("%(n)s invoices emailed."),
    )


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "client", "organization", "status", "total_minor", "currency", "issued_at", "due_at"]
    list_filter = ["status", "currency", ("payment_failed_at", admin.EmptyFieldListFilter)]
    search_fields = ["number", "client__first_name", "client__last_name", "client__email", "stripe_invoice_id"]
    list_select_related = ["client", "organization"]
    date_hierarchy = "issued_at"
    inlines = [InvoiceLineInline, PaymentInline]
    actions = [void_invoices, resend_invoices]
    readonly_fields = [
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


@admin.register(InvoiceLine)
class InvoiceLineAdmin(admin.ModelAdmin):
    list_display = ["description", "invoice", "quantity", "unit_price_minor", "tax_rate", "total_minor"]
    list_filter = ["tax_inclusive", "organization"]
    search_fields = ["description", "invoice__number"]
    list_select_related = ["invoice"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["invoice", "client", "method", "status", "amount_minor", "amount_refunded_minor", "received_at"]
    list_filter = ["method", "status"]
    search_fields = ["invoice__number", "client__email", "reference", "stripe_payment_intent_id", "stripe_charge_id"]
    list_select_related = ["invoice", "client"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Payment._meta.fields]


@admin.register(CreditNote)
class CreditNoteAdmin(admin.ModelAdmin):
    list_display = ["number", "invoice", "client", "amount_minor", "currency", "issued_at"]
    list_filter = ["currency", "organization"]
    search_fields = ["number", "invoice__number", "client__email", "stripe_refund_id"]
    list_select_related = ["invoice", "client"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in CreditNote._meta.fields]


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    list_display = ["plan", "client", "organization", "sessions", "expires_at", "created_at"]
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
