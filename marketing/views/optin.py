"""The link in the confirmation email: a page under the business's brand with one button.
GET only shows it (mail scanners open links); the POST of the button records the consent.
No login: the token is the key."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from mecto.branding import brand_for

from ..services import optin as service


def _ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""


@never_cache
def confirm(request, token):
    opt_in = service.read_request(token)
    if opt_in is None or not opt_in.organization.is_active:
        return render(request, "marketing/optin.html", {"state": "invalid"}, status=404)
    context = {"brand": brand_for(opt_in.organization), "organization": opt_in.organization, "opt_in": opt_in}
    if opt_in.confirmed_at is not None:
        return render(request, "marketing/optin.html", {**context, "state": "already"})
    if opt_in.is_expired:
        return render(request, "marketing/optin.html", {**context, "state": "expired"}, status=410)
    if request.method != "POST":
        return render(request, "marketing/optin.html", {**context, "state": "ask"})
    try:
        changed = service.confirm_opt_in(
            opt_in=opt_in, ip_address=_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
        )
    except service.OptInError:  # it expired between the page and the button
        return render(request, "marketing/optin.html", {**context, "state": "expired"}, status=410)
    return render(request, "marketing/optin.html", {**context, "state": "confirmed" if changed else "already"})
