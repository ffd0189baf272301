"""Form-check videos: sent with a message (page and API), checked by contents, served with
byte ranges to the client and their coaches only, answered by the coach in the thread."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients import services
from clients.models import FormCheckReply, FormCheckVideo, Message
from tests.clients.factories import FormCheckVideoFactory, MessageFactory, jpeg_bytes
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, UserFactory
from tests.video_bytes import mp4, webm

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(org, coach):
    return ClientFactory(organization=org, user=UserFactory(), coach=coach)


def clip(data=None, name="squat.mp4", content_type="video/mp4"):
    return SimpleUploadedFile(name, data if data is not None else mp4(seconds=12), content_type=content_type)


def poster():
    return SimpleUploadedFile("poster.jpg", jpeg_bytes(160, 90), content_type="image/jpeg")


def test_client_sends_a_video_from_the_portal_and_the_coach_sees_the_player(client, org, coach, member):
    client.force_login(member.user)
    response = client.post(
        reverse("clients:portal_messages"), {"body": "Is my depth OK?", "video": clip(), "poster": poster()}
    )
    assert response.status_code == 302
    video = FormCheckVideo.objects.get()
    assert (video.client, video.container, video.duration_ms, video.message.body) == (
        member,
        "mp4",
        12_000,
        "Is my depth OK?",
    )
    assert video.poster and video.original_name == "squat.mp4"
    client.force_login(coach)
    page = client.get(reverse("clients:messages", args=[member.pk])).content.decode()
    assert reverse("clients:video_file", args=[video.public_id]) in page
    assert reverse("clients:video_poster", args=[video.public_id]) in page
    assert reverse("clients:video_reply", args=[member.pk, video.public_id]) in page


def test_a_renamed_photo_or_an_over_long_clip_is_refused_and_nothing_is_sent(client, org, member):
    client.force_login(member.user)
    url = reverse("clients:portal_messages")
    for bad, reason in (
        (clip(jpeg_bytes(), name="squat.mp4"), "not a video we accept"),
        (clip(webm(seconds=90), name="squat.webm", content_type="video/webm"), "90 seconds"),
    ):
        response = client.post(
            url, {"body": "Look", "video": bad}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="conversation"
        )
        assert response.status_code == 400 and reason in response.content.decode()
    assert not Message.objects.exists() and not FormCheckVideo.objects.exists()


def test_the_clip_is_served_in_byte_ranges_to_its_client_and_coaches_only(client, org, coach, member):
    video = FormCheckVideoFactory(organization=org, client=member)
    data = mp4(seconds=12)
    url = reverse("clients:video_file", args=[video.public_id])
    client.force_login(member.user)
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes" and whole["Content-Type"] == "video/mp4"
    assert b"".join(whole.streaming_content) == data
    part = client.get(url, HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 4-11/{len(data)}"
    assert b"".join(part.streaming_content) == data[4:12] and part["Content-Length"] == "8"
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == data[-10:]
    open_ended = client.get(url, HTTP_RANGE=f"bytes={len(data) - 3}-")
    assert b"".join(open_ended.streaming_content) == data[-3:]
    outside = client.get(url, HTTP_RANGE=f"bytes={len(data)}-")
    assert outside.status_code == 416 and outside["Content-Range"] == f"bytes */{len(data)}"
    client.force_login(coach)
    assert client.get(url).status_code == 200
    # Without a poster, the neutral placeholder.
    assert client.get(reverse("clients:video_poster", args=[video.public_id]))["Location"].endswith("video-poster.svg")
    for stranger in (ClientFactory(organization=org, user=UserFactory()).user, MembershipFactory().user):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_coach_replies_on_a_video_in_its_thread_and_the_reply_links_to_it(client, org, coach, member):
    thread = services.start_thread(client=member, actor=member.user)
    services.send_message(thread=thread, sender=member.user, video=clip(), poster=poster())
    video = FormCheckVideo.objects.get()
    client.force_login(coach)
    response = client.post(
        reverse("clients:video_reply", args=[member.pk, video.public_id]), {"body": "Knees out a touch more."}
    )
    assert response.status_code == 302 and str(thread.public_id) in response["Location"]
    reply = FormCheckReply.objects.get()
    assert (reply.video, reply.message.thread, reply.message.body) == (video, thread, "Knees out a touch more.")
    page = client.get(response["Location"]).content.decode()
    assert "About the form-check video of" in page and "Knees out a touch more." in page
    # An empty reply is refused and sends nothing.
    client.post(reverse("clients:video_reply", args=[member.pk, video.public_id]), {"body": "  "})
    assert FormCheckReply.objects.count() == 1


def test_api_sends_a_video_message_and_the_coach_replies(org, coach, member):
    thread = services.start_thread(client=member, actor=member.user)
    me = api_as(member.user)
    sent = me.post(
        reverse("me-message-list"),
        {"thread": thread.pk, "video": clip(mov_bytes := mp4(brand=b"qt  ", seconds=9))},
        format="multipart",
    )
    assert sent.status_code == 201, sent.data
    assert sent.data["videos"][0]["container"] == "mov" and sent.data["videos"][0]["duration_seconds"] == 9
    assert sent.data["videos"][0]["has_poster"] is False
    video_id = sent.data["videos"][0]["id"]
    bad = me.post(
        reverse("me-message-list"), {"thread": thread.pk, "video": clip(b"GIF89a" + b"\0" * 50)}, format="multipart"
    )
    assert bad.status_code == 400 and "video" in bad.data["errors"]
    staff = api_as(coach)
    listed = staff.get(reverse("client-form-check-video-list", args=[member.pk]))
    assert [row["id"] for row in listed.data["results"]] == [video_id]
    part = staff.get(reverse("client-form-check-video-file", args=[member.pk, video_id]), HTTP_RANGE="bytes=0-7")
    assert part.status_code == 206 and b"".join(part.streaming_content) == mov_bytes[:8]
    replied = staff.post(
        reverse("client-form-check-video-reply", args=[member.pk, video_id]), {"body": "Nice brace."}, format="json"
    )
    assert replied.status_code == 201 and replied.data["replying_to_video"] == video_id
    assert me.get(reverse("me-form-check-video-detail", args=[video_id])).data["reply_count"] == 1
    empty = staff.post(
        reverse("client-form-check-video-reply", args=[member.pk, video_id]), {"body": ""}, format="json"
    )
    assert empty.status_code == 400


def test_video_lists_do_not_grow_in_queries_with_their_length(org, coach, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    thread = services.start_thread(client=member, actor=member.user)
    staff, me = api_as(coach), api_as(member.user)
    urls = [
        (staff, reverse("client-form-check-video-list", args=[member.pk])),
        (me, reverse("me-form-check-video-list")),
        (staff, reverse("thread-message-list", args=[thread.pk])),
    ]

    def counts():
        out = []
        for api, url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200
            out.append(len(queries))
        return out

    def add(n):
        for _ in range(n):
            message = MessageFactory(
                organization=org, client=member, thread=thread, sender=member.user, from_client=True
            )
            video = FormCheckVideoFactory(organization=org, client=member, message=message)
            reply = MessageFactory(organization=org, client=member, thread=thread, sender=coach)
            FormCheckReply.objects.create(organization=org, video=video, message=reply)

    add(2)
    few = counts()
    add(10)
    assert counts() == few
