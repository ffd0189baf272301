from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from booking import services
from booking.selectors import credit_balance
from mecto.models import Event
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_grant_is_applied_once_per_source():
    client = ClientFactory()
    first = services.grant_credits(client=client, quantity=10, source_ref="payment:pi_1")
    again = services.grant_credits(client=client, quantity=10, source_ref="payment:pi_1")
    assert first.pk == again.pk
    assert credit_balance(client=client) == 10
    assert Event.objects.filter(name="credits.granted").count() == 1


def test_consume_uses_the_credit_expiring_first_and_never_goes_negative():
    client = ClientFactory()
    now = timezone.now()
    late = services.grant_credits(client=client, quantity=1, source_ref="a", expires_at=now + timedelta(days=60))
    soon = services.grant_credits(client=client, quantity=1, source_ref="b", expires_at=now + timedelta(days=5))
    assert services.consume_credit(client=client, reference="booking:1").grant == soon
    assert services.consume_credit(client=client, reference="booking:2").grant == late
    assert credit_balance(client=client) == 0
    with pytest.raises(services.BookingError):
        services.consume_credit(client=client, reference="booking:3")
    assert credit_balance(client=client) == 0


def test_consume_is_idempotent_per_reference():
    client = ClientFactory()
    services.grant_credits(client=client, quantity=2, source_ref="a")
    services.consume_credit(client=client, reference="booking:1")
    services.consume_credit(client=client, reference="booking:1")
    assert credit_balance(client=client) == 1


def test_return_gives_the_credit_back_once_and_forfeit_keeps_it_used():
    client = ClientFactory()
    services.grant_credits(client=client, quantity=2, source_ref="a")
    services.consume_credit(client=client, reference="booking:1")
    services.consume_credit(client=client, reference="booking:2")
    services.return_credit(client=client, reference="booking:1")
    services.return_credit(client=client, reference="booking:1")
    services.forfeit_credit(client=client, reference="booking:2")
    assert credit_balance(client=client) == 1
    with pytest.raises(services.BookingError):
        services.return_credit(client=client, reference="booking:2")


def test_expired_credits_do_not_count():
    client = ClientFactory()
    with freeze_time("2026-01-01 10:00"):
        services.grant_credits(
            client=client, quantity=3, source_ref="a", expires_at=timezone.now() + timedelta(days=30)
        )
        assert credit_balance(client=client) == 3
    with freeze_time("2026-02-01 10:00"):
        assert credit_balance(client=client) == 0
        with pytest.raises(services.BookingError):
            services.consume_credit(client=client, reference="booking:9")


def test_grant_of_zero_is_refused():
    with pytest.raises(services.BookingError):
        services.grant_credits(client=ClientFactory(), quantity=0, source_ref="z")
