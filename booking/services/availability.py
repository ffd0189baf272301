"""Coach profiles, the booking policy, services, weekly hours and exceptions."""

from __future__ import annotations

import secrets
from datetime import date, time
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mecto.crypto import hash_token
from mecto.services import check_fields, update_model

from .. import selectors
from ..models import AvailabilityException, AvailabilityRule, BookingPolicy, CoachProfile, ServiceType
from ._common import BookingError, _full_clean

__all__ = [
    "ensure_coach_profile",
    "PROFILE_FIELDS",
    "update_coach_profile",
    "rotate_feed_token",
    "revoke_feed_token",
    "POLICY_FIELDS",
    "update_policy",
    "SERVICE_FIELDS",
    "save_service_type",
    "archive_service_type",
    "set_weekly_hours",
    "add_availability_rule",
    "update_availability_rule",
    "add_exception",
]


def _unique_slug(model, organization, base: str, *, fallback: str, exclude_pk=None) -> str:
    """A slug of `base` unique in the business; Unicode letters are kept (`силовая-тренировка`)
    so names in any script get a readable address, and names with no letters or digits (emoji
    only) get `fallback` (`service`, `service-2`, ...)."""
    base = slugify(base, allow_unicode=True)[:50].strip("-") or fallback
    slug, n = base, 1
    qs = model.objects.for_org(organization)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_member(organization, user, field: str = "coach") -> None:
    if user is None or not user.memberships.filter(organization=organization, is_active=True).exists():
        raise BookingError(_("Choose a coach from your team."), field=field)


@transaction.atomic
def ensure_coach_profile(*, organization, user) -> CoachProfile:
    """The coach's booking profile in this business, created with sensible defaults."""
    profile = CoachProfile.objects.for_org(organization).filter(user=user).first()
    if profile is not None:
        return profile
    _check_member(organization, user)
    tz = user.time_zone if user.time_zone and user.time_zone != "UTC" else organization.time_zone
    try:
        with transaction.atomic():
            return CoachProfile.objects.create(
                organization=organization,
                user=user,
                slug=_unique_slug(
                    CoachProfile, organization, user.full_name or user.email.split("@")[0], fallback="coach"
                ),
                time_zone=tz,
            )
    except IntegrityError:  # created concurrently
        return CoachProfile.objects.for_org(organization).get(user=user)


PROFILE_FIELDS = {
    "slug",
    "bio",
    "time_zone",
    "accepts_bookings",
    "min_notice_minutes",
    "max_days_ahead",
    "slot_step_minutes",
    "video_provider",
}


@transaction.atomic
def update_coach_profile(*, profile: CoachProfile, actor=None, **fields) -> CoachProfile:
    check_fields(fields, PROFILE_FIELDS, error=BookingError)
    if "slug" in fields:
        fields["slug"] = slugify(fields["slug"] or "", allow_unicode=True)[:60].strip("-")
        if not fields["slug"]:
            raise BookingError(_("Choose an address for your booking page."), field="slug")
        taken = CoachProfile.objects.for_org(profile.organization).filter(slug=fields["slug"]).exclude(pk=profile.pk)
        if taken.exists():
            raise BookingError(_("Another coach uses this address."), field="slug")
    profile, _changed = update_model(
        profile,
        fields,
        allowed=PROFILE_FIELDS,
        error=BookingError,
        exclude=["organization", "user", "feed_token", "feed_token_hash"],
    )
    return profile


@transaction.atomic
def rotate_feed_token(*, profile: CoachProfile) -> CoachProfile:
    """A new secret calendar-feed address; the old one stops working at once."""
    profile.feed_token = secrets.token_urlsafe(32)
    profile.feed_token_hash = hash_token(profile.feed_token)
    profile.save(update_fields=["feed_token", "feed_token_hash"])
    return profile


@transaction.atomic
def revoke_feed_token(*, profile: CoachProfile) -> CoachProfile:
    profile.feed_token = profile.feed_token_hash = ""
    profile.save(update_fields=["feed_token", "feed_token_hash"])
    return profile


POLICY_FIELDS = {
    "cancellation_deadline_hours",
    "late_cancel_forfeits_credit",
    "late_cancel_fee_minor",
    "no_show_forfeits_credit",
    "reminder_offsets_minutes",
    "remind_by_email",
    "remind_by_sms",
    "payment_hold_minutes",
    "waitlist_hold_minutes",
    "public_booking_enabled",
    "booking_page_intro",
}


@transaction.atomic
def update_policy(*, organization, actor=None, **fields) -> BookingPolicy:
    if "reminder_offsets_minutes" in fields:
        fields["reminder_offsets_minutes"] = sorted(set(fields["reminder_offsets_minutes"] or []), reverse=True)
    policy, _changed = update_model(
        selectors.policy_for(organization), fields, allowed=POLICY_FIELDS, error=BookingError, exclude=["organization"]
    )
    return policy


SERVICE_FIELDS = {
    "name",
    "description",
    "duration_minutes",
    "price_minor",
    "currency",
    "location_type",
    "address",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "capacity",
    "payment_requirement",
    "deposit_minor",
    "tax_rate",
    "is_active",
    "is_public",
}


@transaction.atomic
def save_service_type(
    *, organization, actor=None, service: ServiceType | None = None, coaches=None, **fields
) -> ServiceType:
    """Create or change a service; `coaches` (users of the team) offer it."""
    check_fields(fields, SERVICE_FIELDS, error=BookingError)
    if service is None:
        service = ServiceType(organization=organization, currency=organization.currency)
    for key, value in fields.items():
        setattr(service, key, value)
    service.name = (service.name or "").strip()
    if not service.name:
        raise BookingError(_("Give the service a name."), field="name")
    if not service.slug or "name" in fields:
        service.slug = _unique_slug(ServiceType, organization, service.name, fallback="service", exclude_pk=service.pk)
    _full_clean(service, exclude=["organization", "coaches", "slug"])
    service.save()
    if coaches is not None:
        coaches = list(coaches)
        for coach in coaches:
            _check_member(organization, coach, field="coaches")
            ensure_coach_profile(organization=organization, user=coach)
        service.coaches.set(coaches)
    return service


@transaction.atomic
def archive_service_type(*, service: ServiceType, actor=None) -> ServiceType:
    """Stop offering a service; its past and booked sessions stay."""
    service.is_active = False
    service.save(update_fields=["is_active"])
    return service


def _check_intervals(intervals: list[tuple[int, time, time]]) -> None:
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in intervals:
        if weekday not in range(7):
            raise BookingError(_("Choose a day of the week."), field="weekday")
        if start is None or end is None or end <= start:
            raise BookingError(_("Each interval ends after it starts."), field="end_time")
        by_day.setdefault(weekday, []).append((start, end))
    for weekday, day in by_day.items():
        day.sort()
        for (_s1, e1), (s2, _e2) in zip(day, day[1:], strict=False):
            if s2 < e1:
                name = AvailabilityRule.Weekday(weekday).label
                raise BookingError(_("Two intervals overlap on %(day)s.") % {"day": name}, field="start_time")


@transaction.atomic
def set_weekly_hours(*, organization, coach, intervals: list[tuple[int, time, time]], actor=None) -> list:
    """Replace a coach's weekly hours (several intervals a day allowed, no overlaps)."""
    _check_member(organization, coach)
    _check_intervals(intervals)
    ensure_coach_profile(organization=organization, user=coach)
    AvailabilityRule.objects.for_org(organization).filter(coach=coach).delete()
    return AvailabilityRule.objects.bulk_create(
        [
            AvailabilityRule(organization=organization, coach=coach, weekday=w, start_time=s, end_time=e)
            for w, s, e in sorted(intervals)
        ]
    )


@transaction.atomic
def add_availability_rule(*, organization, coach, weekday: int, start_time: time, end_time: time, actor=None):
    _check_member(organization, coach)
    existing = [
        (r.weekday, r.start_time, r.end_time)
        for r in AvailabilityRule.objects.for_org(organization).filter(coach=coach, weekday=weekday)
    ]
    _check_intervals([*existing, (weekday, start_time, end_time)])
    ensure_coach_profile(organization=organization, user=coach)
    return AvailabilityRule.objects.create(
        organization=organization, coach=coach, weekday=weekday, start_time=start_time, end_time=end_time
    )


@transaction.atomic
def update_availability_rule(*, rule: AvailabilityRule, actor=None, **fields) -> AvailabilityRule:
    """Change a weekly interval, including moving it to another coach of the team (who may
    do that is the caller's permission check)."""
    check_fields(fields, {"coach", "weekday", "start_time", "end_time"}, error=BookingError)
    coach = fields.get("coach")
    if coach is not None and coach.pk != rule.coach_id:
        _check_member(rule.organization, coach, field="coach")
        ensure_coach_profile(organization=rule.organization, user=coach)
        rule.coach = coach
    for key in ("weekday", "start_time", "end_time"):
        if key in fields:
            setattr(rule, key, fields[key])
    others = [
        (r.weekday, r.start_time, r.end_time)
        for r in AvailabilityRule.objects.for_org(rule.organization)
        .filter(coach=rule.coach, weekday=rule.weekday)
        .exclude(pk=rule.pk)
    ]
    _check_intervals([*others, (rule.weekday, rule.start_time, rule.end_time)])
    rule.save()
    return rule


@transaction.atomic
def add_exception(
    *,
    organization,
    coach,
    date: date,
    kind: str = AvailabilityException.Kind.OFF,
    start_time: time | None = None,
    end_time: time | None = None,
    note: str = "",
    actor=None,
) -> AvailabilityException:
    """Time off (a whole day or some hours) or extra hours on one date, from today on."""
    _check_member(organization, coach)
    profile = ensure_coach_profile(organization=organization, user=coach)
    if date < timezone.now().astimezone(ZoneInfo(profile.time_zone)).date():
        raise BookingError(_("This date has passed. Pick today or a later date."), field="date")
    exc = AvailabilityException(
        organization=organization,
        coach=coach,
        date=date,
        kind=kind,
        start_time=start_time,
        end_time=end_time,
        note=note,
    )
    _full_clean(exc, exclude=["organization", "coach"])
    exc.save()
    return exc
