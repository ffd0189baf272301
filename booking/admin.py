from django.contrib import admin
from django.db import models
from django.utils.html import format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mecto.admin_actions import run_each
from mecto.admin_money import MoneyAdminMixin
from mecto.localization import format_date

from . import selectors, services
from .models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPayment,
    BookingPolicy,
    CoachProfile,
    CreditEntry,
    CreditGrant,
    GroupClass,
    RecurringSeries,
    ServiceType,
    Session,
    WaitlistEntry,
)


class ServiceOwnedAdmin(MoneyAdminMixin, admin.ModelAdmin):
    """Rows only the booking services write (they lock, count credits, tell clients and
    calendars): the back office reads them and acts through the actions, never edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CreditEntryInline(admin.TabularInline):
    model = CreditEntry
    extra = 0
    fields = ["kind", "delta", "reference", "booking", "note", "actor", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(CreditGrant)
class CreditGrantAdmin(admin.ModelAdmin):
    """Grants can be added here; once made they are part of the ledger and stay as they are."""

    list_display = ["client", "organization", "quantity", "expires_at", "source_ref", "created_at"]
    list_filter = ["organization", ("expires_at", admin.EmptyFieldListFilter)]
    search_fields = ["client__first_name", "client__last_name", "client__email", "source_ref", "reason"]
    list_select_related = ["client", "organization"]
    autocomplete_fields = ["client", "granted_by"]
    inlines = [CreditEntryInline]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)


@admin.register(CreditEntry)
class CreditEntryAdmin(ServiceOwnedAdmin):
    list_display = ["client", "kind", "delta", "reference", "grant", "booking", "created_at"]
    list_filter = ["kind", "organization"]
    search_fields = ["client__email", "reference", "idempotency_key"]
    # The grant and booking columns print their client and session: fetch them in the same query.
    list_select_related = [
        "client",
        "grant__client",
        "booking__client",
        "booking__session__service",
    ]
    readonly_fields = [
        "grant",
        "client",
        "booking",
        "kind",
        "delta",
        "reference",
        "idempotency_key",
        "actor",
        "created_at",
    ]


@admin.register(CoachProfile)
class CoachProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "slug", "time_zone", "accepts_bookings", "video_provider"]
    list_filter = ["accepts_bookings", "video_provider", "organization"]
    search_fields = ["user__email", "user__full_name", "slug"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user", "organization"]
    readonly_fields = ["created_at"]


@admin.register(BookingPolicy)
class BookingPolicyAdmin(MoneyAdminMixin, admin.ModelAdmin):
    list_display = [
        "organization",
        "cancellation_deadline_hours",
        "late_cancel_forfeits_credit",
        "late_cancel_fee_minor",
        "remind_by_email",
        "remind_by_sms",
    ]
    list_filter = ["remind_by_email", "remind_by_sms", "public_booking_enabled"]
    search_fields = ["organization__name", "organization__slug"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    money_fields = {"late_cancel_fee_minor": "organization.currency"}


@admin.register(ServiceType)
class ServiceTypeAdmin(MoneyAdminMixin, admin.ModelAdmin):
    money_fields = {"price_minor": "currency", "deposit_minor": "currency"}
    list_display = [
        "name",
        "organization",
        "duration_minutes",
        "capacity",
        "price_minor",
        "tax_rate",
        "payment_requirement",
        "is_active",
    ]
    list_filter = ["location_type", "payment_requirement", "is_active", "is_public", "organization"]
    search_fields = ["name", "slug", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization", "coaches"]


@admin.register(AvailabilityRule)
class AvailabilityRuleAdmin(admin.ModelAdmin):
    list_display = ["coach", "organization", "weekday", "start_time", "end_time"]
    list_filter = ["weekday", "organization"]
    search_fields = ["coach__email", "coach__full_name"]
    list_select_related = ["coach", "organization"]
    autocomplete_fields = ["coach", "organization"]


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(admin.ModelAdmin):
    list_display = ["coach", "organization", "date", "kind", "start_time", "end_time", "note"]
    list_filter = ["kind", "organization"]
    search_fields = ["coach__email", "coach__full_name", "note"]
    list_select_related = ["coach", "organization"]
    autocomplete_fields = ["coach", "organization"]
    date_hierarchy = "date"


@admin.register(RecurringSeries)
class RecurringSeriesAdmin(admin.ModelAdmin):
    list_display = ["client", "service", "coach", "first_date", "local_time", "weeks", "cancelled_at"]
    list_filter = ["organization", ("cancelled_at", admin.EmptyFieldListFilter)]
    search_fields = ["client__first_name", "client__last_name", "client__email", "coach__email"]
    list_select_related = ["client", "service", "coach"]
    autocomplete_fields = ["client", "service", "coach", "organization", "created_by"]


class BookingInline(admin.TabularInline):
    model = Booking
    extra = 0
    fields = ["client", "seat", "status", "attendance", "payment_status", "source"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Session)
class SessionAdmin(ServiceOwnedAdmin):
    list_display = ["service", "coach", "start_at", "end_at", "status", "capacity", "video_provider", "organization"]
    list_filter = ["status", "location_type", "video_provider", "organization"]
    search_fields = ["service__name", "coach__email", "coach__full_name", "notes"]
    list_select_related = ["service", "coach", "organization"]
    autocomplete_fields = ["service", "coach", "organization", "series", "created_by"]
    readonly_fields = ["sequence", "created_at", "updated_at"]
    date_hierarchy = "start_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [BookingInline]
    actions = ["cancel_sessions"]

    @admin.action(description=_("Cancel the selected sessions (clients are told, credits returned)"))
    def cancel_sessions(self, request, queryset):
        run_each(
            self,
            request,
            queryset.filter(status=Session.Status.SCHEDULED),
            lambda session: services.cancel_session(
                session=session, actor=request.user, reason="Cancelled by the business"
            ),
            done=lambda n: ngettext("%(n)s session cancelled.", "%(n)s sessions cancelled.", n) % {"n": n},
        )


class BookingPaymentInline(MoneyAdminMixin, admin.TabularInline):
    model = BookingPayment
    money_fields = {"amount_minor": "booking.currency"}
    extra = 0
    fields = ["amount_minor", "reference", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Booking)
class BookingAdmin(ServiceOwnedAdmin):
    list_display = [
        "client",
        "session",
        "organization",
        "status",
        "attendance",
        "payment_status",
        "amount_paid_minor",
        "source",
        "created_at",
    ]
    list_filter = ["status", "attendance", "payment_status", "source", "organization"]
    money_fields = {
        "price_minor": "currency",
        "amount_due_minor": "currency",
        "amount_paid_minor": "currency",
        "late_cancel_fee_minor": "currency",
    }
    search_fields = ["client__first_name", "client__last_name", "client__email", "public_id"]
    list_select_related = ["client", "session", "session__service", "organization"]
    autocomplete_fields = ["client", "session", "organization", "created_by"]
    readonly_fields = ["public_id", "created_at", "updated_at", "cancelled_at", "reminders_sent"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [BookingPaymentInline]
    actions = ["cancel_bookings"]

    @admin.display(description=_("Reminders (message log)"))
    def reminders_sent(self, obj):
        if obj.pk is None:
            return "-"
        rows = selectors.reminder_messages(booking=obj)
        return (
            format_html_join(
                "",
                "<div>{} · {} · {}</div>",
                ((format_date(localtime(m.created_at), "DATETIME_FORMAT"), m.channel, m.status) for m in rows),
            )
            or "-"
        )

    @admin.action(description=_("Cancel the selected bookings (no charge, credits returned)"))
    def cancel_bookings(self, request, queryset):
        run_each(
            self,
            request,
            queryset.active(),
            lambda booking: services.cancel_booking(
                booking=booking, actor=request.user, by=Booking.CancelledBy.COACH, late=False
            ),
            done=lambda n: ngettext("%(n)s booking cancelled.", "%(n)s bookings cancelled.", n) % {"n": n},
        )


@admin.register(BookingPayment)
class BookingPaymentAdmin(ServiceOwnedAdmin):
    money_fields = {"amount_minor": "booking.currency"}
    list_display = ["booking", "amount_minor", "reference", "organization", "created_at"]
    list_filter = ["organization"]
    search_fields = ["reference", "booking__public_id", "booking__client__email"]
    list_select_related = ["booking__client", "booking__session__service", "organization"]
    readonly_fields = ["booking", "amount_minor", "reference", "created_at"]


@admin.register(GroupClass)
class GroupClassAdmin(ServiceOwnedAdmin):
    """The timetable is written by its service (which generates and moves occurrences)."""

    list_display = ["__str__", "service", "coach", "schedule_label", "places", "starts_on", "ends_on", "is_active"]
    list_filter = ["is_active", "location_type", "organization"]
    search_fields = ["title", "room", "service__name", "coach__email", "coach__full_name"]
    list_select_related = ["service", "coach", "organization"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    actions = ["generate_occurrences", "archive_classes"]

    @admin.action(description=_("Generate the selected classes' occurrences for the next weeks"))
    def generate_occurrences(self, request, queryset):
        run_each(
            self,
            request,
            queryset.filter(is_active=True),
            lambda group_class: services.generate_class_sessions(group_class=group_class, actor=request.user),
            done=lambda n: (
                ngettext("%(n)s class brought up to date.", "%(n)s classes brought up to date.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Take the selected classes off the timetable (upcoming ones cancelled, all told)"))
    def archive_classes(self, request, queryset):
        run_each(
            self,
            request,
            queryset.filter(is_active=True),
            lambda group_class: services.archive_group_class(group_class=group_class, actor=request.user),
            done=lambda n: ngettext("%(n)s class archived.", "%(n)s classes archived.", n) % {"n": n},
        )


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ServiceOwnedAdmin):
    list_display = ["client", "session", "sequence", "status", "offer_expires_at", "offers_made", "created_at"]
    list_filter = ["status", "organization"]
    search_fields = ["client__first_name", "client__last_name", "client__email"]
    list_select_related = ["client", "session", "session__service", "organization"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    actions = ["remove_from_waitlist"]

    @admin.action(description=_("Take the selected clients off the waitlist (an offer passes to the next)"))
    def remove_from_waitlist(self, request, queryset):
        run_each(
            self,
            request,
            queryset.filter(status__in=WaitlistEntry.IN_LINE),
            lambda entry: services.leave_waitlist(entry=entry, actor=request.user),
            done=lambda n: ngettext("%(n)s client taken off.", "%(n)s clients taken off.", n) % {"n": n},
        )
