"""How long a text message is: characters, encoding and segments, as carriers count them.

GSM-7 (the GSM 03.38 basic set) fits 160 characters in one message and 153 per part once
it is split; the extension table's characters (^ { } \\ [ ~ ] | €) take two septets each.
Anything outside GSM-7 turns the whole message into UCS-2: 70 UTF-16 units in one
message, 67 per part, and a character outside the Basic Multilingual Plane (most emoji)
takes two units. `static/js/marketing-sms.js` mirrors this exactly."""

from __future__ import annotations

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7, UCS2 = "GSM-7", "UCS-2"
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


def encoding_of(text: str) -> str:
    return GSM7 if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text) else UCS2


def units(text: str, encoding: str | None = None) -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes."""
    encoding = encoding or encoding_of(text)
    if encoding == GSM7:
        return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def count(text: str) -> dict:
    """{characters, encoding, units, segments, per_segment} for `text`."""
    text = text or ""
    encoding = encoding_of(text)
    used = units(text, encoding)
    single, multi = LIMITS[encoding]
    if used == 0:
        segments = 0
    elif used <= single:
        segments = 1
    else:
        segments = -(-used // multi)
    return {
        "characters": len(text),
        "encoding": encoding,
        "units": used,
        "segments": segments,
        "per_segment": single if segments <= 1 else multi,
        "remaining": (single if segments <= 1 else segments * multi) - used,
    }
