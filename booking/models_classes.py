"""Group classes: a weekly timetable whose occurrences (Sessions) exist before anyone books,
and a waitlist per occurrence whose first in line is offered a freed place for a while."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgOwned, OrgQuerySet

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class GroupClassQuerySet(OrgQuerySet):
    def running(self):
        return self.filter(is_active=True)


class GroupClass(OrgOwned):
    """A class on the timetable: a group service with one coach at the same local times each
    week (in the business's time zone), from a start date until an optional end date.

    `weekly_times` is a list of {"weekday": 0–6 (Monday first), "start_time": "HH:MM"}; the
    duration is the service's. Its occurrences are Sessions generated ahead of time."""

    class Location(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Online (video)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        "booking.ServiceType", on_delete=models.PROTECT, related_name="group_classes", verbose_name=_("service")
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_classes", verbose_name=_("coach")
    )
    title = models.CharField(_("name on the timetable"), max_length=120, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("Leave empty to use the service's places."),
    )
    location_type = models.CharField(_("where"), max_length=16, choices=Location.choices, default=Location.IN_PERSON)
    address = models.CharField(_("address"), max_length=255, blank=True, help_text=_("Empty: the service's address."))
    room = models.CharField(_("room"), max_length=120, blank=True)
    weekly_times = models.JSONField(_("weekly times"), default=list)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    waitlist_hold_minutes = models.PositiveSmallIntegerField(
        _("hold a freed place for (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
        help_text=_("Empty: the business's booking policy."),
    )
    is_active = models.BooleanField(_("on the timetable"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GroupClassQuerySet.as_manager()

    MAX_WEEKLY_TIMES = 14

    class Meta:
        verbose_name = _("class on the timetable")
        verbose_name_plural = _("class timetable")
        ordering = ["organization", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")), name="group_class_dates"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="group_class_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.title or (self.service.name if self.service_id else "")

    @property
    def places(self) -> int:
        return self.capacity or (self.service.capacity if self.service_id else 1)

    @property
    def is_virtual(self) -> bool:
        return self.location_type == self.Location.VIRTUAL

    def clean(self):
        from datetime import time as time_cls

        errors = {}
        times = self.weekly_times
        if not isinstance(times, list) or not times:
            errors["weekly_times"] = _("Give at least one weekly time (a day and a start time).")
        elif len(times) > self.MAX_WEEKLY_TIMES:
            errors["weekly_times"] = _("At most %(n)s weekly times.") % {"n": self.MAX_WEEKLY_TIMES}
        else:
            for item in times:
                ok = (
                    isinstance(item, dict)
                    and item.get("weekday") in range(7)
                    and isinstance(item.get("start_time"), str)
                )
                if ok:
                    try:
                        time_cls.fromisoformat(item["start_time"])
                    except ValueError:
                        ok = False
                if not ok:
                    errors["weekly_times"] = _(
                        "Each weekly time is a weekday (0 Monday – 6 Sunday) and a start time HH:MM."
                    )
                    break
            else:
                keys = [(t["weekday"], time_cls.fromisoformat(t["start_time"])) for t in times]
                if len(set(keys)) != len(keys):
                    errors["weekly_times"] = _("The same day and time is given twice.")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The last day comes after the first day.")
        if self.service_id and self.service.capacity < 2 and not self.capacity:
            errors["capacity"] = _("A class has at least 2 places: set them here or on the service.")
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("A class has at least one place.")
        in_person = self.location_type == self.Location.IN_PERSON
        if in_person and not (self.address or "").strip() and self.service_id and not self.service.address.strip():
            errors["address"] = _("Say where the class takes place.")
        if errors:
            raise ValidationError(errors)

    @property
    def schedule_label(self) -> str:
        """ "Monday 07:00, Wednesday 07:00" in the active language."""
        names = dict(WEEKDAYS)
        return ", ".join(f"{names[d]} {t:%H:%M}" for d, t in self.local_times())

    def local_times(self):
        """[(weekday, time)] sorted, parsed from `weekly_times`."""
        from datetime import time as time_cls

        return sorted((int(t["weekday"]), time_cls.fromisoformat(t["start_time"])) for t in self.weekly_times or [])


class WaitlistEntryQuerySet(OrgQuerySet):
    def in_line(self):
        """Waiting or holding an offer: the people still in the queue."""
        return self.filter(status__in=WaitlistEntry.IN_LINE)


class WaitlistEntry(OrgOwned):
    """A client in the queue of a full class occurrence, in order of arrival (`sequence`).

    When a place frees, the first waiting entry is offered it until `offer_expires_at`;
    confirming books them, letting it lapse passes the offer to the next in line."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Place offered")
        BOOKED = "booked", _("Booked")
        EXPIRED = "expired", _("Offer expired")
        LEFT = "left", _("Left the waitlist")
        WITHDRAWN = "withdrawn", _("Class cancelled")

    IN_LINE = (Status.WAITING, Status.OFFERED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        "booking.Session", on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("class")
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("client")
    )
    sequence = models.PositiveIntegerField(_("arrival"), help_text=_("Order of arrival in this class's queue."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.WAITING)
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    offers_made = models.PositiveSmallIntegerField(_("offers made"), default=0)
    booking = models.ForeignKey(
        "booking.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("booking")
    )
    source = models.CharField(_("joined through"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["session", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["session", "sequence"], name="waitlist_arrival_once"),
            models.UniqueConstraint(
                fields=["session", "client"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_client_once_in_line",
            ),
        ]
        indexes = [models.Index(fields=["status", "offer_expires_at"], name="waitlist_offer_expiry")]

    def __str__(self) -> str:
        return f"{self.client} #{self.sequence} @ {self.session_id}"

    @property
    def is_in_line(self) -> bool:
        return self.status in self.IN_LINE
