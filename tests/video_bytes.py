"""Tiny synthetic video files built box by box (MP4/MOV) and element by element (WebM):
enough structure for the container checks, no real frames."""

from __future__ import annotations

import struct


# --- ISO base media (MP4, MOV) -----------------------------------------------------------------------
def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def box64(kind: bytes, payload: bytes) -> bytes:
    """A box with a 64-bit size (size field 1, then the large size)."""
    return struct.pack(">I", 1) + kind + struct.pack(">Q", 16 + len(payload)) + payload


def _mvhd(seconds: float, timescale: int, version: int) -> bytes:
    duration = round(seconds * timescale)
    if version == 1:
        head = b"\x01\0\0\0" + struct.pack(">QQIQ", 0, 0, timescale, duration)
    else:
        head = b"\0\0\0\0" + struct.pack(">IIII", 0, 0, timescale, duration)
    return box(b"mvhd", head + b"\0" * 80)


def _trak(handler: bytes, width: int = 320, height: int = 240) -> bytes:
    tkhd = b"\0\0\0\x03" + b"\0" * 72 + struct.pack(">II", width << 16, height << 16)
    hdlr = b"\0\0\0\0" + b"\0\0\0\0" + handler + b"\0" * 12 + b"\0"
    return box(b"trak", box(b"tkhd", tkhd) + box(b"mdia", box(b"hdlr", hdlr)))


def mp4(
    *,
    brand: bytes = b"isom",
    seconds: float = 5,
    timescale: int = 600,
    moov_last: bool = False,
    large_mdat: bool = False,
    mvhd_version: int = 0,
    handler: bytes = b"vide",
) -> bytes:
    ftyp = box(b"ftyp", brand + b"\0\0\x02\0" + brand + b"mp41")
    moov = box(b"moov", _mvhd(seconds, timescale, mvhd_version) + _trak(handler))
    mdat = (box64 if large_mdat else box)(b"mdat", b"\0" * 256)
    return ftyp + (mdat + moov if moov_last else moov + mdat)


def mov(**kwargs) -> bytes:
    return mp4(brand=b"qt  ", **kwargs)


# --- WebM (EBML) ---------------------------------------------------------------------------------------
UNKNOWN_SIZE = b"\x01\xff\xff\xff\xff\xff\xff\xff"


def _id(element_id: int) -> bytes:
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")


def el(element_id: int, payload: bytes, *, unknown_size: bool = False) -> bytes:
    size = UNKNOWN_SIZE if unknown_size else b"\x01" + len(payload).to_bytes(7, "big")
    return _id(element_id) + size + payload


def webm(*, seconds: float = 5, doctype: bytes = b"webm", with_duration: bool = True, live: bool = False) -> bytes:
    """A WebM of `seconds`; `live` is a recorder's file: no Duration, unknown-size Segment and
    Cluster, the length only in the blocks' timestamps."""
    header = el(0x1A45DFA3, el(0x4286, b"\x01") + el(0x4282, doctype))
    info_children = el(0x2AD7B1, (1_000_000).to_bytes(3, "big"))
    if with_duration and not live:
        info_children += el(0x4489, struct.pack(">d", seconds * 1000))
    video = el(0xE0, el(0xB0, (320).to_bytes(2, "big")) + el(0xBA, (240).to_bytes(2, "big")))
    tracks = el(0x1654AE6B, el(0xAE, el(0xD7, b"\x01") + el(0x83, b"\x01") + video))
    last_ms = round(seconds * 1000)
    block = el(0xA3, b"\x81" + struct.pack(">h", 1000) + b"\x80" + b"\0" * 32)
    cluster = el(0x1F43B675, el(0xE7, (last_ms - 1000).to_bytes(4, "big")) + block, unknown_size=live)
    first_cluster = el(0x1F43B675, el(0xE7, b"\0") + el(0xA3, b"\x81\0\0\x80" + b"\0" * 32), unknown_size=live)
    segment_body = el(0x1549A966, info_children) + tracks + first_cluster + cluster
    return header + el(0x18538067, segment_body, unknown_size=live)
