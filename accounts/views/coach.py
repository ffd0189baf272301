"""Pages for the business side of accounts: team, invitations, organisation settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from mecto.errors import DomainError
from mecto.forms import ServiceFormView, apply_domain_error
from mecto.permissions import MemberRequiredMixin
from mecto.tenancy import SESSION_ORG_KEY

from .. import selectors, services
from ..forms import (
    CreateOrganizationForm,
    InviteMemberForm,
    MemberRoleForm,
    OrganizationSettingsForm,
)
from ..models import Invitation, Membership


class CreateOrganizationView(LoginRequiredMixin, View):
    """A signed-in person without a business (for example after Google sign-in) creates one."""

    template_name = "accounts/create_organization.html"

    def get(self, request):
        if request.tenant.organization is not None:
            return redirect("dashboard")
        return render(request, self.template_name, {"form": CreateOrganizationForm()})

    def post(self, request):
        form = CreateOrganizationForm(request.POST)
        if form.is_valid():
            try:
                org = services.create_organization(
                    owner=request.user,
                    name=form.cleaned_data["business_name"],
                    time_zone=form.cleaned_data["time_zone"],
                    currency=form.cleaned_data["currency"],
                    unit_system=form.cleaned_data["unit_system"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                request.session[SESSION_ORG_KEY] = org.pk
                return redirect("dashboard")
        return render(request, self.template_name, {"form": form}, status=400)


class OrganizationSettingsView(MemberRequiredMixin, ServiceFormView):
    required_capability = "org.manage"
    template_name = "accounts/org_settings.html"
    form_class = OrganizationSettingsForm

    def get_object(self):
        return self.request.tenant.organization

    def perform(self, form):
        return services.update_organization(organization=self.object, actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, result):
        return _("Settings saved.")

    def get_success_url(self, result):
        return reverse("accounts:org_settings")


class TeamView(MemberRequiredMixin, View):
    """Members, their roles, and pending invitations; owners invite and change roles here."""

    required_capability = "members.manage"
    template_name = "accounts/team.html"

    def context(self, request, form=None):
        org = request.tenant.organization
        return {
            "members": selectors.team_members(organization=org),
            "invitations": selectors.pending_member_invitations(organization=org),
            "form": form or InviteMemberForm(),
            "roles": Membership.Role.choices,
        }

    def get(self, request):
        return render(request, self.template_name, self.context(request))

    def post(self, request):
        form = InviteMemberForm(request.POST)
        if form.is_valid():
            try:
                services.invite_member(
                    organization=request.tenant.organization,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("accounts:team")
        return render(request, self.template_name, self.context(request, form), status=400)


class MemberRoleView(MemberRequiredMixin, View):
    required_capability = "members.manage"

    def post(self, request, pk):
        membership = get_object_or_404(Membership.objects.for_org(request.tenant.organization), pk=pk)
        form = MemberRoleForm(request.POST)
        try:
            if request.POST.get("action") == "remove":
                services.remove_member(membership=membership, actor=request.user)
                messages.success(request, _("%(name)s was removed from the team.") % {"name": membership.user})
            elif form.is_valid():
                services.change_member_role(membership=membership, role=form.cleaned_data["role"], actor=request.user)
                messages.success(request, _("Role updated."))
            else:
                messages.error(request, _("Choose a valid role."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("accounts:team")


class RevokeInvitationView(MemberRequiredMixin, View):
    required_capability = "members.manage"

    def post(self, request, pk):
        invitation = get_object_or_404(Invitation.objects.for_org(request.tenant.organization), pk=pk)
        try:
            services.revoke_invitation(invitation=invitation, actor=request.user)
            messages.success(request, _("Invitation revoked."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("accounts:team")


@login_required
@require_POST
def switch_organization(request):
    """Members of several businesses choose which one they work in."""
    wanted = request.POST.get("organization")
    if not any(str(m.organization_id) == wanted for m in request.tenant.memberships):
        raise Http404
    request.session[SESSION_ORG_KEY] = int(wanted)
    return HttpResponseRedirect(reverse("dashboard"))
