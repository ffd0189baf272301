from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts import services as account_services
from accounts.forms import apply_domain_error
from mecto.errors import DomainError
from mecto.permissions import MemberRequiredMixin

from . import selectors, services
from .forms import ClientForm
from .models import Client


class ClientListView(MemberRequiredMixin, View):
    required_capability = "clients.view"

    def get(self, request):
        org = request.tenant.organization
        search = request.GET.get("q", "").strip()
        status = request.GET.get("status", "")
        qs = selectors.client_list(organization=org, search=search, status=status)
        page = Paginator(qs, 25).get_page(request.GET.get("page"))
        return render(
            request,
            "clients/list.html",
            {
                "page": page,
                "search": search,
                "status": status,
                "statuses": Client.Status.choices,
                "has_any": Client.objects.for_org(org).exists(),
            },
        )


class ClientCreateView(MemberRequiredMixin, View):
    required_capability = "clients.manage"

    def get(self, request):
        return render(request, "clients/form.html", {"form": ClientForm(organization=request.tenant.organization)})

    def post(self, request):
        org = request.tenant.organization
        form = ClientForm(request.POST, organization=org)
        if form.is_valid():
            try:
                client = services.create_client(organization=org, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": client.full_name})
                return redirect("clients:detail", pk=client.pk)
        return render(request, "clients/form.html", {"form": form}, status=400)


class ClientDetailView(MemberRequiredMixin, View):
    required_capability = "clients.view"

    def get(self, request, pk):
        client = get_object_or_404(Client.objects.for_org(request.tenant.organization).select_related("coach"), pk=pk)
        invitation = client.invitations.pending().first()
        return render(request, "clients/detail.html", {"client": client, "pending_invitation": invitation})


class ClientInviteView(MemberRequiredMixin, View):
    required_capability = "clients.manage"

    def post(self, request, pk):
        client = get_object_or_404(Client.objects.for_org(request.tenant.organization), pk=pk)
        try:
            account_services.invite_client(client=client, invited_by=request.user)
            messages.success(request, _("Portal invitation sent to %(email)s.") % {"email": client.email})
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("clients:detail", pk=client.pk)
