"""Campaign pages: the list, the form (draft, send now or later), and the detail page
with live progress while it sends and the report afterwards."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.permissions import MemberRequiredMixin

from .. import selectors
from ..forms_campaigns import CampaignForm
from ..models import Campaign
from ..services import campaigns as services

CAPABILITY = "marketing.manage"
FIELD_NAMES = {"send_at": "send_date"}


class CampaignView(MemberRequiredMixin, View):
    required_capability = CAPABILITY

    @property
    def org(self):
        return self.request.tenant.organization

    def get_campaign(self, pk) -> Campaign:
        return get_object_or_404(
            Campaign.objects.for_org(self.org).select_related("segment", "email_template", "sms_template"), pk=pk
        )


class CampaignListView(CampaignView):
    def get(self, request):
        page = Paginator(selectors.campaigns(organization=self.org), 25).get_page(request.GET.get("page"))
        for campaign in page.object_list:
            campaign.progress = selectors.progress_from_counts(campaign)
        return render(request, "marketing/campaign_list.html", {"page": page, "tab": "campaigns"})


class CampaignFormView(CampaignView):
    def get(self, request, pk=None, form=None, status=200):
        campaign = self.get_campaign(pk) if pk else None
        if campaign is not None and campaign.status not in services.EDITABLE:
            return redirect("marketing:campaign_detail", pk=campaign.pk)
        if form is None:
            initial = {}
            if campaign is not None:
                initial = {
                    "name": campaign.name,
                    "segment": campaign.segment_id,
                    "email_template": campaign.email_template_id,
                    "sms_template": campaign.sms_template_id,
                    "rate_per_minute": campaign.rate_per_minute,
                }
                if campaign.scheduled_at:
                    local = campaign.scheduled_at.astimezone(ZoneInfo(self.org.time_zone or "UTC"))
                    initial.update(when="later", send_date=local.date(), send_time=local.time().replace(second=0))
            form = CampaignForm(initial=initial, organization=self.org, time_zone=self.org.time_zone)
        context = {"form": form, "campaign": campaign, "tab": "campaigns"}
        return render(request, "marketing/campaign_form.html", context, status=status)

    def post(self, request, pk=None):
        campaign = self.get_campaign(pk) if pk else None
        form = CampaignForm(request.POST, organization=self.org, time_zone=self.org.time_zone)
        if not form.is_valid():
            return self.get(request, pk, form=form, status=400)
        try:
            with transaction.atomic():  # a refused schedule leaves no half-made campaign
                if campaign is None:
                    campaign = services.create_campaign(
                        organization=self.org, actor=request.user, **form.campaign_fields()
                    )
                else:
                    if campaign.status == Campaign.Status.SCHEDULED and form.cleaned_data["when"] != "later":
                        campaign = services.unschedule_campaign(campaign=campaign, actor=request.user)
                    campaign = services.update_campaign(campaign=campaign, actor=request.user, **form.campaign_fields())
                when = form.cleaned_data["when"]
                if when == "now":
                    services.send_campaign_now(campaign=campaign, actor=request.user)
                    messages.success(request, _("Sending has started."))
                elif when == "later":
                    send_at = services.local_send_at(
                        self.org, form.cleaned_data["send_date"], form.cleaned_data["send_time"]
                    )
                    services.schedule_campaign(campaign=campaign, actor=request.user, send_at=send_at)
                    messages.success(request, _("Campaign scheduled."))
                else:
                    messages.success(request, _("Draft saved."))
        except DomainError as exc:
            apply_domain_error(form, exc, FIELD_NAMES)
            return self.get(request, pk, form=form, status=400)
        return redirect("marketing:campaign_detail", pk=campaign.pk)


class CampaignDetailView(CampaignView):
    ACTIONS = {
        "pause": services.pause_campaign,
        "resume": services.resume_campaign,
        "cancel": services.cancel_campaign,
        "send_now": services.send_campaign_now,
    }

    def get(self, request, pk):
        campaign = self.get_campaign(pk)
        recipients = Paginator(selectors.campaign_recipients(campaign=campaign), 50).get_page(request.GET.get("page"))
        context = {
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign=campaign),
            "report": selectors.campaign_report(campaign=campaign),
            "page": recipients,
            "tab": "campaigns",
        }
        return render(request, "marketing/campaign_detail.html", context)

    def post(self, request, pk):
        campaign = self.get_campaign(pk)
        service = self.ACTIONS.get(request.POST.get("action"))
        if service is None:
            messages.error(request, _("Unknown action."))
        else:
            try:
                service(campaign=campaign, actor=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
        return redirect("marketing:campaign_detail", pk=campaign.pk)


class CampaignProgressView(CampaignView):
    """The progress fragment the detail page polls every 2 s while the campaign sends."""

    def get(self, request, pk):
        campaign = self.get_campaign(pk)
        context = {"campaign": campaign, "progress": selectors.campaign_progress(campaign=campaign)}
        return render(request, "marketing/campaign_progress.html", context)
