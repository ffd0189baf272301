"""Pages about access: what a plan grants (on its edit page), a client's access ledger, and
what a client's plans include (portal)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from clients.models import Client
from mecto.dashboard import Card
from mecto.forms import ServiceFormView
from mecto.permissions import ClientRequiredMixin, MemberRequiredMixin

from .. import services
from ..forms_access import PlanAccessForm
from ..models import Plan
from ..selectors_access import access_ledger, client_access

PAGE_SIZE = 25
LEDGER_ROWS = 20


def _org(request):
    return request.tenant.organization


def access_form_for(plan: Plan) -> PlanAccessForm:
    """The unbound "What it grants" form shown on the plan's edit page."""
    return PlanAccessForm(plan=plan)


def client_ledger_context(client: Client) -> dict:
    """The newest rows of a client's access ledger, for their billing page."""
    rows = list(access_ledger(organization=client.organization, client=client)[: LEDGER_ROWS + 1])
    return {"access_rows": rows[:LEDGER_ROWS], "access_more": len(rows) > LEDGER_ROWS}


class PlanAccessView(MemberRequiredMixin, ServiceFormView):
    """POST the "What it grants" section of a plan's edit page; errors come back beside their field."""

    required_capability = "billing.manage"
    template_name = "billing/plan_access.html"
    form_class = PlanAccessForm
    error_fields = {"grants": None}

    def get_object(self):
        return get_object_or_404(Plan.objects.for_org(_org(self.request)), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.object, tab="plans", **kwargs)

    def perform(self, form):
        return services.set_plan_access(plan=self.object, actor=self.request.user, **form.service_kwargs())

    def get_success_message(self, result):
        return _("What %(name)s grants was saved.") % {"name": self.object.name}

    def get_success_url(self, result):
        return reverse("billing:plan_edit", args=[self.object.pk]) + "#grants"


class ClientAccessView(MemberRequiredMixin, View):
    """Every grant and withdrawal of one client, newest first."""

    required_capability = "billing.view"

    def get(self, request, pk):
        client = get_object_or_404(Client.objects.for_org(_org(request)), pk=pk)
        page = Paginator(access_ledger(organization=client.organization, client=client), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(request, "billing/client_access.html", {"client": client, "page": page, "tab": "invoices"})


class PortalAccessView(ClientRequiredMixin, View):
    """What the client's plans include now."""

    def get(self, request):
        grants = list(client_access(client=request.tenant.client))
        plans: dict[int, dict] = {}
        for grant in grants:
            plans.setdefault(grant.plan_id, {"plan": grant.plan, "grants": []})["grants"].append(grant)
        return render(request, "billing/portal_access.html", {"plans": list(plans.values())})


def access_portal_card(request):
    """On the portal home: what the client's plans include, when they include anything."""
    client = getattr(request.tenant, "client", None)
    if client is None:
        return None
    count = client_access(client=client).count()
    if not count:
        return None
    return Card(
        title=_("Your plan includes"),
        body=ngettext("%(n)d thing your plan gives you", "%(n)d things your plans give you", count) % {"n": count},
        url=reverse("billing:portal_access"),
        action=_("See what is included"),
        order=45,
    )
