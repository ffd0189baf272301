"""The coach's inbox: one list (unread first, filters), live updates by a cheap version
poll, client activity, saved replies, one message to several clients, the top bar count."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from clients import selectors_inbox, services
from clients.models import Message, Snippet, Thread
from mecto.comms.models import OutboundMessage
from mecto.events import emit
from tests.clients.factories import MessageFactory, SnippetFactory
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(org, coach, **kwargs):
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email, coach=coach, **kwargs)


def _thread(client, coach, *, from_client: bool, body="Hello"):
    thread = services.start_thread(client=client, actor=coach)
    services.send_message(thread=thread, sender=client.user if from_client else coach, body=body)
    return thread


def test_unread_first_then_latest_and_the_filters(org, coach):
    with freeze_time("2026-03-01 09:00"):
        old_question = _thread(_client(org, coach), coach, from_client=True, body="Knee hurts?")
        answered = _thread(_client(org, coach), coach, from_client=True)
        services.send_message(thread=answered, sender=coach, body="Rest it")
    with freeze_time("2026-03-02 12:00"):
        mine = _thread(_client(org, coach), coach, from_client=False, body="New plan is up")
        services.send_message(
            thread=mine,
            sender=coach,
            attachment=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf"),
        )
        fresh = _thread(_client(org, coach), coach, from_client=True, body="Done today")
        other_coach = MembershipFactory(organization=org, role="coach").user
        _thread(_client(org, other_coach), other_coach, from_client=True)

        def keys(**kw):
            rows = selectors_inbox.inbox_threads(organization=org, user=coach, coach_id=coach.pk, **kw)
            return [t.pk for t in rows]

        # Unread first (newest first among them), then the rest by latest message.
        assert keys() == [fresh.pk, old_question.pk, mine.pk, answered.pk]
        assert keys(filter_key="unanswered") == [old_question.pk]
        assert keys(filter_key="attachments") == [mine.pk]
        assert keys(filter_key="unread") == [fresh.pk, old_question.pk]
        assert selectors_inbox.unread_count(organization=org, user=coach, coach_id=coach.pk) == 2
        assert selectors_inbox.unread_count(organization=org, user=coach) == 3


def test_inbox_queries_do_not_grow_with_threads(org, owner, client):
    client.force_login(owner)
    api = api_as(owner)

    def counts():
        client.get(reverse("clients:inbox"), {"scope": "all"})  # the brand and session are cached, as when running
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("clients:inbox"), {"scope": "all"}).status_code == 200
        with CaptureQueriesContext(connection) as listed:
            response = api.get("/api/v1/inbox/threads/", {"scope": "all", "page_size": 100})
        assert response.status_code == 200
        return len(page), len(listed), len(response.data["results"])

    def threads(n):
        for _ in range(n):
            message = MessageFactory(organization=org, from_client=True, client__coach=owner)
            Thread.objects.filter(pk=message.thread_id).update(last_message_at=message.created_at)

    threads(3)
    small = counts()
    threads(27)
    large = counts()
    assert (small[2], large[2]) == (3, 30)
    assert small[:2] == large[:2]


def test_live_poll_is_one_query_until_a_reply_or_activity_arrives(org, coach, client):
    member = _client(org, coach)
    thread = _thread(member, coach, from_client=False, body="How did it go?")
    client.force_login(coach)
    page = client.get(reverse("clients:inbox"), {"thread": str(thread.public_id)})
    version = page.context["version"]
    live = reverse("clients:inbox_live")
    params = {"thread": str(thread.public_id), "v": version}
    client.get(live, params)  # the session and tenant are warm, as in an open page
    with CaptureQueriesContext(connection) as captured:
        assert client.get(live, params).status_code == 204
    domain = [q["sql"] for q in captured if "clients_" in q["sql"] or "mecto_event" in q["sql"]]
    assert len(domain) == 1, domain

    services.send_message(thread=thread, sender=member.user, body="Smashed it, legs are gone")
    fresh = client.get(live, params)
    assert fresh.status_code == 200
    html = fresh.content.decode()
    assert "Smashed it, legs are gone" in html and 'hx-swap-oob="outerHTML"' in html

    params["v"] = fresh.context["version"]
    emit(org, "workout.completed", {"workout": "Leg day", "records": 2, "sets": 12}, client=member)
    activity = client.get(live, params)
    assert activity.status_code == 200
    assert "Finished Leg day, 2 personal records" in activity.content.decode()


def test_api_inbox_answers_304_while_nothing_changed(org, coach):
    member = _client(org, coach)
    _thread(member, coach, from_client=True, body="Question")
    api = api_as(coach)
    first = api.get("/api/v1/inbox/threads/")
    assert first.status_code == 200 and first.data["results"][0]["last_message"] == "Question"
    assert first.data["results"][0]["last_from_client"] is True
    assert api.get("/api/v1/inbox/threads/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    summary = api.get("/api/v1/inbox/threads/summary/").data
    assert summary["unread"] == 1 and f'"{summary["version"]}"' == first["ETag"]
    assert api.get("/api/v1/inbox/threads/", {"filter": "nonsense"}).status_code == 200


def test_reply_from_the_inbox_and_the_top_bar_count(org, coach, client):
    member = _client(org, coach)
    thread = _thread(member, coach, from_client=True, body="Can I swap Friday?")
    client.force_login(coach)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'class="nav-count">1<' in dashboard
    reply = client.post(
        reverse("clients:inbox_reply"), {"thread": str(thread.public_id), "body": "Sure"}, HTTP_HX_REQUEST="true"
    )
    assert reply.status_code == 200 and "Sure" in reply.content.decode()
    assert Message.objects.filter(thread=thread, body="Sure", sender=coach).exists()
    empty = client.post(reverse("clients:inbox_reply"), {"thread": str(thread.public_id), "body": " "})
    assert empty.status_code == 302 and Message.objects.filter(thread=thread).count() == 2
    # Another business's conversation is not there.
    stranger = MessageFactory().thread
    foreign = client.post(reverse("clients:inbox_reply"), {"thread": str(stranger.public_id), "body": "x"})
    assert foreign.status_code == 404
    assert client.get(reverse("clients:inbox"), {"thread": "not-a-uuid"}).status_code == 200


def test_saved_replies_are_the_coachs_own_or_shared(org, coach, client):
    api = api_as(coach)
    created = api.post("/api/v1/inbox/snippets/", {"title": "Welcome", "body": "Glad you're here", "shared": True})
    assert created.status_code == 201 and created.data["shared"] is True
    assert api.post("/api/v1/inbox/snippets/", {"title": "", "body": "x"}).status_code == 400
    colleague = MembershipFactory(organization=org, role="coach").user
    private = SnippetFactory(organization=org, owner=colleague)
    assert api.get(f"/api/v1/inbox/snippets/{private.pk}/").status_code == 404
    assert [s["title"] for s in api.get("/api/v1/inbox/snippets/").data["results"]] == ["Welcome"]
    snippet_id = created.data["id"]
    assert api.patch(f"/api/v1/inbox/snippets/{snippet_id}/", {"shared": False}).data["owner"] == coach.pk

    client.force_login(coach)
    page = client.post(reverse("clients:inbox_snippets"), {"title": "", "body": ""})
    assert page.status_code == 400 and b"errorlist" in page.content
    client.post(reverse("clients:inbox_snippets"), {"title": "Form tip", "body": "Film from the side"})
    assert Snippet.objects.filter(owner=coach, title="Form tip").exists()
    assert client.get(reverse("clients:inbox_snippet", args=[private.pk])).status_code == 404
    client.post(reverse("clients:inbox_snippet", args=[snippet_id]), {"action": "delete"})
    assert not Snippet.objects.filter(pk=snippet_id).exists()


def test_one_message_to_several_clients_goes_out_as_separate_threads(org, coach, client, settings):
    settings.CLIENT_MESSAGE_EMAIL_DELAY = 0
    ana, ben = _client(org, coach), _client(org, coach)
    existing = _thread(ana, coach, from_client=False)
    foreign = ClientFactory()
    api = api_as(coach)
    refused = api.post("/api/v1/inbox/bulk-send/", {"clients": [ana.pk, foreign.pk], "body": "Hi"}, format="json")
    assert refused.status_code == 400 and "clients" in refused.data["errors"]
    sent = api.post(
        "/api/v1/inbox/bulk-send/",
        {"clients": [ana.pk, ben.pk], "body": "Challenge starts Monday", "subject": "Challenge"},
        format="json",
    )
    assert sent.status_code == 201 and sent.data["sent"] == 2
    assert Message.objects.filter(body="Challenge starts Monday").count() == 2
    assert Message.objects.get(body="Challenge starts Monday", client=ana).thread_id == existing.pk
    assert Thread.objects.get(client=ben).subject == "Challenge"
    services.send_unread_message_emails(now=timezone.now() + timedelta(seconds=1))
    notified = set(OutboundMessage.objects.filter(channel="email").values_list("to_address", flat=True))
    assert {ana.email, ben.email} <= notified

    client.force_login(coach)
    form = client.post(reverse("clients:inbox_broadcast"), {"clients": [], "body": ""})
    assert form.status_code == 400 and b"Choose at least one client" in form.content
    done = client.post(reverse("clients:inbox_broadcast"), {"clients": [ben.pk], "body": "See you"})
    assert done.status_code == 302 and Message.objects.filter(client=ben, body="See you").exists()
