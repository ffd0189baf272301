"""Segment pages: the list of saved segments with their counts, the builder (rule rows with a
live count as the coach edits), and deleting one no campaign uses."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Membership
from clients.models import Tag
from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.permissions import MemberRequiredMixin

from .. import segments as engine
from ..forms_segments import SegmentForm
from ..models import Segment
from ..services import segments as services

CAPABILITY = "marketing.manage"
PAGE_SIZE = 20
SAMPLE_SIZE = 5


class _Segments(MemberRequiredMixin, View):
    required_capability = CAPABILITY

    @property
    def organization(self):
        return self.request.tenant.organization

    def get_segment(self, pk) -> Segment:
        return get_object_or_404(Segment.objects.for_org(self.organization), pk=pk)


class SegmentListView(_Segments):
    def get(self, request):
        segments = Segment.objects.for_org(self.organization).order_by("name", "id")
        page = Paginator(segments, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = []
        for segment in page.object_list:  # one count query per segment, at most PAGE_SIZE
            try:
                total = engine.evaluate(segment.organization, segment.rules, segment.match).count()
            except DomainError:
                total = None  # a rule that no longer validates (a tag was deleted): shown as such
            rows.append({"segment": segment, "count": total, "summary": engine.describe(segment.rules)})
        return render(
            request,
            "marketing/segment_list.html",
            {"tab": "segments", "rows": rows, "page_obj": page, "is_paginated": page.has_other_pages()},
        )


def _editor_context(organization) -> dict:
    tags = [{"value": t.pk, "label": t.name} for t in Tag.objects.for_org(organization).order_by("name")]
    coaches = [
        {"value": m.user_id, "label": m.user.get_full_name() or m.user.email}
        for m in Membership.objects.for_org(organization).filter(is_active=True).select_related("user")
    ]
    return {"fields": engine.fields_registry(), "tags": tags, "coaches": coaches}


class SegmentEditView(_Segments):
    """New (no pk) or existing segment: the builder."""

    def get(self, request, pk=None):
        segment = self.get_segment(pk) if pk else None
        initial = {"match": "all", "rules": "[]"}
        if segment:
            initial = {
                "name": segment.name,
                "description": segment.description,
                "match": segment.match,
                "rules": json.dumps(segment.rules),
            }
        return self._render(SegmentForm(initial=initial), segment)

    def post(self, request, pk=None):
        segment = self.get_segment(pk) if pk else None
        form = SegmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if segment:
                    segment = services.update_segment(segment=segment, actor=request.user, **data)
                else:
                    segment = services.create_segment(organization=self.organization, actor=request.user, **data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
                return redirect("marketing:segments")
        return self._render(form, segment, status=400)

    def _render(self, form, segment, status=200):
        context = {"tab": "segments", "form": form, "segment": segment, "editor": _editor_context(self.organization)}
        return render(self.request, "marketing/segment_form.html", context, status=status)


class SegmentCountView(_Segments):
    """POST rules (JSON) and match: {count, sample} or {error}. The builder's live count."""

    def post(self, request):
        try:
            rules = json.loads(request.POST.get("rules") or "[]")
        except ValueError:
            return JsonResponse({"error": _("The rules could not be read.")}, status=400)
        try:
            total, clients = engine.sample(
                self.organization, rules, request.POST.get("match") or "all", limit=SAMPLE_SIZE
            )
        except DomainError as exc:
            return JsonResponse({"error": exc.message}, status=400)
        return JsonResponse({"count": total, "sample": [c.full_name for c in clients]})


class SegmentDeleteView(_Segments):
    def get(self, request, pk):
        segment = self.get_segment(pk)
        return render(
            request,
            "marketing/segment_confirm_delete.html",
            {
                "tab": "segments",
                "segment": segment,
                "campaigns": list(segment.campaigns.values_list("name", flat=True)[:5]),
            },
        )

    def post(self, request, pk):
        segment = self.get_segment(pk)
        try:
            services.delete_segment(segment=segment, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Segment deleted."))
        return redirect("marketing:segments")
