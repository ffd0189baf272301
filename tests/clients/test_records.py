"""Client records: lifecycle history, consent with proof, tags, notes, duplicates."""

import pytest
from freezegun import freeze_time

from clients import services
from clients.models import Client, StatusChange
from mecto.comms.models import Consent
from mecto.models import Event
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_create_records_the_first_status_and_emits_created(org, coach):
    client = services.create_client(
        organization=org,
        actor=coach,
        first_name="Ana",
        email="ANA@example.com",
        status="trial",
        tags=["online", "Online"],
    )
    assert client.email == "ana@example.com"
    assert list(client.status_changes.values_list("from_status", "to_status")) == [("", "trial")]
    assert [t.name for t in client.tags.all()] == ["online"]
    assert Event.objects.filter(name="client.created", client_id=client.pk).exists()


def test_duplicate_email_in_one_business_is_refused_with_a_message(org):
    services.create_client(organization=org, first_name="A", email="same@example.com")
    with pytest.raises(services.ClientError) as caught:
        services.create_client(organization=org, first_name="B", email="Same@Example.com")
    assert caught.value.field == "email" and "already exists" in caught.value.message
    # Another business may have the same person.
    services.create_client(organization=OrganizationFactory(), first_name="A", email="same@example.com")


def test_status_changes_are_kept_as_history_with_time_and_actor(org, coach):
    client = ClientFactory(organization=org, status="lead")
    with freeze_time("2026-03-01 10:00"):
        services.change_status(client=client, status="trial", actor=coach, note="Booked a trial week")
    with freeze_time("2026-03-09 10:00"):
        services.change_status(client=client, status="active", actor=coach)
    client.refresh_from_db()
    assert client.status == "active" and client.status_changed_at.isoformat().startswith("2026-03-09")
    history = list(StatusChange.objects.filter(client=client).order_by("changed_at"))
    assert [(h.from_status, h.to_status) for h in history] == [("lead", "trial"), ("trial", "active")]
    assert history[0].note == "Booked a trial week" and history[0].changed_by == coach
    assert Event.objects.filter(name="client.status_changed", client_id=client.pk).count() == 2


def test_an_unknown_status_is_refused(org):
    client = ClientFactory(organization=org)
    with pytest.raises(services.ClientError):
        services.change_status(client=client, status="vip")


def test_consent_history_keeps_when_and_how(org, coach):
    client = services.create_client(
        organization=org,
        actor=coach,
        first_name="C",
        email="c@example.com",
        email_consent=True,
        consent_method="Paper form",
    )
    with freeze_time("2026-05-04 12:00"):
        services.record_consent(client=client, channel="email", granted=False, method="Asked by phone", actor=coach)
    services.record_consent(client=client, channel="sms", granted=True, method="Text reply YES")
    client.refresh_from_db()
    assert client.email_consent is False and client.email_consent_method == "Asked by phone"
    assert client.email_consent_at.isoformat().startswith("2026-05-04")
    assert client.sms_consent is True
    records = list(Consent.objects.filter(client_id=client.pk).order_by("id"))
    assert [(r.channel, r.granted, r.method) for r in records] == [
        ("email", True, "Paper form"),
        ("email", False, "Asked by phone"),
        ("sms", True, "Text reply YES"),
    ]


def test_consent_needs_a_method_and_a_known_channel(org):
    client = ClientFactory(organization=org)
    with pytest.raises(services.ClientError):
        services.record_consent(client=client, channel="email", granted=True, method=" ")
    with pytest.raises(services.ClientError):
        services.record_consent(client=client, channel="fax", granted=True, method="x")
    assert not Consent.objects.exists()


def test_coach_must_belong_to_the_business(org):
    outsider = MembershipFactory().user
    with pytest.raises(services.ClientError) as caught:
        services.create_client(organization=org, first_name="X", coach=outsider)
    assert caught.value.field == "coach"


def test_bad_field_values_give_field_errors(org):
    with pytest.raises(services.ClientError) as caught:
        services.create_client(organization=org, first_name="X", time_zone="Mars/Olympus")
    assert caught.value.field == "time_zone"
    with pytest.raises(services.ClientError) as caught:
        services.create_client(organization=org, first_name="X", height_cm=900)
    assert caught.value.field == "height_cm"
    assert not Client.objects.exists()


def test_tags_replace_and_notes(org, coach):
    client = ClientFactory(organization=org)
    services.set_client_tags(client=client, tags=["a", "b"])
    services.set_client_tags(client=client, tags=["b", "c"])
    assert sorted(t.name for t in client.tags.all()) == ["b", "c"]
    note = services.add_note(client=client, author=coach, body="  Likes mornings ")
    assert note.body == "Likes mornings" and note.author == coach
    services.update_note(note=note, is_pinned=True)
    note.refresh_from_db()
    assert note.is_pinned
    with pytest.raises(services.ClientError):
        services.add_note(client=client, author=coach, body="")


def test_update_emits_changed_fields(org, coach):
    client = ClientFactory(organization=org)
    services.update_client(client=client, actor=coach, phone="+44 7700 900123", goals="Run a marathon")
    event = Event.objects.get(name="client.updated", client_id=client.pk)
    assert set(event.payload["fields"]) == {"phone", "goals"}


def test_age_on_birthday_eve(org):
    client = ClientFactory(organization=org, date_of_birth="1990-06-15")
    client.refresh_from_db()
    with freeze_time("2026-06-14"):
        assert client.age == 35
    with freeze_time("2026-06-15"):
        assert client.age == 36


def test_unsubscribing_from_a_link_shows_on_the_client_once(org, coach, client, django_capture_on_commit_callbacks):
    from mecto.comms.preferences import preference_url

    person = services.create_client(
        organization=org, actor=coach, first_name="Una", email="una@example.com", email_consent=True
    )
    url = preference_url(organization=org, channel="email", address="UNA@example.com", topic="campaigns")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    person.refresh_from_db()
    assert person.email_consent is False and "link" in person.email_consent_method
    lines = [e.name for e in Event.objects.filter(client_id=person.pk, name="client.consent_changed")]
    assert len(lines) == 2  # given on the client page, withdrawn by the link: one line each
    assert [c.granted for c in Consent.objects.filter(client_id__isnull=False, address="una@example.com")] == [True]


def test_consent_follows_the_client_to_a_new_address(org, coach):
    from mecto import comms

    person = services.create_client(
        organization=org,
        actor=coach,
        first_name="Ned",
        email="ned@old.example",
        phone="07700 900456",
        email_consent=True,
        sms_consent=True,
    )
    allowed = comms.check(
        organization=org, channel="sms", address="+447700900456", category="marketing", topic="campaigns"
    )
    assert allowed.allowed  # the local number was stored in E.164 for the business's country
    services.update_client(client=person, actor=coach, email="ned@new.example")
    for address, expected in (("ned@new.example", True), ("ned@old.example", True)):
        verdict = comms.check(organization=org, channel="email", address=address, category="marketing", topic="x")
        assert verdict.allowed is expected
    assert (
        "ned@old.example" in comms.latest_consent(organization=org, channel="email", address="ned@new.example").method
    )
