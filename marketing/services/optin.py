"""Double opt-in for marketing email from public pages.

A ticked box on the intake form or the booking page grants nothing: it makes an
`OptInRequest` and sends a confirmation email (transactional: there is no marketing consent
yet). Only a POST from the link in it records consent, in the platform's consent records
(`mecto.comms`), with the time, the source "double opt-in" and the exact text shown.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from mecto import comms
from mecto import optin as hook
from mecto.comms.models import Category, Channel
from mecto.crypto import hash_token

from ..models import ConsentWording, OptInRequest
from ..models.optin import OPT_IN_VALID_FOR, WORDING_MAX_LENGTH

DEFAULT_WORDING = gettext_noop("Send me news and offers by email")
DOUBLE_OPT_IN = "double opt-in"
MAX_SENDS = 3
RESEND_AFTER = timedelta(minutes=10)
TOPIC = "email_confirmation"
COMPOSER = "marketing.optin_confirmation"

comms.register_topic(TOPIC, gettext_lazy("Confirming an email address for news and offers"))


class OptInError(hook.OptInError):
    pass


# --- Wording ------------------------------------------------------------------------------------
def current_wording(*, organization) -> ConsentWording:
    """The latest version; a business starts with the default text as version 1."""
    row = ConsentWording.objects.for_org(organization).order_by("-version").first()
    if row is not None:
        return row
    with translation.override(settings.LANGUAGE_CODE):
        text = _(DEFAULT_WORDING)
    try:
        with transaction.atomic():
            return ConsentWording.objects.create(organization=organization, version=1, text=text)
    except IntegrityError:
        return ConsentWording.objects.for_org(organization).order_by("-version").first()


@transaction.atomic
def change_wording(*, organization, text: str, actor=None) -> ConsentWording:
    """A new text is a new version; earlier versions stay as they were shown."""
    text = " ".join((text or "").split())
    if not text:
        raise OptInError(_("Write the text shown beside the box."), field="text")
    if len(text) > WORDING_MAX_LENGTH:
        raise OptInError(_("Keep it to %(count)d characters or fewer.") % {"count": WORDING_MAX_LENGTH}, field="text")
    latest = ConsentWording.objects.for_org(organization).select_for_update().order_by("-version").first()
    if latest is not None and latest.text == text:
        return latest
    return ConsentWording.objects.create(
        organization=organization,
        version=(latest.version if latest else 0) + 1,
        text=text,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def wording_shown(*, organization, version_id=None) -> ConsentWording:
    """The version a page showed (from its hidden field), if it is this business's; else the current one."""
    try:
        version_id = int(version_id) if version_id not in (None, "") else None
    except (TypeError, ValueError):
        version_id = None
    if version_id is not None:
        row = ConsentWording.objects.for_org(organization).filter(pk=version_id).first()
        if row is not None:
            return row
    return current_wording(organization=organization)


def consent_method(opt_in: OptInRequest) -> str:
    """What the consent record says of how it was given: the source and the exact text."""
    version = f" (v{opt_in.wording.version})" if opt_in.wording_id else ""
    return f"{DOUBLE_OPT_IN}: “{opt_in.wording_text}”{version}"[:200]


# --- Requests -----------------------------------------------------------------------------------
def pending_request(*, client) -> OptInRequest | None:
    """The client's confirmation still waiting for an answer (not confirmed, not expired)."""
    return (
        OptInRequest.objects.for_org(client.organization)
        .filter(client=client, confirmed_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at", "-id")
        .first()
    )


def _new_token(opt_in: OptInRequest) -> str:
    token = secrets.token_urlsafe(32)
    opt_in.token_hash = hash_token(token)
    return token


def _send(opt_in: OptInRequest, token: str) -> None:
    comms.queue_email(
        organization=opt_in.organization,
        to=opt_in.email,
        topic=TOPIC,
        category=Category.TRANSACTIONAL,
        key=f"optin:{opt_in.pk}:{opt_in.send_count}",
        composer=COMPOSER,
        # The link is in the message: the token itself is only stored hashed.
        params={
            "request_id": opt_in.pk,
            "send": opt_in.send_count,
            "url": settings.SITE_URL + reverse("marketing:optin", args=[token]),
        },
        client_id=opt_in.client_id,
    )


@transaction.atomic
def request_opt_in(*, organization, client, email: str, source: str, wording_id=None) -> OptInRequest | None:
    """The box was ticked: send a confirmation to `email`. Nothing is sent when the address
    already has consent, or when a confirmation is already waiting (a form sent twice)."""
    email = (email or "").strip().lower()
    if not email or client.organization_id != organization.pk:
        return None
    latest = comms.latest_consent(organization=organization, channel=Channel.EMAIL, address=email)
    if latest is not None and latest.granted:
        return None
    waiting = pending_request(client=client)
    if waiting is not None and waiting.email == email:
        return waiting
    wording = wording_shown(organization=organization, version_id=wording_id)
    now = timezone.now()
    opt_in = OptInRequest(
        organization=organization,
        client=client,
        email=email,
        wording=wording,
        wording_text=wording.text,
        source=source if source in OptInRequest.Source.values else OptInRequest.Source.PUBLIC_INTAKE,
        created_at=now,
        last_sent_at=now,
        expires_at=now + OPT_IN_VALID_FOR,
    )
    token = _new_token(opt_in)
    opt_in.save()
    _send(opt_in, token)
    return opt_in


@transaction.atomic
def resend_opt_in(*, client, actor=None) -> OptInRequest:
    """Send the confirmation again with a new link (the old one stops working): at most
    MAX_SENDS emails in all, and not within RESEND_AFTER of the last one."""
    waiting = pending_request(client=client)
    if waiting is None:
        raise OptInError(_("No confirmation is waiting for this client."))
    opt_in = OptInRequest.objects.select_for_update().get(pk=waiting.pk)
    now = timezone.now()
    if opt_in.send_count >= MAX_SENDS:
        raise OptInError(
            _(
                "The confirmation email was sent %(count)d times already. Ask the client to look in their "
                "spam folder, or record their consent with how they gave it."
            )
            % {"count": opt_in.send_count}
        )
    wait = opt_in.last_sent_at + RESEND_AFTER - now
    if wait > timedelta(0):
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        raise OptInError(
            _("The confirmation email was sent a moment ago. You can send it again in %(minutes)d minutes.")
            % {"minutes": minutes}
        )
    token = _new_token(opt_in)
    opt_in.send_count += 1
    opt_in.last_sent_at = now
    opt_in.expires_at = now + OPT_IN_VALID_FOR
    opt_in.save(update_fields=["token_hash", "send_count", "last_sent_at", "expires_at"])
    _send(opt_in, token)
    return opt_in


def read_request(token: str) -> OptInRequest | None:
    """The request behind a link, or None for an unknown (or superseded) token."""
    if not token or len(token) > 100:
        return None
    return (
        OptInRequest.objects.select_related("organization", "client", "wording")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def confirm_opt_in(*, opt_in: OptInRequest, ip_address: str = "", user_agent: str = "") -> bool:
    """Record the consent once; returns False when it was confirmed already."""
    from clients.services import record_consent

    opt_in = OptInRequest.objects.select_for_update(of=("self",)).select_related("client", "wording").get(pk=opt_in.pk)
    if opt_in.confirmed_at is not None:
        return False
    if opt_in.is_expired:
        raise OptInError(_("This link has expired."))
    client = opt_in.client
    method = consent_method(opt_in)
    if (client.email or "").strip().lower() == opt_in.email:
        consent = record_consent(client=client, channel=Channel.EMAIL, granted=True, method=method)
    else:  # the client's address changed since: the proof is about the address confirmed
        consent = comms.record_consent(
            organization=opt_in.organization,
            channel=Channel.EMAIL,
            address=opt_in.email,
            granted=True,
            method=method,
            client_id=client.pk,
        )
    opt_in.confirmed_at = consent.recorded_at
    opt_in.confirmed_ip = ip_address or None
    opt_in.confirmed_user_agent = (user_agent or "")[:300]
    opt_in.consent = consent
    opt_in.save(update_fields=["confirmed_at", "confirmed_ip", "confirmed_user_agent", "consent"])
    return True


@comms.register_composer(COMPOSER)
def compose_confirmation(message) -> comms.Composed | None:
    """The confirmation email, unless it was answered or superseded by a resend meanwhile."""
    opt_in = OptInRequest.objects.select_related("organization", "client").filter(pk=message.context.get("request_id"))
    opt_in = opt_in.first()
    if opt_in is None or not opt_in.is_pending or message.context.get("send") != opt_in.send_count:
        return None
    subject, text, html = comms.render_email(
        "optin_confirmation",
        {
            "client": opt_in.client,
            "opt_in": opt_in,
            "url": message.context["url"],
            "valid_days": OPT_IN_VALID_FOR.days,
        },
        opt_in.organization,
    )
    return comms.Composed(subject=subject, text=text, html=html, to=opt_in.email)


# --- The hook the public pages below marketing call (registered in MarketingConfig.ready) -------
def _hook_wording(organization, *, version_id=None) -> hook.Wording:
    row = wording_shown(organization=organization, version_id=version_id)
    return hook.Wording(id=row.pk, version=row.version, text=row.text)


def _hook_request(*, organization, client, email, wording_id, source) -> None:
    request_opt_in(organization=organization, client=client, email=email, wording_id=wording_id, source=source)


def _hook_pending(*, client) -> hook.Pending | None:
    row = pending_request(client=client)
    if row is None:
        return None
    return hook.Pending(sent_at=row.last_sent_at, sends=row.send_count, expires_at=row.expires_at)


def _hook_resend(*, client, actor=None) -> None:
    resend_opt_in(client=client, actor=actor)


PROVIDER = hook.Provider(wording=_hook_wording, request=_hook_request, pending=_hook_pending, resend=_hook_resend)
