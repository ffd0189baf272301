"""Templated email: every message has a text and an HTML part in the business's brand."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from mecto.branding import brand_for


def render_email(template: str, context: dict, organization=None) -> tuple[str, str, str]:
    """Render `emails/<template>_subject.txt`, `.txt` and `.html`; returns (subject, text, html)."""
    ctx = {"brand": brand_for(organization), "organization": organization, "site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", ctx).split())
    text = render_to_string(f"emails/{template}.txt", ctx)
    html = render_to_string(f"emails/{template}.html", ctx)
    return subject, text, html


def send_templated_email(
    *,
    to: list[str] | str,
    template: str,
    context: dict,
    organization=None,
    reply_to=None,
    headers=None,
    attachments=None,
) -> int:
    recipients = [to] if isinstance(to, str) else list(to)
    with translation.override(settings.LANGUAGE_CODE):
        subject, text, html = render_email(template, context, organization)
    from_email = settings.DEFAULT_FROM_EMAIL
    if organization is not None:
        from_email = f"{brand_for(organization).name} <{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}>"
    message = EmailMultiAlternatives(subject, text, from_email, recipients, reply_to=reply_to, headers=headers)
    message.attach_alternative(html, "text/html")
    for attachment in attachments or []:
        message.attach(*attachment)
    return message.send()
