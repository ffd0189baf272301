"""Messaging: threads, attachments, unread counts, the delayed unread email, API and pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from clients import selectors, services
from clients.models import Message
from mecto.comms.models import OutboundMessage
from mecto.models import Event
from tests.clients.factories import jpeg_bytes
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(org, coach):
    return ClientFactory(organization=org, user=UserFactory(), coach=coach)


def test_unread_counts_per_person(org, coach, member_client):
    thread = services.start_thread(client=member_client, actor=coach)
    services.send_message(thread=thread, sender=coach, body="How was the session?")
    services.send_message(thread=thread, sender=member_client.user, body="Great!")
    services.send_message(thread=thread, sender=member_client.user, body="Legs are sore")
    coach_view = selectors.threads_for(organization=org, user=coach).get()
    client_view = selectors.threads_for(organization=org, user=member_client.user, client=member_client).get()
    assert (coach_view.unread_count, client_view.unread_count) == (2, 0)
    services.mark_thread_read(thread=thread, user=coach)
    assert selectors.unread_total(organization=org, user=coach) == 0
    assert Event.objects.filter(name="message.sent", client_id=member_client.pk).count() == 3


def test_only_the_client_and_their_coaches_may_write(org, member_client):
    thread = services.start_thread(client=member_client, actor=member_client.user)
    stranger = ClientFactory(organization=org, user=UserFactory())
    outsider = MembershipFactory().user
    for person in (stranger.user, outsider):
        with pytest.raises(services.MessagingError):
            services.send_message(thread=thread, sender=person, body="hi")
    with pytest.raises(services.MessagingError):
        services.send_message(thread=thread, sender=member_client.user, body="  ")
    assert not Message.objects.exists()


def test_attachments_photos_are_cleaned_and_others_refused(org, coach, member_client):
    thread = services.start_thread(client=member_client, actor=coach)
    message = services.send_message(
        thread=thread, sender=coach, attachment=SimpleUploadedFile("plan.png", jpeg_bytes(), content_type="image/png")
    )
    assert message.attachment_type == "image/jpeg" and message.attachment_name == "plan.jpg"
    pdf = services.send_message(
        thread=thread,
        sender=coach,
        attachment=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf"),
    )
    assert pdf.attachment_type == "application/pdf"
    with pytest.raises(services.MessagingError) as caught:
        services.send_message(thread=thread, sender=coach, attachment=SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 40))
    assert caught.value.field == "attachment"


def test_unread_email_after_the_delay_once_and_not_if_read(
    org, coach, member_client, settings, django_capture_on_commit_callbacks
):
    settings.CLIENT_MESSAGE_EMAIL_DELAY = 600
    thread = services.start_thread(client=member_client, actor=coach)
    with freeze_time("2026-10-25 00:30:00"):  # the night Europe's clocks go back
        services.send_message(thread=thread, sender=member_client.user, body="Can we move Tuesday?")
        services.send_message(thread=thread, sender=member_client.user, body="Or Wednesday")
    with freeze_time("2026-10-25 00:35:00"), django_capture_on_commit_callbacks(execute=True):
        assert services.send_unread_message_emails() == 0  # not yet: the delay is 10 minutes
    with freeze_time("2026-10-25 00:41:00"), django_capture_on_commit_callbacks(execute=True):
        assert services.send_unread_message_emails() == 1
        assert services.send_unread_message_emails() == 0  # never twice
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [coach.email]
    assert "2 new messages" in mail.outbox[0].subject and "Or Wednesday" in mail.outbox[0].body
    (logged,) = OutboundMessage.objects.filter(topic="messages")  # one email covered both messages
    assert logged.status == "sent" and len(logged.context["message_ids"]) == 2
    # A reply the client reads in time is not emailed.
    with freeze_time("2026-10-25 01:00:00"):
        services.send_message(thread=thread, sender=coach, body="Wednesday works")
    with freeze_time("2026-10-25 01:02:00"):
        services.mark_thread_read(thread=thread, user=member_client.user)
    with freeze_time("2026-10-25 01:20:00"), django_capture_on_commit_callbacks(execute=True):
        assert services.send_unread_message_emails() == 0
    assert len(mail.outbox) == 1


def test_unassigned_client_messages_go_to_owners_and_coaches(org, owner, coach, assistant):
    person = ClientFactory(organization=org, user=UserFactory())
    thread = services.start_thread(client=person, actor=person.user)
    services.send_message(thread=thread, sender=person.user, body="Hello?")
    later = timezone.now() + timedelta(hours=1)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        services.send_unread_message_emails(now=later)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, coach.email])


@pytest.mark.parametrize("n", [10, 60])
def test_thread_and_message_lists_keep_their_query_count(coach_api, org, coach, n, django_assert_max_num_queries):
    for _ in range(n):
        client = ClientFactory(organization=org, user=UserFactory())
        thread = services.start_thread(client=client, actor=coach)
        services.send_message(thread=thread, sender=client.user, body="hi")
    with django_assert_max_num_queries(6):
        response = coach_api.get("/api/v1/clients/threads/", {"page_size": 100, "scope": "all"})
    assert response.data["count"] == n and all(t["unread_count"] == 1 for t in response.data["results"])


def test_cursor_paginated_messages_and_mark_read_api(org, coach, coach_api, member_client):
    thread = services.start_thread(client=member_client, actor=coach)
    for i in range(7):
        services.send_message(thread=thread, sender=member_client.user, body=f"m{i}")
    first = coach_api.get(f"/api/v1/clients/threads/{thread.pk}/messages/", {"page_size": 5}).data
    assert [m["body"] for m in first["results"]] == ["m6", "m5", "m4", "m3", "m2"] and first["next"]
    second = coach_api.get(first["next"]).data
    assert [m["body"] for m in second["results"]] == ["m1", "m0"] and second["next"] is None
    sent = coach_api.post(f"/api/v1/clients/threads/{thread.pk}/messages/", {"body": "Reply"}, format="json")
    assert sent.status_code == 201 and sent.data["from_client"] is False
    assert coach_api.post(f"/api/v1/clients/threads/{thread.pk}/read/").status_code == 204


def test_client_replies_through_the_api(org, coach, member_client):
    api = api_as(member_client.user)
    started = api.post("/api/v1/me/threads/", {"subject": "Knee", "body": "It clicks on squats"}, format="json")
    assert started.status_code == 201 and started.data["client"] == member_client.pk
    thread_id = started.data["id"]
    reply = api.post(
        "/api/v1/me/messages/",
        {"thread": thread_id, "body": "Photo attached", "attachment": SimpleUploadedFile("k.jpg", jpeg_bytes())},
        format="multipart",
    )
    assert reply.status_code == 201 and reply.data["attachment_url"]
    assert api.get(reply.data["attachment_url"]).status_code == 200
    listing = api.get("/api/v1/me/messages/", {"thread": thread_id}).data
    assert [m["body"] for m in listing["results"]] == ["Photo attached", "It clicks on squats"]


def test_a_client_cannot_read_or_post_to_another_clients_thread(org, coach, member_client):
    thread = services.start_thread(client=member_client, actor=coach)
    secret = services.send_message(thread=thread, sender=coach, body="private")
    other = ClientFactory(organization=org, user=UserFactory())
    api = api_as(other.user)
    assert api.get(f"/api/v1/me/threads/{thread.pk}/").status_code == 404
    assert api.get(f"/api/v1/me/messages/{secret.pk}/").status_code == 404
    assert api.get("/api/v1/me/messages/", {"thread": thread.pk}).data["results"] == []
    post = api.post("/api/v1/me/messages/", {"thread": thread.pk, "body": "sneaky"}, format="json")
    assert post.status_code == 400 and "thread" in post.data["errors"]
    assert Message.objects.count() == 1


def test_messages_tab_polls_and_sends_with_htmx(client, coach, org, member_client):
    client.force_login(coach)
    url = reverse("clients:messages", args=[member_client.pk])
    page = client.get(url).content.decode()
    assert "No messages yet" in page
    response = client.post(url, {"body": "Welcome aboard!"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="conversation")
    body = response.content.decode()
    assert response.status_code == 200 and "Welcome aboard!" in body and "<html" not in body
    assert 'hx-trigger="every 5s"' in body
    thread = member_client.threads.get()
    services.send_message(thread=thread, sender=member_client.user, body="Thanks coach")
    poll = client.get(url, {"thread": thread.public_id}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="conversation")
    assert "Thanks coach" in poll.content.decode()
    assert selectors.unread_total(organization=org, user=coach) == 0  # reading the page marks it read
    empty = client.post(url, {"body": ""}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="conversation")
    assert empty.status_code == 400 and "Write a message" in empty.content.decode()


def test_client_portal_messages_page(client, org, coach, member_client):
    thread = services.start_thread(client=member_client, actor=coach)
    services.send_message(thread=thread, sender=coach, body="See you Monday")
    client.force_login(member_client.user)
    page = client.get(reverse("clients:portal_messages"))
    assert page.status_code == 200 and "See you Monday" in page.content.decode()
    client.post(reverse("clients:portal_messages"), {"body": "Will do", "thread": thread.public_id})
    assert thread.messages.filter(from_client=True, body="Will do").exists()


def test_message_bodies_show_once_and_real_flashes_still_show(client, org, coach, member_client):
    """The conversation is not taken for flash messages: no body as a banner, and a banner
    the page flashes (a refused send) is not lost."""
    thread = services.start_thread(client=member_client, actor=coach)
    services.send_message(thread=thread, sender=coach, body="Hips below parallel this week")
    services.send_message(thread=thread, sender=member_client.user, body="Understood, coach")
    pages = [
        (coach, reverse("clients:messages", args=[member_client.pk])),
        (member_client.user, reverse("clients:portal_messages")),
    ]
    for person, url in pages:
        client.force_login(person)
        page = client.get(url).content.decode()
        assert page.count("Hips below parallel this week") == 1
        assert page.count("Understood, coach") == 1
        assert 'class="alert alert-info"' not in page
        response = client.post(url, {"body": "", "thread": thread.public_id}, follow=True)
        page = response.content.decode()
        assert page.count('class="alert alert-error"') == 1 and "Write a message" in page
        assert page.count("Hips below parallel this week") == 1


def test_dashboard_shows_unread_messages(client, org, coach, member_client):
    thread = services.start_thread(client=member_client, actor=member_client.user)
    services.send_message(thread=thread, sender=member_client.user, body="Question")
    client.force_login(coach)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Unread messages" in page and member_client.full_name in page


def test_portal_addresses_conversations_by_public_id_only(client, org, coach, member_client):
    mine = services.start_thread(client=member_client, actor=coach)
    services.send_message(thread=mine, sender=coach, body="Mine")
    other_client = ClientFactory(organization=org, user=UserFactory())
    theirs = services.start_thread(client=other_client, actor=coach)
    services.send_message(thread=theirs, sender=coach, body="Not yours")
    client.force_login(member_client.user)
    for wanted in (theirs.pk, theirs.public_id, mine.pk):
        page = client.get(reverse("clients:portal_messages"), {"thread": wanted}).content.decode()
        assert "Not yours" not in page and "Mine" in page
