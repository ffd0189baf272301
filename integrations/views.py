from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from mecto.errors import DomainError
from mecto.permissions import MemberRequiredMixin

from . import selectors, services
from .models import ConnectedAccount
from .oauth import AccessRevoked, ProviderError, app_credentials

PURPOSE = {
    ConnectedAccount.Provider.GOOGLE: gettext_lazy("Two-way sync with Google Calendar, and Google Meet links."),
    ConnectedAccount.Provider.MICROSOFT: gettext_lazy("Two-way sync with Outlook (Microsoft 365), and Teams links."),
    ConnectedAccount.Provider.ZOOM: gettext_lazy("Zoom links for online sessions."),
}


def _connect_url(provider: str) -> str | None:
    """allauth's connect URL with the scopes the provider needs, or None if not configured."""
    try:
        app_credentials(provider)
        base = reverse(f"{provider}_login")
    except (ProviderError, NoReverseMatch):
        return None
    scopes = ",".join(services.SCOPES.get(provider, []))
    return f"{base}?process=connect" + (f"&scope={scopes}" if scopes else "")


class IntegrationsView(MemberRequiredMixin, View):
    required_capability = "integrations.manage"

    def get(self, request):
        org = request.tenant.organization
        connections = {c.provider: c for c in selectors.connections_for(organization=org, user=request.user)}
        providers = [
            {
                "id": provider,
                "label": label,
                "purpose": PURPOSE[provider],
                "connection": connections.get(provider),
                "connect_url": _connect_url(provider),
            }
            for provider, label in ConnectedAccount.Provider.choices
        ]
        return render(request, "integrations/index.html", {"providers": providers})


class ConnectionView(MemberRequiredMixin, View):
    required_capability = "integrations.manage"

    def post(self, request, pk):
        connection = get_object_or_404(
            ConnectedAccount.objects.for_org(request.tenant.organization).filter(user=request.user), pk=pk
        )
        action = request.POST.get("action")
        try:
            if action == "disconnect":
                services.disconnect(connection=connection, actor=request.user)
                messages.success(request, _("Disconnected."))
            elif action == "sync":
                from .calendars import sync_connection

                result = sync_connection(connection)
                messages.success(
                    request,
                    _("Synced: %(pushed)s sessions sent, %(busy)s busy times read.") % result,
                )
            elif action == "settings":
                services.update_connection(
                    connection=connection,
                    actor=request.user,
                    calendar_sync=request.POST.get("calendar_sync") == "on",
                    calendar_id=(request.POST.get("calendar_id") or "primary").strip(),
                )
                messages.success(request, _("Saved."))
        except AccessRevoked:
            messages.error(request, _("Access was revoked. Connect the account again."))
        except ProviderError:
            messages.error(request, _("The provider did not answer as expected. Try again in a few minutes."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("integrations:index")
