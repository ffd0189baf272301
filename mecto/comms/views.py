"""The preference page behind the link in every message (no login: the signed token is
the key), with one-click unsubscribe (RFC 8058) for mail apps."""

from __future__ import annotations

from django.apps import apps
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from mecto.branding import brand_for

from . import consent
from .addresses import normalise
from .models import Category
from .preferences import read_preference_token
from .registry import topic as topic_of
from .registry import topics


def _mask(address: str) -> str:
    if "@" in address:
        name, domain = address.split("@", 1)
        return f"{name[:1]}{'•' * max(1, len(name) - 1)}@{domain}"
    return f"{'•' * max(0, len(address) - 4)}{address[-4:]}"


def _opt_out_topics(channel: str):
    return [t for t in topics() if t.can_opt_out and t.category != Category.MARKETING]


def _state(organization, channel: str, address: str) -> dict:
    receiving = {
        t.name: not consent.is_opted_out(organization=organization, channel=channel, address=address, topic=t.name)
        for t in _opt_out_topics(channel)
    }
    latest = consent.latest_consent(organization=organization, channel=channel, address=address)
    marketing = (
        bool(latest and latest.granted)
        and consent.check(
            organization=organization, channel=channel, address=address, category=Category.MARKETING, topic="campaigns"
        ).allowed
    )
    return {"receiving": receiving, "marketing": marketing}


def _unsubscribe(organization, channel: str, address: str, topic: str) -> None:
    if topic_of(topic).category == Category.MARKETING or not topic:
        consent.record_consent(
            organization=organization,
            channel=channel,
            address=address,
            granted=False,
            method=_("Unsubscribed with the link in a message"),
        )
    else:
        consent.opt_out_of_topic(
            organization=organization, channel=channel, address=address, topic=topic, source="preference page"
        )


@csrf_exempt  # the signed token is the credential; mail apps post one-click unsubscribes without a form
def preferences(request, token):
    data = read_preference_token(token)
    if data is None:
        raise Http404
    organization = None
    if data.get("o") is not None:
        organization = apps.get_model("accounts", "Organization").objects.filter(pk=data["o"]).first()
        if organization is None:
            raise Http404
    channel, topic = data["c"], data.get("t") or ""
    address = normalise(channel, data["a"])
    if not address:
        raise Http404
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        _unsubscribe(organization, channel, address, topic)
        return HttpResponse(_("You are unsubscribed."), content_type="text/plain; charset=utf-8")
    done = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "unsubscribe" and topic:
            _unsubscribe(organization, channel, address, topic)
            done = "unsubscribed"
        elif action == "save":
            for item in _opt_out_topics(channel):
                wanted = request.POST.get(f"topic-{item.name}") == "on"
                if wanted:
                    consent.opt_in_to_topic(
                        organization=organization, channel=channel, address=address, topic=item.name
                    )
                else:
                    consent.opt_out_of_topic(
                        organization=organization,
                        channel=channel,
                        address=address,
                        topic=item.name,
                        source="preference page",
                    )
            if organization is not None:
                wants_marketing = request.POST.get("marketing") == "on"
                if wants_marketing != _state(organization, channel, address)["marketing"]:
                    consent.record_consent(
                        organization=organization,
                        channel=channel,
                        address=address,
                        granted=wants_marketing,
                        method=_("Changed on the preference page"),
                    )
            done = "saved"
    state = _state(organization, channel, address)
    return render(
        request,
        "comms/preferences.html",
        {
            "brand": brand_for(organization),
            "organization": organization,
            "channel": channel,
            "address": _mask(address),
            "topic": topic_of(topic) if topic else None,
            "topic_opted_out": bool(topic) and topic in state["receiving"] and not state["receiving"][topic],
            "topics": [(t, state["receiving"][t.name]) for t in _opt_out_topics(channel)],
            "marketing": state["marketing"],
            "done": done,
        },
    )
