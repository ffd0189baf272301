"""Rendering a template for one client: merge fields in a sandbox, blocks to email HTML.

`render(template, client)` is the one entry point campaigns, automations, previews and test
sends use. The sandbox is a parser of its own, not a template engine: it only knows
`{{ name }}` for the names in `MERGE_FIELDS`, whose values are computed up front into a flat
dict of strings (never an object a template could walk). Anything else, an unknown name,
attribute access (`{{ client.user.password }}`), a filter (`{{ x|upper }}`), a tag
(`{% load %}`, `{% include %}`) or a comment, is refused when the template is saved
(`check_text`) and renders as nothing if it somehow gets in. Every value is HTML-escaped in
the HTML part; the text part and the SMS get the value as it is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.branding import brand_for
from mecto.domains import site_url_for
from mecto.errors import DomainError
from mecto.localization import format_date, zone

# name -> (label, the longest plausible value in characters, used by the SMS composer's warning)
MERGE_FIELDS: dict[str, tuple] = {
    "client.first_name": (gettext_lazy("Client's first name"), 20),
    "client.last_name": (gettext_lazy("Client's last name"), 20),
    "client.full_name": (gettext_lazy("Client's full name"), 41),
    "next_session": (gettext_lazy("Client's next booked session (their time zone)"), 32),
    "coach.name": (gettext_lazy("Coach's name"), 40),
    "business.name": (gettext_lazy("Business name"), 120),
    "business.booking_url": (gettext_lazy("Booking page link"), 80),
    "business.portal_url": (gettext_lazy("Client portal link"), 60),
}
URL_FIELDS = ("business.booking_url", "business.portal_url")

# Anything that looks like template syntax: {{ … }}, {% … %}, {# … #}, or an opener left open.
_TAG = re.compile(r"\{\{(.*?)\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPENER = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_NAME = re.compile(r"^\s*([a-z_]+(?:\.[a-z_]+)?)\s*$")


class TemplateError(DomainError):
    """A template the sandbox refuses (a merge field or a block it does not know)."""


def merge_fields() -> list[dict]:
    return [{"name": name, "label": str(label), "max_length": size} for name, (label, size) in MERGE_FIELDS.items()]


def check_text(value: str, *, field: str) -> None:
    """Refuse template syntax other than the merge fields, naming the offending part."""
    value = value or ""
    for match in _TAG.finditer(value):
        inner = match.group(1)
        name = _NAME.match(inner) if inner is not None else None
        if name is None or name.group(1) not in MERGE_FIELDS:
            raise TemplateError(
                _("%(tag)s is not a merge field. Use one of: %(fields)s.")
                % {"tag": match.group(0)[:60], "fields": ", ".join("{{ " + n + " }}" for n in MERGE_FIELDS)},
                field=field,
            )
    rest = _TAG.sub("", value)
    if _OPENER.search(rest):
        raise TemplateError(
            _("A merge field is not closed: write it as {{ client.first_name }}."),
            field=field,
        )


def fields_used(value: str) -> list[str]:
    out = []
    for match in _TAG.finditer(value or ""):
        inner = match.group(1)
        name = _NAME.match(inner) if inner is not None else None
        if name and name.group(1) in MERGE_FIELDS and name.group(1) not in out:
            out.append(name.group(1))
    return out


def substitute(value: str, values: dict[str, str], *, html: bool = False) -> str:
    """Put the values in; anything not a known merge field becomes nothing."""

    def replace(match: re.Match) -> str:
        inner = match.group(1)
        name = _NAME.match(inner) if inner is not None else None
        if name is None or name.group(1) not in MERGE_FIELDS:
            return ""
        text = str(values.get(name.group(1), ""))
        return escape(text) if html else text

    return _TAG.sub(replace, value or "")


# --- Values -----------------------------------------------------------------------------------------
def business_links(organization) -> dict[str, str]:
    links = {"business.booking_url": "", "business.portal_url": ""}
    if organization is None:
        return links
    try:
        links["business.booking_url"] = site_url_for(organization) + reverse(
            "booking:public_org", args=[organization.slug]
        )
    except NoReverseMatch:
        pass
    try:
        links["business.portal_url"] = site_url_for(organization) + reverse("portal:home")
    except NoReverseMatch:
        pass
    return links


def next_session_text(client) -> str:
    if client is None or getattr(client, "pk", None) is None:
        return ""
    return next_session_texts(client.organization, [client]).get(client.pk, "")


def next_session_texts(organization, clients) -> dict[int, str]:
    """Each client's next confirmed session as text, in one query for all of them (a
    campaign batch renders hundreds of clients at once); clients with none are left out."""
    from booking.models import Booking

    by_id = {c.pk: c for c in clients if getattr(c, "pk", None) is not None}
    if not by_id:
        return {}
    upcoming = (
        Booking.objects.for_org(organization)
        .filter(client_id__in=by_id, status=Booking.Status.CONFIRMED, session__start_at__gt=timezone.now())
        .order_by("client_id", "session__start_at")
        .values_list("client_id", "session__start_at")
    )
    texts: dict[int, str] = {}
    for client_id, start_at in upcoming:
        if client_id not in texts:
            local = start_at.astimezone(zone(by_id[client_id].time_zone or "UTC"))
            texts[client_id] = format_date(local, "WEEKDAY_DATETIME_FORMAT")
    return texts


def _person_name(user) -> str:
    if user is None:
        return ""
    return (getattr(user, "full_name", "") or "").strip() or (user.email or "").split("@")[0]


def values_for(client, organization, *, coach=None, next_session: str | None = None) -> dict[str, str]:
    """The flat dict of strings the sandbox renders from (nothing else is reachable).
    `next_session` is the client's next session as text when the caller looked it up already."""
    coach = coach or (getattr(client, "coach", None) if client is not None else None)
    values = {
        "client.first_name": getattr(client, "first_name", "") or "",
        "client.last_name": getattr(client, "last_name", "") or "",
        "client.full_name": (getattr(client, "full_name", "") or "") if client is not None else "",
        "next_session": next_session_text(client) if next_session is None else next_session,
        "coach.name": _person_name(coach),
        "business.name": getattr(organization, "name", "") or "",
        **business_links(organization),
    }
    return {k: str(v) for k, v in values.items()}


def sample_values(organization) -> dict[str, str]:
    """Values for a preview when the business has no client yet."""
    values = values_for(None, organization)
    values.update(
        {
            "client.first_name": "Alex",
            "client.last_name": "Morgan",
            "client.full_name": "Alex Morgan",
            "next_session": _("Mon 7 Dec 2026, 18:30"),
            "coach.name": values["coach.name"] or _("Your coach"),
        }
    )
    return values


# --- Blocks ----------------------------------------------------------------------------------------
BLOCK_TYPES = {
    "heading": gettext_lazy("Heading"),
    "text": gettext_lazy("Text paragraph"),
    "button": gettext_lazy("Button with link"),
    "image": gettext_lazy("Image"),
    "quote": gettext_lazy("Quote"),
    "divider": gettext_lazy("Divider"),
    "spacer": gettext_lazy("Spacer"),
}
BLOCK_KEYS = {
    "heading": {"text": 200},
    "text": {"text": 5000},
    "quote": {"text": 1000},
    "button": {"label": 80, "url": 500},
    "image": {"src": 500, "alt": 200, "href": 500},
    "divider": {},
    "spacer": {"height": 3},
}
MAX_BLOCKS = 50
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def _check_url(value: str, *, field: str, required: bool, merge_ok: bool = True) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            raise TemplateError(_("Enter a link starting with https://."), field=field)
        return ""
    if merge_ok and _NAME.match(value.strip("{} ")) and value.replace(" ", "") in {"{{" + n + "}}" for n in URL_FIELDS}:
        return value
    if not _URL.match(value):
        raise TemplateError(
            _("Enter a link starting with https:// (or a link merge field such as {{ business.booking_url }})."),
            field=field,
        )
    check_text(value, field=field)
    return value


def clean_blocks(blocks) -> list[dict]:
    """Validate the editor's JSON: a list of known blocks with known keys and sizes."""
    if blocks in (None, ""):
        return []
    if not isinstance(blocks, list):
        raise TemplateError(_("The body must be a list of blocks."), field="blocks")
    if len(blocks) > MAX_BLOCKS:
        raise TemplateError(_("At most %(n)s blocks.") % {"n": MAX_BLOCKS}, field="blocks")
    out = []
    for index, block in enumerate(blocks):
        where = f"blocks.{index}"
        if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
            raise TemplateError(
                _("Block %(n)s: choose a type from %(types)s.") % {"n": index + 1, "types": ", ".join(BLOCK_TYPES)},
                field="blocks",
            )
        kind = block["type"]
        keys = BLOCK_KEYS[kind]
        clean = {"type": kind}
        for key, limit in keys.items():
            value = block.get(key, "")
            if value is None:
                value = ""
            if key == "height":
                try:
                    height = int(value or 24)
                except (TypeError, ValueError):
                    raise TemplateError(_("Block %(n)s: enter a height in pixels.") % {"n": index + 1}, field="blocks")
                clean[key] = max(8, min(height, 96))
                continue
            if not isinstance(value, str):
                raise TemplateError(
                    _("Block %(n)s: %(key)s must be text.") % {"n": index + 1, "key": key}, field="blocks"
                )
            value = value.strip()
            if len(value) > limit:
                raise TemplateError(
                    _("Block %(n)s: %(key)s is longer than %(limit)s characters.")
                    % {"n": index + 1, "key": key, "limit": limit},
                    field="blocks",
                )
            try:
                if key in ("url", "href", "src"):
                    value = _check_url(value, field=where, required=key != "href", merge_ok=key != "src")
                else:
                    check_text(value, field=where)
            except TemplateError as exc:
                raise TemplateError(
                    _("Block %(n)s: %(error)s") % {"n": index + 1, "error": exc.message}, field="blocks"
                )
            clean[key] = value
        if kind in ("heading", "text", "quote") and not clean["text"]:
            raise TemplateError(
                _("Block %(n)s: write some text or remove the block.") % {"n": index + 1}, field="blocks"
            )
        if kind == "button" and not clean["label"]:
            raise TemplateError(_("Block %(n)s: the button needs a label.") % {"n": index + 1}, field="blocks")
        out.append(clean)
    return out


def _safe_url(value: str, values: dict) -> str:
    url = substitute(value, values).strip()
    return url if _URL.match(url) else ""


def _html_text(value: str, values: dict) -> str:
    return substitute(escape(value or "", quote=False).replace("\n", "<br>"), values, html=True)


def _brand_font(brand) -> str:
    """The brand's font stack for an inline style (single quotes only)."""
    return f"font-family:{brand.font_stack.replace(chr(34), chr(39))};"


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


def _brand_footer_html(brand) -> str:
    """The brand's footer text and social links under the body (escaped; web links only)."""
    rows = []
    if brand.footer:
        text = "<br>".join(escape(line) for line in brand.footer.splitlines())
        rows.append(
            f'<tr><td style="padding:8px 24px;{_brand_font(brand)}font-size:13px;color:#555555;">{text}</td></tr>'
        )
    links = [
        f'<a href="{escape(url)}" rel="noopener" title="{escape(label)}" style="color:{brand.text};margin-right:12px;">'
        f"{escape(label)}</a>"
        for label, url in brand.social_links
        if url.lower().startswith(("https://", "http://"))
    ]
    if links:
        rows.append(
            f'<tr><td style="padding:4px 24px 8px;{_brand_font(brand)}font-size:13px;">{"".join(links)}</td></tr>'
        )
    return "".join(rows)


def _brand_footer_text(brand) -> str:
    lines = [brand.footer.strip()] if brand.footer.strip() else []
    lines += [f"{label}: {url}" for label, url in brand.social_links if url.lower().startswith(("https://", "http://"))]
    return "\n--\n" + "\n".join(lines) + "\n" if lines else ""


def blocks_html(blocks: list, values: dict, brand) -> str:
    font = _brand_font(brand)
    rows = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "heading":
            cell = (
                f'<h1 style="margin:0;{font}font-size:24px;line-height:1.3;color:{brand.text};">'
                f"{_html_text(block.get('text', ''), values)}</h1>"
            )
        elif kind == "text":
            cell = (
                f'<p style="margin:0;{font}font-size:16px;line-height:1.5;color:{brand.text};">'
                f"{_html_text(block.get('text', ''), values)}</p>"
            )
        elif kind == "quote":
            cell = (
                f'<p style="margin:0;padding:0 0 0 12px;border-left:4px solid {brand.primary};{font}'
                f'font-size:16px;line-height:1.5;font-style:italic;color:{brand.text};">'
                f"{_html_text(block.get('text', ''), values)}</p>"
            )
        elif kind == "button":
            url = _safe_url(block.get("url", ""), values)
            if not url:
                continue
            cell = (
                '<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>'
                f'<td style="border-radius:6px;background:{brand.primary};">'
                f'<a href="{escape(url)}" style="display:inline-block;padding:12px 20px;{font}font-size:16px;'
                f'font-weight:bold;color:{brand.primary_contrast};text-decoration:none;border-radius:6px;">'
                f"{_html_text(block.get('label', ''), values)}</a></td></tr></table>"
            )
        elif kind == "image":
            src = _safe_url(block.get("src", ""), {})
            if not src:
                continue
            alt = escape(substitute(block.get("alt", ""), values))
            cell = (
                f'<img src="{escape(src)}" alt="{alt}" width="520" '
                'style="display:block;width:100%;max-width:520px;height:auto;border:0;">'
            )
            href = _safe_url(block.get("href", ""), values)
            if href:
                cell = f'<a href="{escape(href)}">{cell}</a>'
        elif kind == "divider":
            cell = '<hr style="border:0;border-top:1px solid #d4d4d4;margin:0;">'
        elif kind == "spacer":
            try:
                height = max(8, min(int(block.get("height") or 24), 96))
            except (TypeError, ValueError):
                height = 24
            rows.append(f'<tr><td style="height:{height}px;line-height:{height}px;font-size:0;">&nbsp;</td></tr>')
            continue
        else:
            continue
        rows.append(f'<tr><td style="padding:8px 24px;">{cell}</td></tr>')
    return "".join(rows)


def email_html(*, subject: str, preheader: str, body_rows: str, brand, organization_name: str) -> str:
    font = _brand_font(brand)
    hidden = (
        f'<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">{escape(preheader)}</div>'
        if preheader
        else ""
    )
    logo = (
        f'<img src="{escape(_absolute(brand.logo_url))}" alt="{escape(organization_name)}" height="40" '
        'style="height:40px;border:0;">'
        if brand.logo_url
        else f'<span style="{font}font-size:18px;font-weight:bold;color:{brand.primary_contrast};">'
        f"{escape(organization_name)}</span>"
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(subject)}</title></head>"
        f'<body style="margin:0;padding:0;background:#f4f4f5;">{hidden}'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="background:#f4f4f5;">'
        '<tr><td align="center" style="padding:24px 8px;">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        f'style="max-width:600px;background:{brand.background};border-radius:8px;">'
        f'<tr><td style="padding:16px 24px;background:{brand.primary};border-radius:8px 8px 0 0;">{logo}</td></tr>'
        f'<tr><td style="height:4px;line-height:4px;font-size:0;background:{brand.accent};">&nbsp;</td></tr>'
        '<tr><td style="height:16px;font-size:0;">&nbsp;</td></tr>'
        f"{body_rows}"
        '<tr><td style="height:24px;font-size:0;">&nbsp;</td></tr>'
        f"{_brand_footer_html(brand)}"
        "</table></td></tr></table></body></html>"
    )


def blocks_text(blocks: list, values: dict) -> str:
    parts = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "heading":
            parts.append(substitute(block.get("text", ""), values).upper())
        elif kind == "text":
            parts.append(substitute(block.get("text", ""), values))
        elif kind == "quote":
            parts.append("> " + substitute(block.get("text", ""), values).replace("\n", "\n> "))
        elif kind == "button":
            url = _safe_url(block.get("url", ""), values)
            if url:
                parts.append(f"{substitute(block.get('label', ''), values)}: {url}")
        elif kind == "image":
            alt = substitute(block.get("alt", ""), values)
            href = _safe_url(block.get("href", ""), values)
            if alt or href:
                parts.append(" ".join(p for p in (f"[{alt}]" if alt else "", href) if p))
        elif kind == "divider":
            parts.append("—" * 20)
    return "\n\n".join(p for p in parts if p.strip()) + "\n"


@dataclass(frozen=True)
class Rendered:
    subject: str = ""
    preheader: str = ""
    html: str = ""
    text: str = ""
    sms: str = ""


def render_with(template, values: dict[str, str], organization) -> Rendered:
    brand = brand_for(organization)
    blocks = template.blocks if isinstance(template.blocks, list) else []
    subject = substitute(template.subject, values)
    preheader = substitute(template.preheader, values)
    html = ""
    text = ""
    if template.channel == "email":
        html = email_html(
            subject=subject,
            preheader=preheader,
            body_rows=blocks_html(blocks, values, brand),
            brand=brand,
            organization_name=getattr(organization, "name", "") or brand.name,
        )
        text = blocks_text(blocks, values) + _brand_footer_text(brand)
    return Rendered(
        subject=subject,
        preheader=preheader,
        html=html,
        text=text,
        sms=substitute(template.sms_body, values),
    )


def render(
    template, client, *, organization=None, extra: dict | None = None, next_session: str | None = None
) -> Rendered:
    """Render `template` for `client`. `extra` may override merge-field values (strings)."""
    organization = organization or template.organization
    values = values_for(client, organization, next_session=next_session)
    for name, value in (extra or {}).items():
        if name in MERGE_FIELDS:
            values[name] = str(value)
    return render_with(template, values, organization)


def longest_values(organization) -> dict[str, int]:
    """The longest value each merge field may take in this business (its clients' longest
    names, the real links), never below the plausible defaults."""
    from django.db.models import Max
    from django.db.models.functions import Length

    from clients.models import Client

    sizes = {name: size for name, (_label, size) in MERGE_FIELDS.items()}
    if organization is None:
        return sizes
    agg = Client.objects.for_org(organization).aggregate(first=Max(Length("first_name")), last=Max(Length("last_name")))
    first, last = agg["first"] or 0, agg["last"] or 0
    sizes["client.first_name"] = max(first, sizes["client.first_name"])
    sizes["client.last_name"] = max(last, sizes["client.last_name"])
    sizes["client.full_name"] = max(first + last + 1, sizes["client.full_name"])
    sizes["business.name"] = len(organization.name)
    for name, url in business_links(organization).items():
        if url:
            sizes[name] = len(url)
    return sizes


def sms_estimate(text: str, organization, *, typical: dict | None = None) -> dict:
    """The SMS counter for a template's text: as written with typical values (a sample
    client), and at worst with each merge field at its longest plausible value; `warning`
    says when a merge field may push the message into another segment."""
    from .sms_counter import count

    typical = typical if typical is not None else sample_values(organization)
    longest = longest_values(organization)
    result = count(substitute(text, typical))
    worst = count(substitute(text, {name: "x" * size for name, size in longest.items()}))
    if worst["encoding"] != result["encoding"]:
        worst = count(substitute(text, {name: "ą" * size for name, size in longest.items()}))
    result["max_segments"] = max(worst["segments"], result["segments"])
    result["warning"] = (
        _("With the longest values of its merge fields this message may take %(n)s segments.")
        % {"n": result["max_segments"]}
        if result["max_segments"] > result["segments"]
        else ""
    )
    return result
