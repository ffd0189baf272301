"""Exercise media: a business's own video (link or clip, checked by contents) and image on any
exercise, the shared row untouched; thumbnails and the placeholder; CSV import of links."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.clients.factories import jpeg_bytes
from tests.conftest import api_as
from tests.factories import MembershipFactory
from tests.training.factories import ExerciseFactory
from tests.video_bytes import mp4, webm
from training.models import Exercise, ExerciseOverride

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, coach):
    client.force_login(coach)
    return client


@pytest.fixture
def shared():
    """Two exercises of the shared library (no organisation)."""
    return [
        ExerciseFactory(organization=None, name="Goblet Squat", primary_muscles=["quadriceps", "glutes"]),
        ExerciseFactory(organization=None, name="Romanian Deadlift", primary_muscles=["hamstrings"]),
    ]


def test_a_clip_and_an_image_on_a_library_exercise_leave_the_shared_row_alone(web, org, coach, shared):
    squat = shared[0]
    detail = reverse("training:exercise_detail", args=[squat.pk])
    response = web.post(
        detail,
        {
            "video_file": SimpleUploadedFile("goblet.webm", webm(seconds=40), content_type="video/webm"),
            "image": SimpleUploadedFile("goblet.png", jpeg_bytes(200, 150), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    override = ExerciseOverride.objects.get()
    assert (override.organization, override.video_file_type, override.video_duration_ms) == (org, "video/webm", 40_000)
    assert override.image and override.thumbnail
    assert Exercise.objects.get(pk=squat.pk).organization_id is None  # the shared row is as it was
    clip = web.get(reverse("training:exercise_clip", args=[squat.pk]), HTTP_RANGE="bytes=0-3")
    assert clip.status_code == 206 and b"".join(clip.streaming_content) == webm(seconds=40)[:4]
    thumb = reverse("training:exercise_image", args=[squat.pk, "thumb"])
    assert web.get(thumb)["Content-Type"] == "image/jpeg"
    listing = web.get(reverse("training:exercises")).content.decode()
    assert thumb in listing
    # Another business sees neither the media nor the files.
    other = MembershipFactory(role="coach").user
    web.force_login(other)
    assert web.get(thumb).status_code == 404
    assert "No video or image yet" in web.get(detail).content.decode()


def test_refused_media_changes_nothing_and_says_why(web, org, shared):
    detail = reverse("training:exercise_detail", args=[shared[0].pk])
    cases = [
        (
            {"video_file": SimpleUploadedFile("squat.mp4", jpeg_bytes(), content_type="video/mp4")},
            "not a video we accept",
        ),
        ({"video_file": SimpleUploadedFile("squat.mp4", mp4(seconds=240), content_type="video/mp4")}, "180 seconds"),
        ({"video_url": "http://cdn.example.com/squat.mp4"}, "https link to an MP4 file"),
        ({"image": SimpleUploadedFile("squat.jpg", b"<svg></svg>", content_type="image/jpeg")}, "photo"),
    ]
    for data, message in cases:
        response = web.post(detail, data)
        assert response.status_code == 400 and message in response.content.decode(), message
    assert not ExerciseOverride.objects.exists()


def test_links_play_and_without_media_the_placeholder_names_the_primary_muscles(web, org, shared):
    squat, deadlift = shared
    web.post(reverse("training:exercise_detail", args=[squat.pk]), {"video_url": "https://youtu.be/dQw4w9WgXcQ"})
    web.post(reverse("training:exercise_detail", args=[deadlift.pk]), {"video_url": "https://cdn.example.com/rdl.mp4"})
    listing = web.get(reverse("training:exercises")).content.decode()
    assert "https://i.ytimg.com/vi/dQw4w9WgXcQ/mqdefault.jpg" in listing and "Has a video" in listing
    assert (
        'src="https://cdn.example.com/rdl.mp4"'
        in web.get(reverse("training:exercise_detail", args=[deadlift.pk])).content.decode()
    )
    plain = ExerciseFactory(organization=org, name="Wall Sit", primary_muscles=["quadriceps"])
    page = web.get(reverse("training:exercise_detail", args=[plain.pk])).content.decode()
    assert "No video or image yet" in page and "Primary muscles: Quadriceps" in page
    api = api_as(MembershipFactory(organization=org).user)
    data = api.get(f"/api/v1/exercises/{squat.pk}/").data
    assert data["video_kind"] == "youtube" and data["thumbnail_url"].startswith("https://i.ytimg.com/")
    image = SimpleUploadedFile("rdl.jpg", jpeg_bytes(200, 150), content_type="image/jpeg")
    data = api.patch(f"/api/v1/exercises/{deadlift.pk}/override/", {"image": image}, format="multipart").data
    assert data["video_kind"] == "file" and data["thumbnail_url"].endswith(f"/exercises/{deadlift.pk}/image/thumb/")


def csv_file(text: str):
    return SimpleUploadedFile("links.csv", text.encode(), content_type="text/csv")


def test_csv_import_previews_then_sets_every_link_or_none(web, org, shared):
    url = reverse("training:exercise_video_import")
    bad = web.post(url, {"action": "preview", "file": csv_file(
        "name,video_url\ngoblet squat,https://youtu.be/dQw4w9WgXcQ\nZercher Lunge,https://vimeo.com/1234\n"
        "Romanian Deadlift,ftp://x/y.mp4\n"
    )})  # fmt: skip
    page = bad.content.decode()
    assert "Zercher Lunge" in page and "Row 3" in page and "Row 4" in page and "Set 1 video link" not in page
    assert not ExerciseOverride.objects.exists()
    good = web.post(url, {"action": "preview", "file": csv_file(
        "Exercise,URL\nGoblet Squat,https://youtu.be/dQw4w9WgXcQ\nromanian deadlift,https://vimeo.com/76979871\n"
    )})  # fmt: skip
    assert "Set 2 video links" in good.content.decode() and not ExerciseOverride.objects.exists()
    done = web.post(url, {"action": "apply", "csv": good.context["csv"]})
    assert "2 exercises now have your video." in done.content.decode()
    assert sorted(ExerciseOverride.objects.values_list("video_url", flat=True)) == [
        "https://vimeo.com/76979871",
        "https://youtu.be/dQw4w9WgXcQ",
    ]
    # The API: a dry run by default, then all or nothing.
    api = api_as(MembershipFactory(organization=org, role="owner").user)
    endpoint = "/api/v1/exercises/import-video-links/"
    text = "name,video_url\nGoblet Squat,https://cdn.example.com/g.mp4\nNope,https://youtu.be/dQw4w9WgXcQ\n"
    preview = api.post(endpoint, {"file": csv_file(text)}, format="multipart").data
    assert preview["unknown"] == [{"row": 3, "name": "Nope"}] and preview["can_apply"] is False
    refused = api.post(endpoint, {"file": csv_file(text), "dry_run": "false"}, format="multipart").data
    assert refused["applied"] is False
    assert ExerciseOverride.objects.get(exercise=shared[0]).video_url == "https://youtu.be/dQw4w9WgXcQ"
    broken = api.post(endpoint, {"file": csv_file("just,one\n")}, format="multipart")
    assert broken.status_code == 400 and "file" in broken.data["errors"]
