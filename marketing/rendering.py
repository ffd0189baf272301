"""Rendering a template for one client: merge fields in a sandbox.

`render(template, client)` is the one entry point campaigns, automations, previews and test
sends use. (Skeleton: plain substitution of `{{ client.first_name }}`; the sandboxed block
renderer replaces it.)"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rendered:
    subject: str = ""
    preheader: str = ""
    html: str = ""
    text: str = ""
    sms: str = ""


def render(template, client, *, organization=None, extra: dict | None = None) -> Rendered:
    organization = organization or template.organization
    first = getattr(client, "first_name", "") if client is not None else ""

    def sub(value: str) -> str:
        return (value or "").replace("{{ client.first_name }}", first)

    text = "\n\n".join(sub(b.get("text", "")) for b in template.blocks if isinstance(b, dict))
    return Rendered(
        subject=sub(template.subject),
        preheader=sub(template.preheader),
        html="".join(f"<p>{sub(b.get('text', ''))}</p>" for b in template.blocks if isinstance(b, dict)),
        text=text,
        sms=sub(template.sms_body),
    )
