#!/usr/bin/env python3
"""Compile every locale/<lang>/LC_MESSAGES/*.po into the .mo Django reads, at build time.

The .mo files are build output (not in git). This is GNU msgfmt's job, done with the standard
library alone, so a build needs no gettext tools: `make` (run, test), the production build and
the platform's build command all call it. Untranslated and fuzzy entries are left out (the
page shows the English text), as msgfmt does; a translation whose %-placeholders differ from
its English text (in a python-format entry) stops the build, as `msgfmt --check-format` would.

    python3 scripts/compile_messages.py [LOCALE_DIR]
"""

from __future__ import annotations

import ast
import re
import struct
import sys
from pathlib import Path

PLACEHOLDER = re.compile(r"%(\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?([a-zA-Z%])")


def placeholders(text: str) -> tuple[set[str], int]:
    """The named placeholders of a python-format text and the number of unnamed ones."""
    found = [(name, kind) for name, kind in PLACEHOLDER.findall(text) if kind != "%"]
    return {name for name, _kind in found if name}, sum(1 for name, _kind in found if not name)


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def parse(text: str) -> list[dict]:
    """The entries of a .po file: {"msgctxt", "msgid", "msgid_plural", "msgstr": [..], "fuzzy"}."""
    entries: list[dict] = []
    entry: dict = {}
    field = None

    def finish():
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {}

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            continue  # obsolete
        if line.startswith("#"):
            if "msgid" in entry and field is not None and field.startswith("msgstr"):
                finish()
                field = None
            if line.startswith("#,"):
                flags = {flag.strip() for flag in line[2:].split(",")}
                entry["fuzzy"] = entry.get("fuzzy", False) or "fuzzy" in flags
                entry["python-format"] = entry.get("python-format", False) or "python-format" in flags
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            value = _unquote(line)
        elif keyword in ("msgctxt", "msgid", "msgid_plural") or keyword.startswith("msgstr"):
            if keyword in ("msgctxt", "msgid") and field is not None and field.startswith("msgstr"):
                finish()
            field = keyword
            value = _unquote(rest)
        else:
            raise ValueError(f"cannot read line: {raw!r}")
        if field is None:
            raise ValueError(f"text before a keyword: {raw!r}")
        if field.startswith("msgstr"):
            index = int(field[7:-1]) if field.startswith("msgstr[") else 0
            forms = entry.setdefault("msgstr", {})
            forms[index] = forms.get(index, "") + value
        else:
            entry[field] = entry.get(field, "") + value
    finish()
    return entries


def _check(entry: dict, path: Path) -> None:
    sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
    for index, form in entry["msgstr"].items():
        want_named, want_count = placeholders(sources[min(index, 1)])
        got_named, got_count = placeholders(form)
        if "msgid_plural" in entry:  # a plural form may leave out its count ("one day")
            plural_named, plural_count = placeholders(sources[1])
            ok = got_named <= plural_named and got_count <= plural_count
        else:
            ok = got_named == want_named and got_count == want_count
        if not ok:
            raise SystemExit(f"{path}: the placeholders of {form!r} do not match those of {entry['msgid']!r}")


def compile_po(po: Path, mo: Path) -> tuple[int, int]:
    """Write `mo` from `po`; returns (translated, total)."""
    entries = parse(po.read_text(encoding="utf-8"))
    catalogue: dict[bytes, bytes] = {}
    total = 0
    for entry in entries:
        forms = entry.get("msgstr", {})
        header = entry["msgid"] == "" and "msgctxt" not in entry
        if not header:
            total += 1
        if entry.get("fuzzy") and not header:
            continue
        if not forms or not all(forms.values()):
            continue
        if not header and entry.get("python-format"):
            _check(entry, po)
        key = entry["msgid"]
        if "msgid_plural" in entry:
            key += "\0" + entry["msgid_plural"]
        if "msgctxt" in entry:
            key = entry["msgctxt"] + "\x04" + key
        value = "\0".join(forms[i] for i in sorted(forms))
        catalogue[key.encode()] = value.encode()
    keys = sorted(catalogue)
    ids = b"".join(k + b"\0" for k in keys)
    strs = b"".join(catalogue[k] + b"\0" for k in keys)
    start = 7 * 4 + 16 * len(keys)
    offsets, position = [], 0
    for k in keys:
        offsets += [len(k), start + position]
        position += len(k) + 1
    trans_offsets, position = [], 0
    for k in keys:
        trans_offsets += [len(catalogue[k]), start + len(ids) + position]
        position += len(catalogue[k]) + 1
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    body = struct.pack(f"<{len(offsets)}I", *offsets) + struct.pack(f"<{len(trans_offsets)}I", *trans_offsets)
    mo.write_bytes(header + body + ids + strs)
    return len(keys) - (1 if b"" in catalogue else 0), total


def main(root: Path) -> None:
    for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
        translated, total = compile_po(po, po.with_suffix(".mo"))
        print(f"{po.relative_to(root.parent)}: {translated} of {total} translated")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "locale")
