"""Form-check videos on logged sets: the client adds one (app or portal), the coach watches
it beside the logged workout and replies in the conversation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients.models import FormCheckReply, FormCheckVideo, Thread
from tests.clients.factories import jpeg_bytes
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory
from tests.training.factories import SetLogFactory
from tests.video_bytes import mp4, webm
from training.models import SetVideo

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(org, coach):
    return ClientFactory(organization=org, user=UserFactory(), coach=coach)


@pytest.fixture
def logged_set(org, member):
    return SetLogFactory(organization=org, client=member, set_number=2)


def clip(data=None, name="set.webm"):
    return SimpleUploadedFile(name, data if data is not None else webm(seconds=15), content_type="video/webm")


def test_the_app_adds_a_video_to_a_set_and_the_log_shows_it(org, member, logged_set):
    me = api_as(member.user)
    poster = SimpleUploadedFile("p.png", jpeg_bytes(160, 90), content_type="image/png")
    added = me.post(
        reverse("my-set-video-list"), {"set_log": logged_set.pk, "video": clip(), "poster": poster}, format="multipart"
    )
    assert added.status_code == 201, added.data
    assert added.data["set_number"] == 2 and added.data["form_check_video"]["container"] == "webm"
    assert added.data["form_check_video"]["has_poster"] is True
    log = me.get(reverse("my-workout-log-detail", args=[logged_set.workout_log.client_uuid])).data
    assert log["sets"][0]["videos"][0]["id"] == added.data["form_check_video"]["id"]
    listed = me.get(reverse("my-set-video-list"), {"workout_log": logged_set.workout_log_id}).data
    assert [row["id"] for row in listed["results"]] == [added.data["id"]]


def test_refused_uploads_store_nothing(org, member, logged_set):
    me = api_as(member.user)
    neighbour_set = SetLogFactory(organization=org)
    cases = [
        ({"set_log": neighbour_set.pk, "video": clip()}, "set_log"),  # another client's set
        ({"set_log": logged_set.pk, "video": clip(jpeg_bytes(), name="set.webm")}, "video"),  # a photo renamed
        ({"set_log": logged_set.pk, "video": clip(mp4(seconds=61), name="set.mp4")}, "video"),  # too long
    ]
    for data, field in cases:
        response = me.post(reverse("my-set-video-list"), data, format="multipart")
        assert response.status_code == 400 and field in response.data["errors"], response.data
    assert not SetVideo.objects.exists() and not FormCheckVideo.objects.exists()


def test_portal_upload_then_the_coach_watches_and_replies_about_the_set(client, org, coach, member, logged_set):
    client.force_login(member.user)
    url = reverse("training:portal_set_video", args=[logged_set.workout_log.client_uuid])
    response = client.post(url, {"set_log": logged_set.pk, "video": clip()})
    assert response.status_code == 302
    set_video = SetVideo.objects.get()
    assert set_video.video.client == member and not set_video.video.poster
    portal = client.get(reverse("training:portal_workouts")).content.decode()
    assert reverse("clients:video_file", args=[set_video.video.public_id]) in portal and "video-poster.svg" in portal
    client.force_login(coach)
    page = client.get(reverse("training:client", args=[member.pk])).content.decode()
    assert reverse("clients:video_file", args=[set_video.video.public_id]) in page
    assert "Reply about this video" in page
    replied = api_as(coach).post(reverse("set-video-reply", args=[set_video.pk]), {"body": "Hips a little higher."})
    assert replied.status_code == 201
    thread = Thread.objects.get(client=member)
    assert thread.subject == f"Form check: {logged_set.exercise.name}, set 2"
    assert FormCheckReply.objects.get().message.body == "Hips a little higher."


def test_set_video_lists_do_not_grow_in_queries_with_their_length(org, coach, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.training.factories import SetVideoFactory

    urls = [(api_as(coach), reverse("set-video-list")), (api_as(member.user), reverse("my-set-video-list"))]
    urls.append((urls[1][0], reverse("my-workout-log-list")))

    def counts():
        out = []
        for api, url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200
            out.append(len(queries))
        return out

    SetVideoFactory(organization=org, client=member)
    few = counts()
    for _ in range(8):
        SetVideoFactory(organization=org, client=member)
    assert counts() == few
