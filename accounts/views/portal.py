"""The client's home in the portal."""

from django.shortcuts import render
from django.views import View

from mecto.permissions import ClientRequiredMixin


class PortalHomeView(ClientRequiredMixin, View):
    """The client's home: their coach and one card per app (next session, today's workout,
    messages, billing), contributed through `mecto.dashboard.register_portal_card`."""

    def get(self, request):
        from mecto.dashboard import portal_context

        client = request.tenant.client
        return render(request, "accounts/portal_home.html", {"client": client, **portal_context(request)})
