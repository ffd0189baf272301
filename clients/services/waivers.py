"""Waivers and the health-data consent: versioned documents, and the client's signature on
one exact version (typed name or a drawn signature), with when, where from and how."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from ..models import Client, WaiverDocument, WaiverSignature, WaiverVersion

__all__ = [
    "WaiverError",
    "create_waiver_document",
    "publish_waiver_version",
    "archive_waiver_document",
    "sign_waiver",
    "waiver_text_hash",
    "ensure_waivers_signed",
    "waiver_signing_url",
    "read_signing_token",
    "client_for_signing_link",
    "MAX_SIGNATURE_BYTES",
]

register_event_type("waiver.published", gettext_lazy("A new version of a waiver or consent was published"))
register_event_type("waiver.signed", gettext_lazy("A client signed a waiver or consent"))

MAX_SIGNATURE_BYTES = 100 * 1024
MAX_SIGNATURE_SIDE = 2000
MAX_BODY = 50_000


class WaiverError(DomainError):
    pass


def waiver_text_hash(title: str, body: str) -> str:
    """SHA-256 of exactly what the client read (title and text)."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


def _clean_text(title: str, body: str) -> tuple[str, str]:
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        raise WaiverError(_("Give the document a title."), field="title")
    if len(title) > 160:
        raise WaiverError(_("Keep the title under 160 characters."), field="title")
    if not body:
        raise WaiverError(_("Write the text clients agree to."), field="body")
    if len(body) > MAX_BODY:
        raise WaiverError(_("Keep the text under %(n)d characters.") % {"n": MAX_BODY}, field="body")
    return title, body


@transaction.atomic
def create_waiver_document(
    *,
    organization,
    title: str,
    body: str,
    kind: str = WaiverDocument.Kind.WAIVER,
    required_for_booking: bool | None = None,
    actor=None,
) -> WaiverDocument:
    """A new document with its first version, published at once."""
    if kind not in WaiverDocument.Kind.values:
        raise WaiverError(_("Choose a waiver or the health-data consent."), field="kind")
    title, body = _clean_text(title, body)
    if required_for_booking is None:
        required_for_booking = kind == WaiverDocument.Kind.WAIVER
    document = WaiverDocument.objects.create(
        organization=organization, kind=kind, title=title, required_for_booking=bool(required_for_booking)
    )
    publish_waiver_version(document=document, title=title, body=body, actor=actor)
    return document


@transaction.atomic
def publish_waiver_version(*, document: WaiverDocument, title: str, body: str, actor=None) -> WaiverVersion:
    """A new version (a new row; earlier ones stay as signed). Everyone who signed an earlier
    version is asked to sign again before their next booking."""
    document = WaiverDocument.objects.select_for_update().get(pk=document.pk)
    if document.is_archived:
        raise WaiverError(_("This document is archived."))
    title, body = _clean_text(title, body)
    text_hash = waiver_text_hash(title, body)
    latest = document.versions.order_by("-version").first()
    if latest is not None and latest.text_hash == text_hash:
        raise WaiverError(_("The text is the same as the current version."), field="body")
    version = WaiverVersion.objects.create(
        organization=document.organization,
        document=document,
        version=(document.versions.aggregate(m=Max("version"))["m"] or 0) + 1,
        title=title,
        body=body,
        text_hash=text_hash,
        published_at=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if document.title != title:
        document.title = title
        document.save(update_fields=["title"])
    emit(
        document.organization,
        "waiver.published",
        {"document_id": document.pk, "version_id": version.pk, "version": version.version, "kind": document.kind},
        actor=actor,
    )
    return version


@transaction.atomic
def archive_waiver_document(*, document: WaiverDocument, actor=None) -> WaiverDocument:
    """Nobody is asked to sign it any more; signatures stay as proof."""
    document.is_archived = True
    document.save(update_fields=["is_archived"])
    return document


def _clean_drawing(data: str) -> str:
    """A drawn signature as a canvas PNG data URL: decoded, checked with Pillow and re-encoded
    (nothing but pixels kept). Returns base64 of the clean PNG."""
    data = (data or "").strip()
    prefix = "data:image/png;base64,"
    if data.startswith(prefix):
        data = data[len(prefix) :]
    if len(data) > MAX_SIGNATURE_BYTES * 4 // 3 + 8:
        raise WaiverError(_("The drawn signature is too large."), field="drawn_signature")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise WaiverError(
            _("The drawn signature could not be read. Draw it again or type your name."), field="drawn_signature"
        )
    if not raw or len(raw) > MAX_SIGNATURE_BYTES:
        raise WaiverError(_("The drawn signature is too large."), field="drawn_signature")
    try:
        image = Image.open(io.BytesIO(raw))
        if image.format != "PNG":
            raise WaiverError(_("Send the drawing as a PNG image."), field="drawn_signature")
        if max(image.size) > MAX_SIGNATURE_SIDE or min(image.size) < 10:
            raise WaiverError(_("The drawn signature has an unusual size."), field="drawn_signature")
        image.load()
        if image.convert("L").getextrema()[0] == image.convert("L").getextrema()[1]:
            raise WaiverError(
                _("The signature box is empty: draw your signature or type your name."), field="drawn_signature"
            )
        out = io.BytesIO()
        image.convert("RGBA").save(out, "PNG", optimize=True)
    except WaiverError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise WaiverError(
            _("The drawn signature could not be read. Draw it again or type your name."), field="drawn_signature"
        )
    clean = out.getvalue()
    if len(clean) > MAX_SIGNATURE_BYTES:
        raise WaiverError(_("The drawn signature is too large."), field="drawn_signature")
    return base64.b64encode(clean).decode()


@transaction.atomic
def sign_waiver(
    *,
    client: Client,
    version: WaiverVersion,
    typed_name: str,
    agreed: bool = True,
    drawn_signature: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    source: str = WaiverSignature.Source.PORTAL,
    actor=None,
) -> WaiverSignature:
    """The client agrees to this exact version: their full name (always) and, if they drew
    one, the signature image. Signing the same version again returns the first signature."""
    if version.organization_id != client.organization_id:
        raise WaiverError(_("Choose a document of your business."), field="version")
    if version.published_at is None or version.document.is_archived:
        raise WaiverError(_("This document is not open for signing."), field="version")
    if not agreed:
        raise WaiverError(_("Tick the box to say you agree."), field="agreed")
    typed_name = " ".join((typed_name or "").split())
    if len(typed_name) < 2:
        raise WaiverError(_("Type your full name to sign."), field="typed_name")
    if len(typed_name) > 160:
        raise WaiverError(_("Keep your name under 160 characters."), field="typed_name")
    if source not in WaiverSignature.Source.values:
        raise WaiverError(_("Unknown place of signing."), field="source")
    drawing = _clean_drawing(drawn_signature) if drawn_signature else ""
    existing = WaiverSignature.objects.filter(client=client, version=version).first()
    if existing is not None:
        return existing
    ip = (ip_address or "").strip() or None
    if ip is not None:
        from django.core.validators import validate_ipv46_address

        try:
            validate_ipv46_address(ip)
        except Exception:
            ip = None
    signature = WaiverSignature(
        organization=client.organization,
        client=client,
        document=version.document,
        version=version,
        version_number=version.version,
        text_hash=version.text_hash,
        method=WaiverSignature.Method.DRAWN if drawing else WaiverSignature.Method.TYPED,
        typed_name=typed_name,
        drawn_signature=drawing,
        source=source,
        ip_address=ip,
        user_agent=(user_agent or "")[:400],
        signed_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError:  # signed twice at once: the first one stands
        return WaiverSignature.objects.get(client=client, version=version)
    emit(
        client.organization,
        "waiver.signed",
        {
            "client_id": client.pk,
            "document_id": version.document_id,
            "version": version.version,
            "kind": version.document.kind,
            "method": signature.method,
            "source": source,
        },
        actor=actor,
        client=client,
    )
    return signature


# --- Before booking --------------------------------------------------------------------------------
SIGNING_SALT = "clients.waiver-signing"
SIGNING_MAX_AGE = 7 * 24 * 3600


def waiver_signing_url(client: Client) -> str:
    """Where this client signs: their portal page, or (no portal account) a signed link that
    names the business and the email typed on the booking page, valid for a week."""
    if client.user_id:
        return settings.SITE_URL + reverse("clients:portal_waivers")
    data = {"o": client.organization_id, "e": client.email, "f": client.first_name, "l": client.last_name}
    token = signing.dumps(data, salt=SIGNING_SALT, compress=True)
    return settings.SITE_URL + reverse("clients:waiver_sign_link", args=[token])


def read_signing_token(token: str) -> dict | None:
    """What a signing link names (business, email and name typed on the booking page), or
    None when it is forged or expired."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=SIGNING_MAX_AGE)
        return {
            "organization_id": int(data["o"]),
            "email": str(data["e"])[:254],
            "first_name": str(data.get("f") or "")[:80],
            "last_name": str(data.get("l") or "")[:80],
        }
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return None


@transaction.atomic
def client_for_signing_link(
    *, organization, organization_id=None, email: str, first_name: str = "", last_name: str = ""
):
    """The client a signing link names; a visitor refused on the booking page becomes a lead
    (as the booking would have made them) when they sign."""
    from .records import create_client

    client = Client.objects.for_org(organization).filter(email__iexact=email).first()
    if client is not None:
        return client
    return create_client(
        organization=organization,
        first_name=first_name or email.split("@")[0],
        last_name=last_name,
        email=email,
        status=Client.Status.LEAD,
        source=Client.Source.BOOKING,
    )


def ensure_waivers_signed(*, client: Client) -> None:
    """Refuse (a domain error with the link to sign) while the client has not signed the
    current version of a waiver required before booking. Booking calls this."""
    from ..selectors import unsigned_waivers

    missing = unsigned_waivers(client)
    if not missing:
        return
    titles = ", ".join(f"“{v.title}” (v{v.version})" for v in missing)
    raise WaiverError(
        _("Please sign %(titles)s before booking. Sign here: %(url)s")
        % {"titles": titles, "url": waiver_signing_url(client)},
        code="waiver_required",
    )
