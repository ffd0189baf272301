"""Video clips are recognised by their bytes (MP4/MOV boxes, WebM's EBML), never by name."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mecto.videos import VideoError, clean_video, probe_video
from tests.clients.factories import jpeg_bytes
from tests.video_bytes import box, mov, mp4, webm


def upload(data: bytes, name="clip.mp4", content_type="video/mp4"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize(
    ("data", "container", "seconds"),
    [
        (mp4(seconds=12), "mp4", 12),
        (mov(seconds=8), "mov", 8),
        (mp4(seconds=30, moov_last=True, large_mdat=True), "mp4", 30),  # moov after a 64-bit-sized mdat
        (mp4(seconds=45, mvhd_version=1, timescale=90_000), "mp4", 45),
        (webm(seconds=20), "webm", 20),
        (webm(seconds=7, with_duration=False), "webm", 7),  # no Duration: read from the clusters
        (webm(seconds=9, live=True), "webm", 9),  # a recorder's: unknown sizes, no Duration
    ],
)
def test_real_containers_are_recognised_with_their_length(data, container, seconds):
    info = probe_video(io.BytesIO(data))
    assert info.container == container
    assert info.duration_seconds == pytest.approx(seconds, abs=0.01)
    assert (info.width, info.height) == (320, 240)
    assert info.content_type == {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm"}[container]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (jpeg_bytes(), "not a video we accept"),  # a photo renamed clip.mp4, declared video/mp4
        (b"<html><script>alert(1)</script></html>", "not a video we accept"),
        (mp4(brand=b"heic"), "not a video we accept"),  # an iPhone photo is ISO-BMFF too
        (webm(doctype=b"matroska"), "not a video we accept"),
        (mp4()[:-40], "damaged or incomplete"),  # cut off during upload
        (webm()[:-20], "damaged or incomplete"),
        (box(b"ftyp", b"isom\0\0\0\0") + box(b"mdat", b"\0" * 16), "damaged or incomplete"),  # no moov
        (mp4(handler=b"soun"), "no video in it"),  # sound only
        (mp4(seconds=0), "how long this video is"),
        (b"", "empty"),
    ],
)
def test_anything_else_is_refused_whatever_its_name(data, message):
    with pytest.raises(VideoError) as caught:
        clean_video(upload(data), field="video", max_seconds=60)
    assert message in caught.value.message
    assert caught.value.field == "video"


def test_a_clip_over_the_length_limit_is_refused_with_both_lengths():
    with pytest.raises(VideoError) as caught:
        clean_video(upload(mp4(seconds=75)), max_seconds=60)
    assert "75 seconds" in caught.value.message and "60 seconds" in caught.value.message
    assert clean_video(upload(mp4(seconds=60)), max_seconds=60).duration_seconds == 60


def test_a_clip_over_the_size_limit_is_refused_before_it_is_read():
    class Huge(SimpleUploadedFile):
        def read(self, *args):  # never reached: the declared size is enough
            raise AssertionError("read")

    huge = Huge("big.mp4", b"x")
    huge.size = 101 * 1024 * 1024
    with pytest.raises(VideoError, match="larger than 100 MB"):
        clean_video(huge, max_seconds=60)
    with pytest.raises(VideoError, match="larger than 1 MB"):
        clean_video(upload(mp4() + b"\0" * (1024 * 1024)), max_seconds=60, max_bytes=1024 * 1024)
