"""Pages without a login, addressed only by unguessable tokens: the intake form a prospect
fills in through its public link, the single-use link a client receives, and the thank-you
page."""

from django import forms as django_forms
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.models import Organization
from mecto import optin
from mecto.branding import brand_for
from mecto.crypto import hash_token
from mecto.errors import DomainError
from mecto.language import speak_for

from .. import selectors, services
from ..forms import IntakeContactForm, answers_form
from ..models import IntakeForm, IntakeRequest, IntakeSubmission, WaiverDocument, WaiverSignature
from .waivers import client_ip as waiver_ip
from .waivers import user_agent

PUBLIC_SUBMISSIONS_PER_HOUR = 20


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _sections_with_fields(form, questions):
    sections, by_id = [], {}
    for q in questions:
        if q.section_id not in by_id:
            by_id[q.section_id] = {"section": q.section, "fields": []}
            sections.append(by_id[q.section_id])
        by_id[q.section_id]["fields"].append(form[q.key])
    return sections


class IntakeConsentForm(django_forms.Form):
    """The business's current consent and waivers on the intake: consent to process health
    data must be given before any answer is stored; waivers can be signed here too."""

    signature_name = django_forms.CharField(
        label=gettext_lazy("Your full name, as your signature"), max_length=160, required=False
    )

    def __init__(self, *args, versions, **kwargs):
        kwargs.setdefault("prefix", "consent")
        super().__init__(*args, **kwargs)
        self.versions = versions
        for version in versions:
            health = version.document.kind == WaiverDocument.Kind.HEALTH_CONSENT
            field = django_forms.BooleanField(
                required=health,
                label=_("I agree to “%(title)s”") % {"title": version.title},
                error_messages={"required": _("Your consent is needed before we can store your health answers.")},
            )
            field.version = version
            self.fields[f"agree_{version.pk}"] = field

    def agreed_versions(self) -> list:
        return [v for v in self.versions if self.cleaned_data.get(f"agree_{v.pk}")]

    def clean(self):
        data = super().clean()
        agreed = any(data.get(f"agree_{v.pk}") for v in self.versions)
        if agreed and len(" ".join((data.get("signature_name") or "").split())) < 2:
            self.add_error("signature_name", _("Type your full name to sign."))
        return data


def _consent_versions(organization) -> list:
    return selectors.current_waiver_versions(organization=organization)


class PublicIntakeView(View):
    """A prospect fills in a form through its public link (or a client through a sent link)."""

    template_name = "clients/public_intake.html"

    def get_target(self, token):
        """(form, intake request or None); 404 for an unknown, revoked or archived link."""
        form = IntakeForm.objects.select_related("organization").filter(public_token_hash=hash_token(token)).first()
        if form is None or not form.is_public or form.is_archived or not form.organization.is_active:
            raise Http404
        return form, None

    def render_page(self, request, form, intake_request, answers, contact, status=200, consent=None):
        speak_for(request, form.organization, client_id=intake_request.client_id if intake_request else None)
        questions = list(selectors.form_questions(form=form))
        if consent is None:
            versions = _consent_versions(form.organization)
            consent = IntakeConsentForm(versions=versions) if versions else None
        return render(
            request,
            self.template_name,
            {
                "intake_form": form,
                "intake_request": intake_request,
                "sections": _sections_with_fields(answers, questions),
                "answers": answers,
                "contact": contact,
                "brand": brand_for(form.organization),
                "public_org": form.organization,
                "consent": consent,
            },
            status=status,
        )

    def get(self, request, token):
        form, intake_request = self.get_target(token)
        if intake_request is not None and not intake_request.is_open:
            return render(request, "clients/public_intake_done.html", {"brand": brand_for(form.organization)})
        questions = list(selectors.form_questions(form=form))
        contact = IntakeContactForm(email_wording=optin.wording(form.organization)) if intake_request is None else None
        return self.render_page(request, form, intake_request, answers_form(questions), contact)

    def post(self, request, token):
        form, intake_request = self.get_target(token)
        if intake_request is not None and not intake_request.is_open:
            return render(request, "clients/public_intake_done.html", {"brand": brand_for(form.organization)})
        questions = list(selectors.form_questions(form=form))
        answers = answers_form(questions, data=request.POST)
        contact = None
        if intake_request is None:
            # The wording of the version the page showed is the one recorded.
            shown = optin.wording(form.organization, version_id=request.POST.get("email_wording"))
            contact = IntakeContactForm(request.POST, email_wording=shown)
        versions = _consent_versions(form.organization)
        consent = IntakeConsentForm(request.POST, versions=versions) if versions else None
        valid = answers.is_valid() & (contact is None or contact.is_valid()) & (consent is None or consent.is_valid())
        if answers.is_valid():
            # The service's own checks (ranges, choices) shown beside each question at once.
            try:
                services.clean_answers(questions=questions, raw=dict(answers.cleaned_data))
            except services.IntakeAnswersError as exc:
                for key, message in exc.errors.items():
                    if key in answers.fields:
                        answers.add_error(key, message)
                valid = False
        if contact is not None and contact.is_valid() and contact.cleaned_data.get("website"):
            # Only bots fill the hidden field: pretend success and store nothing.
            return redirect("clients:intake_thanks")
        if valid and intake_request is None and not self._allow(request, form):
            contact.add_error(None, _("Too many forms were sent from your connection. Try again in an hour."))
            valid = False
        if valid:
            raw = dict(answers.cleaned_data)
            try:
                with transaction.atomic():
                    submission = services.submit_intake(
                        form=form,
                        answers=raw,
                        contact=contact.cleaned_data if contact is not None else None,
                        intake_request=intake_request,
                        source=IntakeSubmission.Source.REQUEST
                        if intake_request
                        else IntakeSubmission.Source.PUBLIC_LINK,
                        consents={
                            "email": contact.cleaned_data.get("email_consent"),
                            "email_wording": shown.id if shown else None,
                            "sms": contact.cleaned_data.get("sms_consent"),
                        }
                        if contact is not None
                        else None,
                    )
                    self._sign(request, submission, consent)
            except services.IntakeAnswersError as exc:
                for key, message in exc.errors.items():
                    target = answers if key in answers.fields else contact
                    if target is not None and key in target.fields:
                        target.add_error(key, message)
                    elif contact is not None:
                        contact.add_error(None, message)
            except DomainError as exc:
                (contact or answers).add_error(None, exc.message)
            else:
                # The thank-you page carries the business's brand, not the platform's.
                request.session["intake_thanks_org"] = form.organization_id
                return redirect("clients:intake_thanks")
        return self.render_page(request, form, intake_request, answers, contact, status=400, consent=consent)

    def _sign(self, request, submission, consent) -> None:
        """Record what was agreed as signatures of the exact versions shown, in the same
        transaction as the answers. An unverified submission (someone typed an existing
        client's email) signs nothing in that client's name."""
        if consent is None or submission.review != IntakeSubmission.Review.ACCEPTED:
            return
        for version in consent.agreed_versions():
            services.sign_waiver(
                client=submission.client,
                version=version,
                typed_name=consent.cleaned_data["signature_name"],
                ip_address=waiver_ip(request),
                user_agent=user_agent(request),
                source=WaiverSignature.Source.PUBLIC_INTAKE,
            )

    def _allow(self, request, form) -> bool:
        key = f"intake-submit:{form.pk}:{_client_ip(request)}"
        count = cache.get(key, 0)
        if count >= PUBLIC_SUBMISSIONS_PER_HOUR:
            return False
        cache.set(key, count + 1, 3600)
        return True


class RequestedIntakeView(PublicIntakeView):
    """The single-use link an existing client received by email."""

    def get_target(self, token):
        intake_request = (
            IntakeRequest.objects.select_related("form", "client", "organization")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if intake_request is None or intake_request.revoked_at or not intake_request.organization.is_active:
            raise Http404
        return intake_request.form, intake_request


def intake_thanks(request):
    org_id = request.session.get("intake_thanks_org")
    organization = Organization.objects.filter(pk=org_id, is_active=True).first() if org_id else None
    context = {"thanks": True, "public_org": organization}
    if organization is not None:
        context["brand"] = brand_for(organization)
    return render(request, "clients/public_intake_done.html", context)
