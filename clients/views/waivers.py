"""Waiver pages: the coach's documents (list, new version, who signed which version), the
client's portal page to sign, and the signing link the booking page gives a visitor."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.models import Organization
from mecto.branding import brand_for
from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.permissions import ClientRequiredMixin, MemberRequiredMixin

from .. import selectors, services
from ..models import Client, WaiverDocument, WaiverSignature


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:400]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=WaiverDocument.Kind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=160)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Exactly what clients read and agree to. Published at once; it cannot be edited later."),
    )
    required_for_booking = forms.BooleanField(
        label=gettext_lazy("Clients must sign it before booking"), required=False, initial=True
    )


class VersionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=160)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy("Publishing a new version asks every client to sign again before their next booking."),
    )


class SignForm(forms.Form):
    """Typed name always (keyboard users need nothing else); a drawn signature optionally."""

    typed_name = forms.CharField(label=gettext_lazy("Your full name"), max_length=160)
    drawn_signature = forms.CharField(required=False, widget=forms.HiddenInput, max_length=140_000)
    agreed = forms.BooleanField(label=gettext_lazy("I have read this and agree"), required=True)

    def __init__(self, *args, version=None, **kwargs):
        kwargs.setdefault("prefix", f"v{version.pk}" if version is not None else None)
        kwargs.setdefault("auto_id", f"sign{version.pk}_%s" if version is not None else "id_%s")
        super().__init__(*args, **kwargs)


def sign_from_form(request, *, client, version, form, source) -> bool:
    if not form.is_valid():
        return False
    try:
        services.sign_waiver(
            client=client,
            version=version,
            typed_name=form.cleaned_data["typed_name"],
            drawn_signature=form.cleaned_data["drawn_signature"],
            agreed=form.cleaned_data["agreed"],
            ip_address=client_ip(request),
            user_agent=user_agent(request),
            source=source,
            actor=request.user if request.user.is_authenticated else None,
        )
    except DomainError as exc:
        apply_domain_error(form, exc)
        return False
    return True


# --- Coach -----------------------------------------------------------------------------------------
class WaiverListView(MemberRequiredMixin, View):
    required_capability = "clients.view"

    def render_page(self, request, form=None, status=200):
        org = request.tenant.organization
        return render(
            request,
            "clients/waivers/list.html",
            {
                "documents": list(selectors.waiver_documents(organization=org, include_archived=True)),
                "form": form or DocumentForm(),
                "can_manage": request.tenant.can("clients.manage"),
            },
            status=status,
        )

    def get(self, request):
        return self.render_page(request)

    def post(self, request):
        if not request.tenant.can("clients.manage"):
            raise Http404
        form = DocumentForm(request.POST)
        if form.is_valid():
            try:
                document = services.create_waiver_document(
                    organization=request.tenant.organization, actor=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Published. Clients are asked to sign it."))
                return redirect("clients:waiver_detail", pk=document.pk)
        return self.render_page(request, form, status=400)


class WaiverDetailView(MemberRequiredMixin, View):
    """A document's versions, a new version, and who signed which version."""

    required_capability = "clients.view"

    def render_page(self, request, document, form=None, status=200):
        versions = list(document.versions.order_by("-version"))
        current = next((v for v in versions if v.published_at), None)
        signatures = list(
            selectors.waiver_signatures(organization=request.tenant.organization, document=document)[:200]
        )
        signed_current = {s.client_id for s in signatures if current and s.version_id == current.pk}
        return render(
            request,
            "clients/waivers/detail.html",
            {
                "document": document,
                "versions": versions,
                "current": current,
                "signatures": signatures,
                "signed_current_count": len(signed_current),
                "form": form
                or VersionForm(
                    initial={
                        "title": current.title if current else document.title,
                        "body": current.body if current else "",
                    }
                ),
                "can_manage": request.tenant.can("clients.manage"),
            },
            status=status,
        )

    def get_document(self, request, pk) -> WaiverDocument:
        return get_object_or_404(WaiverDocument.objects.for_org(request.tenant.organization), pk=pk)

    def get(self, request, pk):
        return self.render_page(request, self.get_document(request, pk))

    def post(self, request, pk):
        if not request.tenant.can("clients.manage"):
            raise Http404
        document = self.get_document(request, pk)
        if request.POST.get("action") == "archive":
            services.archive_waiver_document(document=document, actor=request.user)
            messages.success(request, _("Archived: nobody is asked to sign it any more."))
            return redirect("clients:waivers")
        form = VersionForm(request.POST)
        if form.is_valid():
            try:
                version = services.publish_waiver_version(document=document, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Version %(n)d published. Clients sign it before their next booking.") % {"n": version.version},
                )
                return redirect("clients:waiver_detail", pk=document.pk)
        return self.render_page(request, document, form, status=400)


# --- Client ----------------------------------------------------------------------------------------
def _sign_page(request, *, client, template, source, extra=None, make_client=None):
    """List what the client has to sign and sign one document per post. `client` may be
    unsaved (a visitor of the booking page): `make_client` creates them when they sign."""
    if client.pk:
        to_sign = selectors.waivers_to_sign(client=client)
    else:
        to_sign = selectors.current_waiver_versions(organization=client.organization)
    forms_by_version = {v.pk: SignForm(version=v, initial={"typed_name": client.full_name}) for v in to_sign}
    status = 200
    if request.method == "POST":
        version = next((v for v in to_sign if str(v.pk) == request.POST.get("version")), None)
        if version is None:
            messages.info(request, _("That document is already signed or no longer current."))
            return redirect(request.path)
        form = SignForm(request.POST, version=version)
        if form.is_valid() and not client.pk and make_client is not None:
            client = make_client()
        if sign_from_form(request, client=client, version=version, form=form, source=source):
            messages.success(request, _("Signed “%(title)s”. Thank you.") % {"title": version.title})
            return redirect(request.path)
        forms_by_version[version.pk] = form
        status = 400
    signed = (
        list(selectors.waiver_signatures(organization=client.organization, client=client)[:50]) if client.pk else []
    )
    context = {
        "to_sign": [{"version": v, "form": forms_by_version[v.pk]} for v in to_sign],
        "signed": signed,
        "client": client,
        **(extra or {}),
    }
    return render(request, template, context, status=status)


class PortalWaiversView(ClientRequiredMixin, View):
    def get(self, request):
        return _sign_page(
            request,
            client=request.tenant.client,
            template="clients/waivers/portal.html",
            source=WaiverSignature.Source.PORTAL,
        )

    post = get


class WaiverSignLinkView(View):
    """The link in the booking page's refusal, for a visitor without a portal account: signed
    and dated, it names the business and the email typed there (not verified, and the
    signature says so)."""

    def dispatch(self, request, token):
        found = services.read_signing_token(token)
        if found is None:
            raise Http404
        organization = Organization.objects.filter(pk=found["organization_id"], is_active=True).first()
        if organization is None:
            raise Http404
        client = Client.objects.for_org(organization).filter(email__iexact=found["email"]).first()
        if client is None:  # booked as a new visitor: they become a lead when they sign
            client = Client(
                organization=organization,
                first_name=found["first_name"],
                last_name=found["last_name"],
                email=found["email"],
            )
        return _sign_page(
            request,
            client=client,
            template="clients/waivers/public_sign.html",
            source=WaiverSignature.Source.PUBLIC_LINK,
            extra={"brand": brand_for(organization), "public_org": organization},
            make_client=lambda: services.client_for_signing_link(organization=organization, **found),
        )
