"""Checking uploaded video clips by what they contain, and serving them with byte ranges.

No ffmpeg: the container is read in pure Python. An MP4 or MOV is an ISO base media file
(boxes: `ftyp` with a video brand, `moov`/`mvhd` for the timescale and duration, a track
whose handler is `vide`), wherever `moov` sits and whatever the box sizes (64-bit ones
included). A WebM is an EBML document whose DocType is `webm`, with the Segment's Info
(TimecodeScale, Duration) and a video track; when a recorder left the Duration out, the
last cluster's timestamps give it. Anything else is refused, whatever its name or the
content type the browser declared. Size and length limits are the caller's.

`ranged_file_response` serves a stored file with HTTP Range support (206 Partial Content):
browsers ask for ranges to start, seek and scrub a <video>, and FileResponse sends whole
files only.
"""

from __future__ import annotations

import os
import re
import struct
from dataclasses import dataclass

from django.http import HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from mecto.errors import DomainError

MAX_BYTES = 100 * 1024 * 1024
FORM_CHECK_MAX_SECONDS = 60
EXERCISE_CLIP_MAX_SECONDS = 180
CONTENT_TYPES = {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm"}
ACCEPT = "video/mp4,video/quicktime,video/webm,.mp4,.mov,.m4v,.webm"

# ISO-BMFF brands of video files; a major brand of an image or audio-only file refuses the file
# even when it lists a video brand among its compatible ones (HEIC photos list `mif1`, M4A `isom`).
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9",
    b"mp41", b"mp42", b"mp71", b"avc1", b"hvc1", b"av01", b"M4V ", b"M4VH", b"M4VP", b"dash", b"MSNV", b"XAVC",
}  # fmt: skip
MOV_BRANDS = {b"qt  "}
NOT_VIDEO_BRANDS = {
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis",
    b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B ", b"jp2 ", b"crx ",
}  # fmt: skip
MAX_BOXES = 20_000  # boxes or elements read before a file is called malformed (a zip bomb of boxes)
MAX_DEPTH = 8


class VideoError(DomainError):
    pass


@dataclass(frozen=True)
class VideoInfo:
    container: str  # "mp4", "mov" or "webm"
    duration_seconds: float
    width: int | None
    height: int | None
    size_bytes: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.container]

    @property
    def extension(self) -> str:
        return self.container


class _Malformed(Exception):
    """The file claims to be a container but its structure does not hold together."""


class _NotVideo(Exception):
    """The file is a known container, but not of a video we accept (a photo, audio, Matroska)."""


def _not_a_video() -> VideoError:
    return VideoError(_("This file is not a video we accept: upload an MP4, MOV or WebM clip."), field="video")


def _incomplete() -> VideoError:
    return VideoError(_("This video is damaged or incomplete (it may have been cut off during upload)."))


def limits_message(*, max_seconds: int, max_bytes: int = MAX_BYTES) -> str:
    return _("An MP4, MOV or WebM clip, up to %(seconds)d seconds and %(mb)d MB.") % {
        "seconds": max_seconds,
        "mb": max_bytes // (1024 * 1024),
    }


def too_long_message(max_seconds: int) -> str:
    return _("This clip is longer than %(limit)d seconds: trim it or record a shorter one.") % {"limit": max_seconds}


def too_large_message(max_bytes: int = MAX_BYTES) -> str:
    return _("The video is larger than %(mb)d MB: trim it or record a shorter clip.") % {
        "mb": max_bytes // (1024 * 1024)
    }


def _file_size(handle) -> int:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    return size


def _read_exact(handle, offset: int, length: int) -> bytes:
    handle.seek(offset)
    data = handle.read(length)
    if len(data) != length:
        raise _Malformed("short read")
    return data


# --- MP4 / MOV (ISO base media file format) ----------------------------------------------------------
def _boxes(handle, start: int, end: int, counter: list[int]):
    """(type, body offset, body end) of each box between `start` and `end`."""
    offset = start
    while offset < end:
        counter[0] += 1
        if counter[0] > MAX_BOXES:
            raise _Malformed("too many boxes")
        if end - offset < 8:
            raise _Malformed("box header cut off")
        size, kind = struct.unpack(">I4s", _read_exact(handle, offset, 8))
        header = 8
        if size == 1:  # a 64-bit size follows the type
            if end - offset < 16:
                raise _Malformed("large size cut off")
            (size,) = struct.unpack(">Q", _read_exact(handle, offset + 8, 8))
            header = 16
        elif size == 0:  # the box runs to the end of the file (allowed for the last one)
            size = end - offset
        if size < header or offset + size > end:
            raise _Malformed("box runs past its parent")
        yield kind, offset + header, offset + size
        offset += size


def _child(handle, start: int, end: int, kind: bytes, counter) -> tuple[int, int] | None:
    for found, body, body_end in _boxes(handle, start, end, counter):
        if found == kind:
            return body, body_end
    return None


def _probe_isobmff(handle, size: int) -> VideoInfo:
    counter = [0]
    top = list(_boxes(handle, 0, size, counter))
    if not top or top[0][0] != b"ftyp":
        raise _Malformed("no ftyp first")
    _kind, body, body_end = top[0]
    if body_end - body < 8:
        raise _Malformed("short ftyp")
    ftyp = _read_exact(handle, body, min(body_end - body, 256))
    major = ftyp[:4]
    compatible = {ftyp[i : i + 4] for i in range(8, len(ftyp) - 3, 4)}
    if major in NOT_VIDEO_BRANDS:
        raise _NotVideo
    if major in MOV_BRANDS:
        container = "mov"
    elif major in MP4_BRANDS or compatible & MP4_BRANDS:
        container = "mp4"
    elif compatible & MOV_BRANDS:
        container = "mov"
    else:
        raise _NotVideo
    kinds = {kind for kind, _b, _e in top}
    if b"mdat" not in kinds and b"moof" not in kinds:
        raise _Malformed("no media data")
    moov = next(((b, e) for kind, b, e in top if kind == b"moov"), None)
    if moov is None:
        raise _Malformed("no moov")
    duration, timescale = None, None
    width = height = None
    has_video = False
    fragment_duration = None
    for kind, b, e in _boxes(handle, moov[0], moov[1], counter):
        if kind == b"mvhd":
            head = _read_exact(handle, b, min(e - b, 32))
            if head[0] == 1:
                if len(head) < 32:
                    raise _Malformed("short mvhd")
                timescale, duration = struct.unpack(">IQ", head[20:32])
            else:
                if len(head) < 20:
                    raise _Malformed("short mvhd")
                timescale, duration = struct.unpack(">II", head[12:20])
        elif kind == b"mvex":
            mehd = _child(handle, b, e, b"mehd", counter)
            if mehd:
                head = _read_exact(handle, mehd[0], min(mehd[1] - mehd[0], 12))
                if head[0] == 1:
                    (fragment_duration,) = struct.unpack(">Q", head[4:12])
                else:
                    (fragment_duration,) = struct.unpack(">I", head[4:8])
        elif kind == b"trak":
            mdia = _child(handle, b, e, b"mdia", counter)
            hdlr = _child(handle, *mdia, b"hdlr", counter) if mdia else None
            if hdlr and hdlr[1] - hdlr[0] >= 12 and _read_exact(handle, hdlr[0] + 8, 4) == b"vide":
                has_video = True
                tkhd = _child(handle, b, e, b"tkhd", counter)
                if tkhd and tkhd[1] - tkhd[0] >= 84:
                    w, h = struct.unpack(">II", _read_exact(handle, tkhd[1] - 8, 8))
                    width, height = (w >> 16) or None, (h >> 16) or None
    if timescale is None:
        raise _Malformed("no mvhd")
    if not has_video:
        raise VideoError(_("This file has no video in it (only sound?): upload a video clip."), field="video")
    if not duration and fragment_duration:
        duration = fragment_duration
    if not timescale or not duration:
        raise VideoError(_("We could not read how long this video is: export it again and retry."), field="video")
    return VideoInfo(container, duration / timescale, _side(width), _side(height), size)


# --- WebM (EBML) -------------------------------------------------------------------------------------
EBML, DOCTYPE = 0x1A45DFA3, 0x4282
SEGMENT, INFO, TIMECODE_SCALE, DURATION = 0x18538067, 0x1549A966, 0x2AD7B1, 0x4489
TRACKS, TRACK_ENTRY, TRACK_TYPE, VIDEO, PIXEL_WIDTH, PIXEL_HEIGHT = 0x1654AE6B, 0xAE, 0x83, 0xE0, 0xB0, 0xBA
CLUSTER, CLUSTER_TIMECODE, SIMPLE_BLOCK, BLOCK_GROUP, BLOCK = 0x1F43B675, 0xE7, 0xA3, 0xA0, 0xA1
SEGMENT_CHILDREN = {0x114D9B74, INFO, TRACKS, CLUSTER, 0x1C53BB6B, 0x1941A469, 0x1043A770, 0x1254C367}
UNKNOWN = -1


def _vint(handle, offset: int, end: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at `offset`: (value, its length). Sizes drop the
    length marker (all ones = unknown size); element IDs keep it."""
    if offset >= end:
        raise _Malformed("vint past end")
    first = _read_exact(handle, offset, 1)[0]
    length = 1
    mask = 0x80
    while length <= 8 and not first & mask:
        mask >>= 1
        length += 1
    if length > 8 or offset + length > end:
        raise _Malformed("bad vint")
    raw = first if keep_marker else first & (mask - 1)
    rest = _read_exact(handle, offset + 1, length - 1) if length > 1 else b""
    value = raw
    for byte in rest:
        value = (value << 8) | byte
    if not keep_marker and value == (1 << (7 * length)) - 1:
        value = UNKNOWN
    return value, length


def _elements(handle, start: int, end: int, counter: list[int]):
    """(id, body offset, body end) of each element in [start, end). An unknown-size element
    is given up to `end` and ends the walk: its caller finds where it really stops."""
    offset = start
    while offset < end:
        counter[0] += 1
        if counter[0] > MAX_BOXES:
            raise _Malformed("too many elements")
        element_id, id_len = _vint(handle, offset, end, keep_marker=True)
        size, size_len = _vint(handle, offset + id_len, end, keep_marker=False)
        body = offset + id_len + size_len
        body_end = end if size == UNKNOWN else body + size
        if body_end > end:
            raise _Malformed("element runs past its parent")
        yield element_id, body, body_end
        if size == UNKNOWN:
            return  # the caller walks into it; what follows is read from there
        offset = body_end


def _uint(handle, body: int, end: int) -> int:
    data = _read_exact(handle, body, min(end - body, 8))
    return int.from_bytes(data, "big") if data else 0


def _float(handle, body: int, end: int) -> float:
    data = _read_exact(handle, body, end - body)
    if len(data) == 4:
        return struct.unpack(">f", data)[0]
    if len(data) == 8:
        return struct.unpack(">d", data)[0]
    raise _Malformed("bad float")


def _cluster_end_time(handle, body: int, end: int, counter) -> tuple[int, int]:
    """(the cluster's timecode plus its last block's offset, where the cluster ends)."""
    timecode, last, stop = 0, 0, end
    offset = body
    while offset < end:
        element_id, id_len = _vint(handle, offset, end, keep_marker=True)
        if element_id in SEGMENT_CHILDREN:  # an unknown-size cluster ends where a sibling starts
            stop = offset
            break
        counter[0] += 1
        if counter[0] > MAX_BOXES:
            raise _Malformed("too many elements")
        size, size_len = _vint(handle, offset + id_len, end, keep_marker=False)
        child = offset + id_len + size_len
        if size == UNKNOWN or child + size > end:
            raise _Malformed("block runs past the cluster")
        if element_id == CLUSTER_TIMECODE:
            timecode = _uint(handle, child, child + size)
        elif element_id in (SIMPLE_BLOCK, BLOCK_GROUP):
            block = child
            if element_id == BLOCK_GROUP:
                inner = next((e for e in _elements(handle, child, child + size, counter) if e[0] == BLOCK), None)
                block = inner[1] if inner else None
            if block is not None:
                _track, track_len = _vint(handle, block, child + size, keep_marker=False)
                (relative,) = struct.unpack(">h", _read_exact(handle, block + track_len, 2))
                last = max(last, relative)
        offset = child + size
    return timecode + last, stop


def _probe_webm(handle, size: int) -> VideoInfo:
    counter = [0]
    elements = _elements(handle, 0, size, counter)
    first = next(elements, None)
    if first is None or first[0] != EBML:
        raise _NotVideo
    doctype = None
    for element_id, body, body_end in _elements(handle, first[1], first[2], counter):
        if element_id == DOCTYPE:
            doctype = _read_exact(handle, body, min(body_end - body, 32)).rstrip(b"\x00")
    if doctype != b"webm":
        raise _NotVideo
    segment = next((e for e in _elements(handle, first[2], size, counter) if e[0] == SEGMENT), None)
    if segment is None:
        raise _Malformed("no segment")
    scale, duration, has_video, width, height = 1_000_000, None, False, None, None
    last_time, has_cluster = 0, False
    offset, end = segment[1], segment[2]
    while offset < end:
        start = offset
        for element_id, body, body_end in _elements(handle, offset, end, counter):
            offset = body_end
            if element_id == INFO:
                for child_id, b, e in _elements(handle, body, body_end, counter):
                    if child_id == TIMECODE_SCALE:
                        scale = _uint(handle, b, e) or 1_000_000
                    elif child_id == DURATION:
                        duration = _float(handle, b, e)
            elif element_id == TRACKS:
                for entry_id, b, e in _elements(handle, body, body_end, counter):
                    if entry_id != TRACK_ENTRY:
                        continue
                    fields = {cid: (cb, ce) for cid, cb, ce in _elements(handle, b, e, counter)}
                    if TRACK_TYPE in fields and _uint(handle, *fields[TRACK_TYPE]) == 1:
                        has_video = True
                        if VIDEO in fields:
                            dims = {cid: (cb, ce) for cid, cb, ce in _elements(handle, *fields[VIDEO], counter)}
                            width = _uint(handle, *dims[PIXEL_WIDTH]) if PIXEL_WIDTH in dims else None
                            height = _uint(handle, *dims[PIXEL_HEIGHT]) if PIXEL_HEIGHT in dims else None
            elif element_id == CLUSTER:
                has_cluster = True
                # Timestamps are read when the Duration is missing; an unknown-size cluster
                # (a live recorder's) is walked to find where the next element starts.
                if duration is None or body_end == end:
                    end_time, offset = _cluster_end_time(handle, body, body_end, counter)
                    last_time = max(last_time, end_time)
        if offset == start:
            break
    if not has_video:
        raise VideoError(_("This file has no video in it (only sound?): upload a video clip."), field="video")
    if not has_cluster:
        raise _Malformed("no clusters")
    seconds = duration * scale / 1e9 if duration is not None else last_time * scale / 1e9
    if not seconds or seconds != seconds or seconds < 0:  # zero, NaN or negative
        raise VideoError(_("We could not read how long this video is: export it again and retry."), field="video")
    return VideoInfo("webm", seconds, _side(width), _side(height), size)


def _side(value: int | None) -> int | None:
    """A frame side as a number a page can use; nonsense (0, absurdly large) is unknown."""
    return value if value and 0 < value <= 16_384 else None


# --- The entry point ---------------------------------------------------------------------------------
def probe_video(handle) -> VideoInfo:
    """What the file is, read from its bytes; VideoError for anything that is not a sound
    MP4, MOV or WebM video."""
    size = _file_size(handle)
    if size == 0:
        raise VideoError(_("The file is empty."), field="video")
    head = _read_exact(handle, 0, min(size, 12))
    try:
        if len(head) >= 8 and head[4:8] == b"ftyp":
            return _probe_isobmff(handle, size)
        if head[:4] == b"\x1a\x45\xdf\xa3":
            return _probe_webm(handle, size)
    except _NotVideo:
        raise _not_a_video() from None
    except (_Malformed, struct.error, ValueError, OverflowError):
        error = _incomplete()
        error.field = "video"
        raise error from None
    raise _not_a_video()


def clean_video(upload, *, field: str = "video", max_seconds: int, max_bytes: int = MAX_BYTES) -> VideoInfo:
    """Check an uploaded clip: its size, that its bytes are an MP4, MOV or WebM video, and
    its length. Raises VideoError (a 400 naming `field`) with a message for the person."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise VideoError(too_large_message(max_bytes), field=field)
    try:
        info = probe_video(upload)
    except VideoError as exc:
        exc.field = field
        raise
    finally:
        upload.seek(0)
    if info.size_bytes > max_bytes:
        raise VideoError(too_large_message(max_bytes), field=field)
    if info.duration_seconds > max_seconds + 0.5:  # half a second of encoder rounding
        raise VideoError(
            _("The video is %(length)d seconds long; clips can be up to %(limit)d seconds.")
            % {"length": round(info.duration_seconds), "limit": max_seconds},
            field=field,
        )
    return info


# --- Serving with byte ranges ------------------------------------------------------------------------
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _byte_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) of a single `Range: bytes=` request; None to send the whole file (no
    header, several ranges, another unit); False when the range cannot be satisfied."""
    match = _RANGE.match(header.strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0:
            return False
        return max(0, size - suffix), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return False
    return start, end


def _stream(handle, start: int, length: int):
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def ranged_file_response(request, field, *, content_type: str):
    """A stored file for a <video> element: 200 with `Accept-Ranges`, or 206 with the asked
    range, or 416; on private cloud storage, a redirect to a short-lived signed link (the
    bucket answers ranges itself)."""
    from django.http import Http404

    storage = field.storage
    if getattr(storage, "querystring_auth", False):
        return HttpResponseRedirect(storage.url(field.name))
    try:
        size = storage.size(field.name)
        handle = storage.open(field.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if wanted is False:
        handle.close()
        response = JsonResponse({"detail": _("The requested range is outside the file."), "errors": {}}, status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        response = StreamingHttpResponse(_stream(handle, 0, size), content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = wanted
        response = StreamingHttpResponse(_stream(handle, start, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response
