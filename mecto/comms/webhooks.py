"""The providers' webhooks: SendGrid's Signed Event Webhook and Twilio's status callbacks and
inbound messages. Provider-level, not a business's: each request proves it came from the
provider (a signature over the exact request) before anything changes, or gets a 403."""

from __future__ import annotations

import json
import logging

from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import sendgrid, twilio
from .errors import WebhookRejected

logger = logging.getLogger(__name__)


def _forbidden(provider: str, exc: WebhookRejected) -> HttpResponse:
    logger.warning("Rejected a %s webhook request: %s", provider, exc)
    return HttpResponseForbidden("Invalid signature.", content_type="text/plain")


@csrf_exempt  # signed by SendGrid instead
@require_POST
def sendgrid_events(request):
    try:
        sendgrid.verify_signature(
            request.body,
            request.headers.get(sendgrid.SIGNATURE_HEADER),
            request.headers.get(sendgrid.TIMESTAMP_HEADER),
        )
    except WebhookRejected as exc:
        return _forbidden("SendGrid", exc)
    try:
        events = json.loads(request.body)
    except ValueError:
        events = None
    if not isinstance(events, list):
        return JsonResponse({"detail": "Expected a JSON array of events.", "errors": {}}, status=400)
    counts = sendgrid.record_events(events)
    logger.info("SendGrid events: %s", dict(counts))
    return JsonResponse({"received": len(events)})


@csrf_exempt  # signed by Twilio instead
@require_POST
def twilio_status(request):
    try:
        twilio.verify_request(request)
    except WebhookRejected as exc:
        return _forbidden("Twilio", exc)
    twilio.record_status(
        sid=request.POST.get("MessageSid", ""),
        status=request.POST.get("MessageStatus", ""),
        error_code=request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)


@csrf_exempt  # signed by Twilio instead
@require_POST
def twilio_inbound(request):
    try:
        twilio.verify_request(request)
    except WebhookRejected as exc:
        return _forbidden("Twilio", exc)
    if not request.POST.get("MessageSid"):
        return HttpResponse("MessageSid is required.", status=400, content_type="text/plain")
    reply = twilio.record_inbound(request.POST)
    return HttpResponse(twilio.twiml(reply), content_type="text/xml; charset=utf-8")
