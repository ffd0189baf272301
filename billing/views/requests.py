"""Plan requests: the coach's list (pending first) with approve and decline, the section on
the client's page, and the client's own request and withdrawal in the portal."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from mecto.errors import DomainError
from mecto.permissions import ClientRequiredMixin, MemberRequiredMixin

from .. import selectors, services
from ..forms import DeclineRequestForm, PlanRequestForm
from ..models import PlanRequest

PAGE_SIZE = 25


def plan_request_list(*, organization, client=None):
    """Pending first (oldest first, they waited longest), then the answered ones, newest first."""
    rows = PlanRequest.objects.for_org(organization).select_related("client", "plan", "invoice", "decided_by")
    if client is not None:
        rows = rows.filter(client=client)
    pending_first = Case(
        When(status=PlanRequest.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return rows.annotate(pending_first=pending_first).order_by("pending_first", "-created_at", "-id")


def _back(request, plan_request):
    if request.POST.get("next") == "client":
        return redirect("clients:detail", plan_request.client_id)
    return redirect("billing:plan_requests")


class PlanRequestListView(MemberRequiredMixin, View):
    required_capability = "billing.view"

    def get(self, request):
        org = request.tenant.organization
        page = Paginator(plan_request_list(organization=org), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "billing/plan_requests.html",
            {
                "page": page,
                "pending_count": PlanRequest.objects.for_org(org).pending().count(),
                "decline_form": DeclineRequestForm(),
                "takes_card_payments": services.billing_settings(org).takes_card_payments,
                "tab": "requests",
            },
        )


class PlanRequestActionView(MemberRequiredMixin, View):
    required_capability = "billing.manage"

    def post(self, request, pk):
        plan_request = get_object_or_404(PlanRequest.objects.for_org(request.tenant.organization), pk=pk)
        action = request.POST.get("action")
        try:
            if action == "approve":
                plan_request = services.approve_plan_request(plan_request=plan_request, actor=request.user)
                if plan_request.coupon_dropped:
                    messages.warning(
                        request,
                        _("The client's code %(code)s no longer applies (%(why)s): invoiced without it.")
                        % {"code": plan_request.coupon_code, "why": plan_request.coupon_dropped},
                    )
                if plan_request.invoice:
                    messages.success(
                        request,
                        _("Approved: invoice %(number)s was issued and emailed to %(name)s.")
                        % {"number": plan_request.invoice.number, "name": plan_request.client.full_name},
                    )
                else:
                    messages.success(request, _("Approved: the membership started with its free trial."))
            elif action == "decline":
                form = DeclineRequestForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Tell the client why you decline the request."))
                    return _back(request, plan_request)
                services.decline_plan_request(
                    plan_request=plan_request, reason=form.cleaned_data["reason"], actor=request.user
                )
                messages.success(
                    request, _("Declined; %(name)s was told why.") % {"name": plan_request.client.full_name}
                )
            else:
                messages.error(request, _("Unknown action."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return _back(request, plan_request)


def client_plan_requests_section(request, client):
    """The client page's "Plan requests" section (only when there are any)."""
    tenant = request.tenant
    if not tenant.is_member or not tenant.can("billing.view"):
        return None
    rows = list(plan_request_list(organization=tenant.organization, client=client)[:5])
    if not rows:
        return None
    return (
        "billing/_client_plan_requests.html",
        {"plan_requests": rows, "decline_form": DeclineRequestForm(), "can_manage": tenant.can("billing.manage")},
    )


# --- The client's own ------------------------------------------------------------------------------------
class PortalRequestPlanView(ClientRequiredMixin, View):
    feature = "billing"

    def post(self, request, public_id):
        client = request.tenant.client
        plan = get_object_or_404(selectors.plans_on_sale(organization=client.organization), public_id=public_id)
        form = PlanRequestForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
            return redirect("billing:portal")
        try:
            services.request_plan(
                client=client,
                plan=plan,
                message=form.cleaned_data["message"],
                coupon_code=form.cleaned_data["coupon_code"],
                actor=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Your coach has your request for %(plan)s and will send the invoice.") % {"plan": plan.name}
            )
        return redirect(reverse("billing:portal") + "#requests")


class PortalCancelRequestView(ClientRequiredMixin, View):
    feature = "billing"

    def post(self, request, public_id):
        client = request.tenant.client
        plan_request = get_object_or_404(
            PlanRequest.objects.for_org(client.organization).filter(client=client), public_id=public_id
        )
        try:
            services.cancel_plan_request(plan_request=plan_request, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your request was withdrawn."))
        return redirect("billing:portal")
