"""Settings → Developers (owners): webhook endpoints with their delivery log, API tokens.
New secrets are rendered in the answer to the POST that made them, never stored to show again."""

from itertools import groupby

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from mecto.errors import DomainError
from mecto.events import EVENT_TYPES
from mecto.permissions import MemberRequiredMixin

from . import services_tokens, services_webhooks
from .models import ApiToken, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .models_tokens import LEVEL_LABELS, RESOURCE_LABELS, RESOURCES

CAPABILITY = "members.manage"  # owners only


def event_groups():
    names = sorted(EVENT_TYPES)
    return [(app, [(n, EVENT_TYPES[n]) for n in group]) for app, group in groupby(names, key=lambda n: n.split(".")[0])]


class DevelopersView(MemberRequiredMixin, View):
    required_capability = CAPABILITY

    def context(self, request, **extra):
        org = request.tenant.organization
        return {
            "endpoints": WebhookEndpoint.objects.for_org(org).order_by("-created_at"),
            "tokens": ApiToken.objects.for_org(org).select_related("created_by").order_by("-created_at"),
            "event_groups": event_groups(),
            "resources": list(RESOURCE_LABELS.items()),
            "levels": list(LEVEL_LABELS.items()),
            **extra,
        }

    def get(self, request):
        return render(request, "integrations/developers/index.html", self.context(request))

    def post(self, request):
        org, action = request.tenant.organization, request.POST.get("action")
        try:
            if action == "endpoint":
                endpoint = services_webhooks.create_endpoint(
                    organization=org,
                    actor=request.user,
                    url=request.POST.get("url", ""),
                    description=request.POST.get("description", ""),
                    event_types=request.POST.getlist("event_types"),
                )
                return render(
                    request, "integrations/developers/secret.html", {"endpoint": endpoint, "secret": endpoint.secret}
                )
            if action == "token":
                scopes = {r: request.POST.get(f"scope_{r}", "none") for r in RESOURCES}
                days = request.POST.get("expires_in_days") or None
                if days is not None and not str(days).isdigit():
                    raise DomainError(_("Enter a number of days."), field="expires_in_days")
                token, secret = services_tokens.create_token(
                    organization=org,
                    actor=request.user,
                    name=request.POST.get("name", ""),
                    scopes=scopes,
                    expires_in_days=int(days) if days else None,
                )
                return render(request, "integrations/developers/secret.html", {"token": token, "secret": secret})
            if action == "revoke":
                token = get_object_or_404(ApiToken.objects.for_org(org), pk=request.POST.get("token") or 0)
                services_tokens.revoke_token(token=token, actor=request.user)
                messages.success(request, _("Token revoked: it no longer works."))
                return redirect("integrations:developers")
        except DomainError as exc:
            return render(
                request,
                "integrations/developers/index.html",
                self.context(request, error=exc.message, error_form=action, form=request.POST),
                status=400,
            )
        return redirect("integrations:developers")


class EndpointView(MemberRequiredMixin, View):
    required_capability = CAPABILITY

    def endpoint(self, request, pk):
        return get_object_or_404(WebhookEndpoint.objects.for_org(request.tenant.organization), pk=pk)

    def get(self, request, pk, **extra):
        endpoint = self.endpoint(request, pk)
        deliveries = (
            WebhookDelivery.objects.for_org(endpoint.organization)
            .filter(endpoint=endpoint)
            .prefetch_related(Prefetch("log", queryset=WebhookAttempt.objects.order_by("-created_at")))
            .order_by("-created_at")[:50]
        )
        context = {"endpoint": endpoint, "deliveries": deliveries, "event_groups": event_groups(), **extra}
        return render(
            request, "integrations/developers/endpoint.html", context, status=400 if "error" in extra else 200
        )

    def post(self, request, pk):
        endpoint, action = self.endpoint(request, pk), request.POST.get("action")
        try:
            if action == "rotate":
                secret = services_webhooks.rotate_secret(endpoint=endpoint, actor=request.user)
                return render(request, "integrations/developers/secret.html", {"endpoint": endpoint, "secret": secret})
            if action == "test":
                services_webhooks.send_test_event(endpoint=endpoint, actor=request.user)
                messages.success(request, _("Test event sent: it appears in the log below in a moment."))
            elif action in ("enable", "disable"):
                services_webhooks.update_endpoint(endpoint=endpoint, actor=request.user, enabled=action == "enable")
            elif action == "edit":
                services_webhooks.update_endpoint(
                    endpoint=endpoint,
                    actor=request.user,
                    url=request.POST.get("url", ""),
                    description=request.POST.get("description", ""),
                    event_types=request.POST.getlist("event_types"),
                )
                messages.success(request, _("Endpoint saved."))
            elif action == "redeliver":
                delivery = get_object_or_404(endpoint.deliveries.all(), pk=request.POST.get("delivery") or 0)
                services_webhooks.redeliver(delivery=delivery, actor=request.user)
                messages.success(request, _("Sending it again."))
            elif action == "delete":
                services_webhooks.delete_endpoint(endpoint=endpoint, actor=request.user)
                messages.success(request, _("Endpoint removed."))
                return redirect("integrations:developers")
        except DomainError as exc:
            return self.get(request, pk, error=exc.message)
        return redirect("integrations:webhook", pk=endpoint.pk)
