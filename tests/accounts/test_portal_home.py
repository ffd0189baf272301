"""The client portal home: today's sections and the cards of the others, honest empty states,
only the client's own data."""

import pytest
from django.urls import reverse

from clients import services as client_services
from tests.billing.factories import InvoiceFactory
from tests.booking.factories import BookingFactory, CreditGrantFactory
from tests.factories import ClientFactory, UserFactory
from tests.training.factories import ScheduledWorkoutFactory

pytestmark = pytest.mark.django_db


def test_new_client_sees_every_card_with_what_to_do(client, client_record):
    client.force_login(client_record.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "No session booked." in page
    assert "No workouts scheduled yet." in page
    assert "Welcome! Here is how to begin" in page
    assert "No unread messages." in page
    assert "Nothing to pay." in page and "0 session credits left" in page
    for url in ("booking:portal_bookings", "training:portal_workouts", "clients:portal_messages", "billing:portal"):
        assert f'href="{reverse(url)}"' in page


def test_cards_show_the_clients_session_workout_messages_invoices_and_credits(client, org, coach, client_record):
    booking = BookingFactory(organization=org, client=client_record)
    ScheduledWorkoutFactory(organization=org, client=client_record, workout__name="Lower body A")
    InvoiceFactory(organization=org, client=client_record, total_minor=4500, subtotal_minor=4500)
    CreditGrantFactory(organization=org, client=client_record, quantity=3)
    thread = client_services.start_thread(client=client_record, actor=coach)
    client_services.send_message(thread=thread, sender=coach, body="How was the session?")
    # Another client of the same business: none of theirs may show.
    other = ClientFactory(organization=org, user=UserFactory())
    BookingFactory(organization=org, client=other, session__service__name="Other's class")
    InvoiceFactory(organization=org, client=other, total_minor=99900, subtotal_minor=99900)
    ScheduledWorkoutFactory(organization=org, client=other, workout__name="Their workout")

    client.force_login(client_record.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert booking.session.service.name in page
    assert "Lower body A" in page and "Start workout" in page
    assert "1 unread message" in page
    assert "1 invoice to pay" in page and "45.00" in page
    assert "3 session credits left" in page
    assert "Other&#x27;s class" not in page and "Their workout" not in page and "999.00" not in page


def test_home_query_count_does_not_grow_with_data(client, org, coach, client_record, django_assert_max_num_queries):
    client.force_login(client_record.user)
    client.get(reverse("portal:home"))  # warm the session and brand caches
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("portal:home"))
    for _ in range(10):
        BookingFactory(organization=org, client=client_record)
        ScheduledWorkoutFactory(organization=org, client=client_record)
        InvoiceFactory(organization=org, client=client_record)
        CreditGrantFactory(organization=org, client=client_record)
        thread = client_services.start_thread(client=client_record, actor=coach)
        client_services.send_message(thread=thread, sender=coach, body="Hi")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("portal:home"))
    assert "10 invoices to pay" in page.content.decode()


def test_portal_home_is_for_clients_only(client, coach):
    anonymous = client.get(reverse("portal:home"))
    assert anonymous.status_code == 302 and reverse("account_login") in anonymous["Location"]
    client.force_login(coach)
    assert client.get(reverse("portal:home")).status_code == 404


def test_portal_nav_shows_workouts_and_progress_to_clients_only(client, coach, client_record):
    client.force_login(client_record.user)
    page = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("training:portal_workouts")}"' in page
    assert f'href="{reverse("clients:portal_progress")}"' in page
    client.force_login(coach)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("training:portal_workouts") not in dashboard and reverse("clients:portal_progress") not in dashboard
