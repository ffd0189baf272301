"""Booking: service types, coach availability, sessions on the calendar, the bookings of
clients in them, reminders and package credits (a ledger)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mecto.crypto import EncryptedTextField
from mecto.fields import LimitedTextField
from mecto.localization import CURRENCY_CHOICES, validate_currency, validate_time_zone
from mecto.tenancy import OrgOwned, OrgQuerySet


class VideoProvider(models.TextChoices):
    JITSI = "jitsi", _("Jitsi (no account needed)")
    ZOOM = "zoom", _("Zoom")
    GOOGLE_MEET = "google_meet", _("Google Meet")
    TEAMS = "teams", _("Microsoft Teams")


class CoachProfile(OrgOwned):
    """How one coach of a business takes bookings: time zone, notice, horizon, slot step,
    public page address, video provider and the secret address of their calendar feed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_profiles", verbose_name=_("coach")
    )
    slug = models.SlugField(_("booking page address"), max_length=60, allow_unicode=True)
    bio = LimitedTextField(_("about"), blank=True, max_length=2000)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    accepts_bookings = models.BooleanField(_("takes online bookings"), default=True)
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"), default=120, validators=[MaxValueValidator(60 * 24 * 60)]
    )
    max_days_ahead = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=60, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        _("slot step (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    video_provider = models.CharField(
        _("video meetings"), max_length=16, choices=VideoProvider.choices, default=VideoProvider.JITSI
    )
    # The coach copies the feed address again later, so its token is kept encrypted; the
    # feed is looked up by the hash. Both are empty while the feed is off.
    feed_token = EncryptedTextField(blank=True, editable=False, max_length=128, validators=[MaxLengthValidator(128)])
    feed_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("coach booking profile")
        verbose_name_plural = _("coach booking profiles")
        ordering = ["organization", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="coach_profile_once_per_org"),
            models.UniqueConstraint(fields=["organization", "slug"], name="coach_profile_slug_per_org"),
            models.UniqueConstraint(
                fields=["feed_token_hash"], condition=~Q(feed_token_hash=""), name="coach_feed_token_hash_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.slug})"


class BookingPolicy(OrgOwned):
    """A business's rules: cancellation deadline and what a late cancel costs, reminders
    and how long an unpaid booking holds its place."""

    cancellation_deadline_hours = models.PositiveSmallIntegerField(
        _("free cancellation until (hours before)"), default=24, validators=[MaxValueValidator(24 * 14)]
    )
    late_cancel_forfeits_credit = models.BooleanField(_("late cancel uses up the package credit"), default=True)
    late_cancel_fee_minor = models.PositiveIntegerField(_("late cancel fee (minor units)"), default=0)
    no_show_forfeits_credit = models.BooleanField(_("no-show uses up the package credit"), default=True)
    reminder_offsets_minutes = models.JSONField(_("reminders (minutes before)"), default=list, blank=True)
    remind_by_email = models.BooleanField(_("email reminders"), default=True)
    remind_by_sms = models.BooleanField(_("text message reminders"), default=False)
    payment_hold_minutes = models.PositiveSmallIntegerField(
        _("hold unpaid bookings for (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(1440)]
    )
    waitlist_hold_minutes = models.PositiveSmallIntegerField(
        _("hold a freed class place for (minutes)"),
        default=120,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
        help_text=_("How long the first on a class's waitlist has to take a freed place (never past the start)."),
    )
    public_booking_enabled = models.BooleanField(_("public booking page on"), default=True)
    booking_page_intro = LimitedTextField(_("booking page introduction"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    DEFAULT_REMINDERS = [24 * 60, 120]

    class Meta:
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policies")
        constraints = [models.UniqueConstraint(fields=["organization"], name="booking_policy_once_per_org")]

    def __str__(self) -> str:
        return f"Booking policy of {self.organization_id}"

    def clean(self):
        offsets = self.reminder_offsets_minutes or []
        if not isinstance(offsets, list) or not all(isinstance(o, int) and 5 <= o <= 60 * 24 * 14 for o in offsets):
            raise ValidationError(
                {"reminder_offsets_minutes": _("Reminders are whole minutes between 5 minutes and 14 days.")}
            )
        if len(offsets) > 5:
            raise ValidationError({"reminder_offsets_minutes": _("Five reminders at most.")})


class ServiceTypeQuerySet(OrgQuerySet):
    def bookable(self):
        return self.filter(is_active=True)


class ServiceType(OrgOwned):
    """Something a client can book: a 1:1 session or a group class with N places."""

    class Location(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Online (video)")

    class Payment(models.TextChoices):
        NONE = "none", _("No payment at booking")
        FULL = "full", _("Full payment at booking")
        DEPOSIT = "deposit", _("Deposit at booking")
        CREDIT = "credit", _("One package credit")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address name"), max_length=60, allow_unicode=True)
    description = LimitedTextField(_("description"), blank=True, max_length=2000)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(720)]
    )
    price_minor = models.PositiveIntegerField(_("price (minor units)"), default=0)
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, default="USD", validators=[validate_currency]
    )
    location_type = models.CharField(_("where"), max_length=16, choices=Location.choices, default=Location.IN_PERSON)
    address = models.CharField(_("address"), max_length=255, blank=True)
    buffer_before_minutes = models.PositiveSmallIntegerField(
        _("buffer before (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        _("buffer after (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)], help_text=_("1 for 1:1")
    )
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="booking_services", verbose_name=_("coaches"), blank=True
    )
    payment_requirement = models.CharField(
        _("payment at booking"), max_length=16, choices=Payment.choices, default=Payment.NONE
    )
    deposit_minor = models.PositiveIntegerField(_("deposit (minor units)"), default=0)
    tax_rate = models.DecimalField(
        _("tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Included in the price; the invoice of a payment at booking shows it."),
    )
    is_active = models.BooleanField(_("bookable"), default=True)
    is_public = models.BooleanField(_("on the public booking page"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ServiceTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="service_slug_per_org"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="service_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_group(self) -> bool:
        return self.capacity > 1

    @property
    def is_virtual(self) -> bool:
        return self.location_type == self.Location.VIRTUAL

    @property
    def amount_due_at_booking(self) -> int:
        if self.payment_requirement == self.Payment.FULL:
            return self.price_minor
        if self.payment_requirement == self.Payment.DEPOSIT:
            return self.deposit_minor
        return 0

    def clean(self):
        errors = {}
        if self.payment_requirement in (self.Payment.FULL, self.Payment.DEPOSIT) and self.price_minor <= 0:
            errors["price_minor"] = _("Set a price to take payment at booking.")
        if self.payment_requirement == self.Payment.DEPOSIT and not 0 < self.deposit_minor < max(self.price_minor, 1):
            errors["deposit_minor"] = _("A deposit is more than zero and less than the price.")
        if self.location_type == self.Location.IN_PERSON and not self.address.strip():
            errors["address"] = _("Say where in-person sessions take place.")
        if errors:
            raise ValidationError(errors)


class AvailabilityRule(OrgOwned):
    """A weekly interval when a coach can be booked, in the coach's time zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_rules", verbose_name=_("coach")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        ordering = ["coach", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="availability_rule_ordered"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="availability_rule_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The end comes after the start.")})


class AvailabilityException(OrgOwned):
    """A date that differs from the weekly hours: time off (all day or some hours) or extra hours."""

    class Kind(models.TextChoices):
        OFF = "off", _("Time off")
        EXTRA = "extra", _("Extra hours")

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="availability_exceptions",
        verbose_name=_("coach"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.OFF)
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("date exception")
        verbose_name_plural = _("date exceptions")
        ordering = ["coach", "date", "start_time"]
        indexes = [models.Index(fields=["organization", "coach", "date"], name="availability_exc_lookup")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    @property
    def is_all_day(self) -> bool:
        return self.start_time is None and self.end_time is None

    def clean(self):
        if (self.start_time is None) != (self.end_time is None):
            raise ValidationError({"end_time": _("Give both a start and an end, or neither for the whole day.")})
        if self.kind == self.Kind.EXTRA and self.start_time is None:
            raise ValidationError({"start_time": _("Extra hours need a start and an end.")})
        if self.start_time is not None and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The end comes after the start.")})


class RecurringSeries(OrgOwned):
    """A client's weekly session at the same local time for N weeks; each week is a Session
    that can be changed on its own."""

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="recurring_series")
    service = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="recurring_series")
    first_date = models.DateField(_("first date"))
    local_time = models.TimeField(_("time"))
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    weeks = models.PositiveSmallIntegerField(_("weeks"), validators=[MinValueValidator(1), MaxValueValidator(52)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("recurring sessions")
        verbose_name_plural = _("recurring sessions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.service} weekly × {self.weeks} for {self.client}"


class SessionQuerySet(OrgQuerySet):
    def scheduled(self):
        return self.filter(status=Session.Status.SCHEDULED)

    def overlapping(self, start, end):
        return self.filter(start_at__lt=end, end_at__gt=start)


class Session(OrgOwned):
    """A time on a coach's calendar: one client (1:1) or several (group class).

    One scheduled session per coach and start time (a constraint), so two attempts at the
    same slot can never both create one; the rest is checked under the coach's lock.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_sessions", verbose_name=_("coach")
    )
    service = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("service")
    )
    start_at = models.DateTimeField(_("starts"))
    end_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("places"), default=1)
    location_type = models.CharField(_("where"), max_length=16, choices=ServiceType.Location.choices)
    address = models.CharField(_("address"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    video_provider = models.CharField(_("video"), max_length=16, choices=VideoProvider.choices, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    video_meeting_id = models.CharField(max_length=200, blank=True)
    series = models.ForeignKey(
        RecurringSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    series_index = models.PositiveSmallIntegerField(null=True, blank=True)
    is_modified = models.BooleanField(_("changed from the series"), default=False)
    group_class = models.ForeignKey(
        "booking.GroupClass",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
        verbose_name=_("class on the timetable"),
    )
    # The timetable's local wall-clock start ("2026-03-29T07:00"): one session per class and
    # occurrence, so generating again never makes a second one.
    class_occurrence = models.CharField(max_length=16, blank=True, editable=False)
    notes = LimitedTextField(_("session notes"), blank=True, max_length=5000)
    sequence = models.PositiveIntegerField(default=0, help_text=_("iCalendar revision, raised on every change"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "coach", "start_at"],
                condition=Q(status="scheduled"),
                name="session_one_per_coach_start",
            ),
            models.CheckConstraint(condition=Q(end_at__gt=models.F("start_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.UniqueConstraint(
                fields=["group_class", "class_occurrence"],
                condition=Q(group_class__isnull=False),
                name="session_one_per_class_occurrence",
            ),
        ]
        indexes = [models.Index(fields=["organization", "coach", "start_at"], name="session_calendar")]

    def __str__(self) -> str:
        return f"{self.service} {self.start_at:%Y-%m-%d %H:%M}Z"

    @property
    def is_virtual(self) -> bool:
        return self.location_type == ServiceType.Location.VIRTUAL

    @property
    def uid(self) -> str:
        """Stable iCalendar UID of this session."""
        return f"session-{self.pk}@mecto"


class BookingQuerySet(OrgQuerySet):
    def active(self):
        return self.exclude(status=Booking.Status.CANCELLED)


class Booking(OrgOwned):
    """A client's place in a session. Addressed on public pages by `public_id` only."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    class Attendance(models.TextChoices):
        UNMARKED = "unmarked", _("Not marked")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("No-show")
        LATE_CANCEL = "late_cancel", _("Late cancel")

    class PaymentStatus(models.TextChoices):
        NOT_REQUIRED = "not_required", _("Nothing to pay at booking")
        CREDIT = "credit", _("Paid with a package credit")
        PENDING = "pending", _("Awaiting payment")
        PAY_AT_SESSION = "pay_at_session", _("Pay at the session")
        DEPOSIT_PAID = "deposit_paid", _("Deposit paid")
        PAID = "paid", _("Paid")

    class Source(models.TextChoices):
        PUBLIC_PAGE = "public", _("Public booking page")
        COACH = "coach", _("Added by the coach")
        APP = "app", _("Client app")
        RECURRING = "recurring", _("Recurring sessions")

    class CancelledBy(models.TextChoices):
        CLIENT = "client", _("Client")
        COACH = "coach", _("Coach")
        SYSTEM = "system", _("System")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("session"))
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="bookings", verbose_name=_("client")
    )
    seat = models.PositiveSmallIntegerField(_("place"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    attendance = models.CharField(
        _("attendance"), max_length=16, choices=Attendance.choices, default=Attendance.UNMARKED
    )
    source = models.CharField(_("booked through"), max_length=16, choices=Source.choices, default=Source.COACH)
    note = LimitedTextField(_("message from the client"), blank=True, max_length=2000)
    price_minor = models.PositiveIntegerField(_("price (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="USD", validators=[validate_currency])
    payment_status = models.CharField(
        _("payment"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.NOT_REQUIRED
    )
    amount_due_minor = models.PositiveIntegerField(_("due at booking (minor units)"), default=0)
    amount_paid_minor = models.PositiveIntegerField(_("paid (minor units)"), default=0)
    payment_hold_until = models.DateTimeField(_("place held until"), null=True, blank=True)
    checkout_url = models.URLField(_("payment link"), max_length=1000, blank=True)
    late_cancel_fee_minor = models.PositiveIntegerField(_("late cancel fee (minor units)"), default=0)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.CharField(_("cancelled by"), max_length=8, choices=CancelledBy.choices, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = BookingQuerySet.as_manager()

    ACTIVE = (Status.PENDING_PAYMENT, Status.CONFIRMED)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "seat"], condition=~Q(status="cancelled"), name="booking_one_per_place"
            ),
            models.UniqueConstraint(
                fields=["session", "client"], condition=~Q(status="cancelled"), name="booking_client_once_per_session"
            ),
            models.CheckConstraint(condition=Q(seat__gte=1), name="booking_seat_positive"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "payment_hold_until"], name="booking_unpaid_holds"),
            models.Index(fields=["organization", "client", "-created_at"], name="booking_client_recent"),
            # "Booked in the last N days" segments: a business's bookings made since a date.
            models.Index(fields=["organization", "created_at"], name="booking_org_created"),
        ]

    def __str__(self) -> str:
        return f"{self.client} @ {self.session}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def credit_reference(self) -> str:
        return f"booking:{self.pk}"


class BookingPayment(OrgOwned):
    """A payment billing reported for a booking; one row per provider reference."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="payments")
    amount_minor = models.PositiveIntegerField(_("amount (minor units)"))
    reference = models.CharField(_("reference"), max_length=200)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking payment")
        verbose_name_plural = _("booking payments")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["organization", "reference"], name="booking_payment_once")]

    def __str__(self) -> str:
        return f"{self.amount_minor} for booking {self.booking_id} ({self.reference})"


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")


class CreditGrant(OrgOwned):
    """Session credits given to a client (bought package, membership period, goodwill).

    What is left of a grant is its quantity plus the signed deltas of its entries;
    a client's balance is what is left of their unexpired grants.
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="credit_grants", verbose_name=_("client")
    )
    quantity = models.PositiveIntegerField(_("credits"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    source_ref = models.CharField(
        _("source"), max_length=120, help_text=_("What granted it, e.g. 'payment:pi_123'; a source grants once.")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("granted by"),
    )
    refunded_quantity = models.PositiveIntegerField(
        _("credits refunded"),
        default=0,
        help_text=_("Credits the purchase's refunds take back; unused ones are revoked, never below zero."),
    )
    created_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit grant")
        verbose_name_plural = _("credit grants")
        ordering = ["expires_at", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "source_ref"], name="credit_grant_once_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} credits for {self.client}"


class CreditEntry(OrgOwned):
    """One movement on a grant: a booking consumes (−1), an in-policy cancel returns (+1),
    a late cancel or no-show forfeits (0, recorded), a refund revokes unused credits (−n),
    expiry and adjustments as they come."""

    class Kind(models.TextChoices):
        CONSUME = "consume", _("Used by a booking")
        RETURN = "return", _("Returned (cancelled in time)")
        FORFEIT = "forfeit", _("Forfeited (late cancel or no-show)")
        ADJUST = "adjust", _("Adjusted by the coach")
        REVOKE = "revoke", _("Revoked (purchase refunded)")

    grant = models.ForeignKey(CreditGrant, on_delete=models.CASCADE, related_name="entries")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="credit_entries")
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="credit_entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    delta = models.IntegerField(_("change"))
    reference = models.CharField(_("reference"), max_length=120, blank=True, help_text=_("e.g. 'booking:42'"))
    idempotency_key = models.CharField(max_length=160)
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "idempotency_key"], name="credit_entry_once"),
            models.CheckConstraint(condition=Q(delta__gte=-1000) & Q(delta__lte=1000), name="credit_entry_delta_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.delta:+d}"


from .models_classes import GroupClass, WaitlistEntry  # noqa: E402,F401  (group classes live beside)
