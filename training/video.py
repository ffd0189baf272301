"""Exercise video links: YouTube and Vimeo links become privacy-friendly embeds, an https link
to an MP4 file plays in a <video>; anything else is refused. Uploaded clips are checked by
their contents in mecto.videos."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
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


def youtube_id(url: str) -> str | None:
    embed = embed_url(url)
    if embed and embed.startswith("https://www.youtube-nocookie.com/embed/"):
        return embed.rsplit("/", 1)[-1]
    return None


def file_link(url: str) -> str | None:
    """An https link straight to an MP4 file (a coach's own hosting), or None."""
    if not url:
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme != "https" or not parsed.hostname or parsed.username or parsed.password:
        return None
    return url.strip() if parsed.path.lower().endswith((".mp4", ".m4v")) else None


def link_kind(url: str) -> str | None:
    """ "youtube", "vimeo" or "file" for a link we can play; None for anything else."""
    embed = embed_url(url)
    if embed:
        return "youtube" if "youtube" in embed else "vimeo"
    return "file" if file_link(url) else None


def thumbnail_url(url: str) -> str | None:
    """A still for a YouTube link (YouTube serves one per video); other links have none."""
    video_id = youtube_id(url)
    return f"https://i.ytimg.com/vi/{video_id}/mqdefault.jpg" if video_id else None
