"""The link in an invitation email, for anyone holding it, signed in or not."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.tenancy import SESSION_ORG_KEY

from .. import services
from ..forms import AcceptInvitationForm


class AcceptInvitationView(View):
    """The link in every invitation email (team and client portal): set a password (or log in)
    and join."""

    template_name = "accounts/accept_invitation.html"

    def dispatch(self, request, token):
        self.invitation = services.invitation_for_token(token)
        self.kind = services.invitation_kind(self.invitation) if self.invitation is not None else None
        return super().dispatch(request, token)

    def page(self, request, form, status=200):
        context = {"invitation": self.invitation, "intro_template": self.kind.intro_template, "form": form}
        return render(request, self.template_name, context, status=status)

    def get(self, request, token):
        if self.invitation is None:
            return render(request, "accounts/invitation_invalid.html", status=404)
        return self.page(request, AcceptInvitationForm())

    def post(self, request, token):
        if self.invitation is None:
            return render(request, "accounts/invitation_invalid.html", status=404)
        form = AcceptInvitationForm(request.POST) if not request.user.is_authenticated else None
        if form is not None and not form.is_valid():
            return self.page(request, form, status=400)
        try:
            user = services.accept_invitation(
                token=token,
                user=request.user if request.user.is_authenticated else None,
                password=form.cleaned_data["password1"] if form else None,
                full_name=form.cleaned_data["full_name"] if form else "",
            )
        except DomainError as exc:
            form = form or AcceptInvitationForm()
            apply_domain_error(form, exc)
            return self.page(request, form, status=400)
        if not request.user.is_authenticated:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_ORG_KEY] = self.invitation.organization_id
        messages.success(request, _("Welcome to %(org)s.") % {"org": self.invitation.organization.name})
        return redirect(self.kind.next_url_name)
