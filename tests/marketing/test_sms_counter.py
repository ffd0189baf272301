"""SMS length: GSM-7 and UCS-2 boundaries, the extension table, emoji as surrogate pairs."""

import pytest

from marketing.sms_counter import count


@pytest.mark.parametrize(
    ("text", "encoding", "segments", "per_segment"),
    [
        ("", "GSM-7", 0, 160),
        ("a" * 160, "GSM-7", 1, 160),
        ("a" * 161, "GSM-7", 2, 153),
        ("a" * 306, "GSM-7", 2, 153),
        ("a" * 307, "GSM-7", 3, 153),
        ("é" * 70, "GSM-7", 1, 160),  # é is in the GSM-7 basic set
        ("ą" * 70, "UCS-2", 1, 70),
        ("ą" * 71, "UCS-2", 2, 67),
        ("ą" * 134, "UCS-2", 2, 67),
        ("ą" * 135, "UCS-2", 3, 67),
    ],
)
def test_boundaries(text, encoding, segments, per_segment):
    result = count(text)
    assert (result["encoding"], result["segments"], result["per_segment"]) == (encoding, segments, per_segment)
    assert result["characters"] == len(text)


def test_extension_characters_count_double():
    assert count("€" * 80) == {**count("€" * 80), "encoding": "GSM-7", "units": 160, "segments": 1}
    assert count("€" * 80 + "a")["segments"] == 2
    for ch in "^{}\\[~]|€":
        result = count(ch)
        assert result["encoding"] == "GSM-7" and result["units"] == 2, ch
    assert count("a" * 159 + "[")["segments"] == 2


def test_emoji_is_ucs2_and_takes_two_units():
    result = count("Hi 💪")
    assert result["encoding"] == "UCS-2"
    assert result["units"] == 5 and result["characters"] == 4
    assert count("💪" * 35)["segments"] == 1
    assert count("💪" * 35 + "a")["segments"] == 2
    assert count("a" * 159 + "💪")["encoding"] == "UCS-2"
    assert count("a" * 159 + "💪")["segments"] == 3
