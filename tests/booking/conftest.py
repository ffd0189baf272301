from datetime import time

import pytest

from booking import services
from booking.models import CoachProfile
from tests.factories import MembershipFactory, OrganizationFactory

from .factories import ServiceTypeFactory


class Studio:
    """A London business with one coach (Mon–Fri 09:00–17:00) and a 60-minute 1:1 service."""

    def __init__(self, tz="Europe/London"):
        self.org = OrganizationFactory(time_zone=tz, currency="GBP")
        self.coach = MembershipFactory(organization=self.org, role="owner").user
        self.profile = services.ensure_coach_profile(organization=self.org, user=self.coach)
        CoachProfile.objects.filter(pk=self.profile.pk).update(
            time_zone=tz, min_notice_minutes=0, max_days_ahead=60, slot_step_minutes=30
        )
        self.profile.refresh_from_db()
        services.set_weekly_hours(
            organization=self.org, coach=self.coach, intervals=[(d, time(9), time(17)) for d in range(5)]
        )
        self.service = ServiceTypeFactory(organization=self.org, coaches=[self.coach], duration_minutes=60)

    def profile_update(self, **fields):
        CoachProfile.objects.filter(pk=self.profile.pk).update(**fields)
        self.profile.refresh_from_db()


@pytest.fixture
def studio():
    return Studio()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run after-commit work (the outbox: events, emails) inside ordinary tests."""

    class Runner:
        def __call__(self, func, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return func(*args, **kwargs)

    return Runner()


@pytest.fixture(autouse=True)
def _throttle_clock_under_freezegun(monkeypatch):
    """DRF's throttles keep `time.time` as a class attribute; once freezegun swaps it for a
    plain function it would bind as a method. Look the clock up at call time instead."""
    import time as time_module

    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(lambda: time_module.time()))
