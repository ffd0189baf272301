"""Exercise videos: YouTube and Vimeo links become privacy-friendly embeds; clips are checked."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
CLIP_EXTENSIONS = {"mp4", "webm", "mov", "m4v"}
CLIP_MAX_BYTES = 50 * 1024 * 1024
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def embed_url(url: str) -> str | None:
    """The embeddable player address of a YouTube or Vimeo link, or None for anything else."""
    if not url:
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https"):
        return None
    host = (parsed.hostname or "").lower()
    if host in YOUTUBE_HOSTS:
        video_id = ""
        if host == "youtu.be":
            video_id = parsed.path.lstrip("/").split("/")[0]
        elif parsed.path == "/watch":
            video_id = (parse_qs(parsed.query).get("v") or [""])[0]
        else:
            parts = [p for p in parsed.path.split("/") if p]
            if len(parts) >= 2 and parts[0] in ("embed", "shorts", "live", "v"):
                video_id = parts[1]
        if _YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
        return None
    if host in VIMEO_HOSTS:
        digits = [p for p in parsed.path.split("/") if p.isdigit()]
        if digits:
            return f"https://player.vimeo.com/video/{digits[-1]}"
    return None
