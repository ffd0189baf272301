"""The link in every marketing email: one-click unsubscribe (RFC 8058) and the preference
page, under the business's brand. No login and no cookie: the stored token is the key."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from mecto.branding import brand_for

from ..services import consent
from ..unsubscribe import read_token

FORM_ACTIONS = ("save", "unsubscribe_all")


def _mask(address: str) -> str:
    if "@" in address:
        name, domain = address.split("@", 1)
        return f"{name[:1]}{'•' * max(1, len(name) - 1)}@{domain}"
    return f"{'•' * max(0, len(address) - 4)}{address[-4:]}"


@csrf_exempt  # mail apps post the one-click unsubscribe with no form, cookie or CSRF token
@never_cache
def unsubscribe(request, token):
    row = read_token(token)
    if row is None:
        return render(request, "marketing/unsubscribe_invalid.html", status=404)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in FORM_ACTIONS:
        # RFC 8058: the body is "List-Unsubscribe=One-Click"; any other bare POST counts too.
        consent.one_click_unsubscribe(token=row)
        return HttpResponse(_("You are unsubscribed."), content_type="text/plain; charset=utf-8")
    done = ""
    if action == "unsubscribe_all":
        consent.unsubscribe_from_all_marketing(token=row)
        done = "unsubscribed"
    elif action == "save":
        consent.save_preferences(
            token=row,
            channels={c: request.POST.get(f"channel-{c}") == "on" for c in ("email", "sms")},
            topics_wanted={t.name: request.POST.get(f"topic-{t.name}") == "on" for t in consent.opt_out_topics()},
        )
        done = "saved"
    state = consent.preference_state(token=row)
    return render(
        request,
        "marketing/preferences.html",
        {
            "brand": brand_for(row.organization),
            "organization": row.organization,
            "address": _mask(row.address),
            "channel": row.channel,
            "channels": [
                (name, label, state["channels"][name])
                for name, label in (("email", _("Marketing emails")), ("sms", _("Marketing text messages")))
                if name in state["channels"]
            ],
            "topics": [(t, state["topics"][t.name]) for t in consent.opt_out_topics()],
            "done": done,
        },
    )
