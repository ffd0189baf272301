from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from marketing.sending import quiet_release, send_to_client
from marketing.services.settings import update_sending_settings
from mecto import comms
from mecto.comms.models import Channel, OutboundMessage
from tests.factories import ClientFactory, OrganizationFactory

from .helpers import email_template, sms_template

pytestmark = pytest.mark.django_db
BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")


@pytest.fixture
def business():
    return OrganizationFactory(name="Northside Strength", time_zone="Europe/Berlin")


def _client(business, zone):
    return ClientFactory(organization=business, email="", phone="+12125550100", time_zone=zone)


@freeze_time("2026-03-10 02:30:00")  # 22:30 in New York, 03:30 in Berlin
def test_sms_to_a_new_york_client_at_night_waits_for_8_in_new_york(business):
    client = _client(business, "America/New_York")
    message = send_to_client(business, client, sms_template(business), channel=Channel.SMS, key="s1")
    assert message.send_after == datetime(2026, 3, 10, 8, 0, tzinfo=NEW_YORK).astimezone(UTC)
    assert message.send_after.hour == 12  # EDT since 8 March: UTC-4


@freeze_time("2026-03-10 15:00:00")  # 11:00 in New York, 16:00 in Berlin
def test_sms_in_the_day_goes_now(business):
    client = _client(business, "America/New_York")
    message = send_to_client(business, client, sms_template(business), channel=Channel.SMS, key="s1")
    assert message.send_after == datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@freeze_time("2026-03-10 21:30:00")  # 22:30 in Berlin, 17:30 in New York
def test_the_client_zone_not_the_business_zone_decides(business):
    ny = send_to_client(
        business, _client(business, "America/New_York"), sms_template(business), channel=Channel.SMS, key="ny"
    )
    assert ny.send_after == datetime(2026, 3, 10, 21, 30, tzinfo=UTC)
    # A client with no zone of their own (UTC, the default) is read in the business's zone.
    local = send_to_client(business, _client(business, "UTC"), sms_template(business), channel=Channel.SMS, key="local")
    assert local.send_after == datetime(2026, 3, 11, 8, 0, tzinfo=BERLIN).astimezone(UTC)


def test_quiet_hours_over_the_dst_change_night_end_at_local_8():
    # 29 March 2026: Berlin skips 02:00 → 03:00. 23:00 CET on the 28th → 08:00 CEST on the 29th.
    release = quiet_release(datetime(2026, 3, 28, 22, 0, tzinfo=UTC), BERLIN, time(21), time(8))
    assert release == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    # New York, 8 March 2026 (02:00 → 03:00): a quiet window ending at 02:30 ends at 03:30 EDT.
    release = quiet_release(datetime(2026, 3, 8, 5, 0, tzinfo=UTC), NEW_YORK, time(21), time(2, 30))
    assert release == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    # Autumn (1 November 2026, New York falls back): 08:00 EST is 13:00 UTC.
    release = quiet_release(datetime(2026, 11, 1, 4, 0, tzinfo=UTC), NEW_YORK, time(21), time(8))
    assert release == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)


def test_a_window_inside_one_day_and_an_empty_window():
    noon = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)  # 12:00 Berlin
    assert quiet_release(noon, BERLIN, time(12), time(14)) == datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert quiet_release(noon, BERLIN, time(13), time(14)) is None
    assert quiet_release(noon, BERLIN, time(9), time(9)) is None


@freeze_time("2026-03-10 02:30:00")
def test_business_quiet_hours_are_its_own_and_email_is_never_held(business):
    update_sending_settings(organization=business, quiet_start=time(23), quiet_end=time(6))
    client = ClientFactory(
        organization=business, email="sam@example.com", phone="+12125550100", time_zone="America/New_York"
    )
    sms = send_to_client(business, client, sms_template(business), channel=Channel.SMS, key="s1")
    assert sms.send_after == datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # 22:30 NY is before 23:00
    email = send_to_client(business, client, email_template(business), channel=Channel.EMAIL, key="e1")
    assert email.send_after == datetime(2026, 3, 10, 2, 30, tzinfo=UTC)


def test_the_frequency_cap_holds_back_the_message_over_it(business):
    update_sending_settings(organization=business, email_cap=2)
    client = ClientFactory(organization=business, email="sam@example.com")
    comms.record_consent(organization=business, channel="email", address=client.email, granted=True, method="t")
    template = email_template(business)
    with freeze_time("2026-05-01 10:00:00"):
        first = send_to_client(business, client, template, channel=Channel.EMAIL, key="a")
        second = send_to_client(business, client, template, channel=Channel.EMAIL, key="b")
        third = send_to_client(business, client, template, channel=Channel.EMAIL, key="c")
        # The same key again returns the same row; a transactional email is never capped.
        assert send_to_client(business, client, template, channel=Channel.EMAIL, key="c").pk == third.pk
        booking = send_to_client(
            business, client, template, channel=Channel.EMAIL, key="t", topic="account", category="transactional"
        )
    assert first.status == second.status == OutboundMessage.Status.QUEUED
    assert booking.status == OutboundMessage.Status.QUEUED
    third.refresh_from_db()
    assert third.status == OutboundMessage.Status.SUPPRESSED and "Frequency cap" in third.status_detail
    with freeze_time("2026-05-08 10:00:01"):  # seven days later the window has moved on
        fourth = send_to_client(business, client, template, channel=Channel.EMAIL, key="d")
    assert fourth.status == OutboundMessage.Status.QUEUED
