"""The coach's pages: calendar, sessions and attendance, booking by hand, services,
weekly hours, policy and credits."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import Organization, User
from clients.models import Client
from mecto.errors import DomainError
from mecto.forms import ServiceFormView, apply_domain_error
from mecto.localization import format_money
from mecto.permissions import MemberRequiredMixin

from .. import selectors, services
from ..forms import (
    CoachProfileForm,
    ExceptionForm,
    GrantCreditsForm,
    ManualBookingForm,
    MoveSessionForm,
    PolicyForm,
    ServiceTypeForm,
    SessionNotesForm,
    WeeklyHoursForm,
)
from ..models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    CoachProfile,
    RecurringSeries,
    ServiceType,
    Session,
)
from ._common import _wall


def _id_param(value) -> int | None:
    """A row id from a query string or form, or None ("²" is a digit to str.isdigit)."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


class CoachPageMixin(MemberRequiredMixin):
    required_capability = "booking.manage"

    @property
    def org(self) -> Organization:
        return self.request.tenant.organization

    def coach_zone(self) -> str:
        profile = selectors.coach_profile(organization=self.org, user=self.request.user)
        return profile.time_zone if profile else self.org.time_zone


class SessionDetailView(CoachPageMixin, View):
    def _session(self, pk) -> Session:
        return get_object_or_404(Session.objects.for_org(self.org).select_related("service", "coach", "series"), pk=pk)

    def _render(self, request, session, *, move_form=None, notes_form=None, status=200):
        tz = ZoneInfo(self.coach_zone())
        bookings = list(session.bookings.select_related("client").order_by("status", "seat"))
        local = _wall(session.start_at, tz)
        return render(
            request,
            "booking/session_detail.html",
            {
                "session": session,
                "bookings": bookings,
                "local_start": local,
                "local_end": _wall(session.end_at, tz),
                "tz_name": tz.key,
                "started": session.start_at <= timezone.now(),
                "move_form": move_form or MoveSessionForm(initial={"date": local.date(), "time": local.time()}),
                "notes_form": notes_form or SessionNotesForm(initial={"notes": session.notes}),
                "attendance_choices": [
                    (Booking.Attendance.ATTENDED, _("Attended")),
                    (Booking.Attendance.NO_SHOW, _("No-show")),
                    (Booking.Attendance.LATE_CANCEL, _("Late cancel")),
                ],
            },
            status=status,
        )

    def get(self, request, pk):
        return self._render(request, self._session(pk))

    def post(self, request, pk):
        session = self._session(pk)
        action = request.POST.get("action")
        try:
            if action == "notes":
                form = SessionNotesForm(request.POST)
                if form.is_valid():
                    services.update_session(session=session, actor=request.user, notes=form.cleaned_data["notes"])
                    messages.success(request, _("Notes saved."))
                    return redirect("booking:session", pk=session.pk)
                return self._render(request, session, notes_form=form, status=400)
            if action == "move":
                form = MoveSessionForm(request.POST)
                if form.is_valid():
                    try:
                        start = services.local_start(
                            day=form.cleaned_data["date"], at=form.cleaned_data["time"], time_zone=self.coach_zone()
                        )
                        services.update_session(
                            session=session,
                            actor=request.user,
                            start_at=start,
                            check_availability=not form.cleaned_data["anyway"],
                        )
                    except DomainError as exc:
                        apply_domain_error(form, exc)
                    else:
                        messages.success(request, _("Session moved; clients were told."))
                        return redirect("booking:session", pk=session.pk)
                return self._render(request, session, move_form=form, status=400)
            if action == "cancel_series" and session.series_id:
                count = services.cancel_series(
                    series=session.series, actor=request.user, from_date=session.start_at.date()
                )
                messages.success(request, _("%(n)s upcoming sessions of the series cancelled.") % {"n": count})
                return redirect("booking:calendar")
            if action == "cancel":
                services.cancel_session(session=session, actor=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, _("Session cancelled; clients were told and credits returned."))
                return redirect("booking:calendar")
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("booking:session", pk=session.pk)
        raise Http404


class AttendanceView(CoachPageMixin, View):
    def post(self, request, public_id):
        booking = get_object_or_404(Booking.objects.for_org(self.org), public_id=public_id)
        try:
            services.mark_attendance(booking=booking, attendance=request.POST.get("attendance", ""), actor=request.user)
            messages.success(
                request,
                _("%(name)s marked as %(what)s.")
                % {
                    "name": booking.client.full_name,
                    "what": dict(Booking.Attendance.choices).get(request.POST.get("attendance"), ""),
                },
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(
            request.POST.get("next")
            if _is_local(request.POST.get("next"))
            else reverse("booking:session", args=[booking.session_id])
        )


class CoachCancelBookingView(CoachPageMixin, View):
    def post(self, request, public_id):
        booking = get_object_or_404(Booking.objects.for_org(self.org), public_id=public_id)
        try:
            services.cancel_booking(
                booking=booking,
                actor=request.user,
                by=Booking.CancelledBy.COACH,
                late=False,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("Booking cancelled; %(name)s was told.") % {"name": booking.client.full_name})
        except DomainError as exc:
            messages.error(request, exc.message)
        if _is_local(request.POST.get("next")):
            return redirect(request.POST["next"])
        return redirect("booking:session", pk=booking.session_id)


def _is_local(url: str | None) -> bool:
    return bool(url) and url.startswith("/") and not url.startswith("//")


class ManualBookingView(CoachPageMixin, ServiceFormView):
    template_name = "booking/manual_booking.html"
    form_class = ManualBookingForm

    def get_initial(self):
        initial = {"coach": self.request.user.pk, "repeat_weeks": 1}
        for key in ("client", "service", "coach", "date", "time"):
            if self.request.GET.get(key):
                initial[key] = self.request.GET[key]
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.org}

    def get_context_data(self, **kwargs):
        form = kwargs["form"]
        return super().get_context_data(
            tz_name=self.coach_zone(),
            has_services=form.fields["service"].queryset.exists(),
            has_clients=form.fields["client"].queryset.exists(),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        if data["repeat_weeks"] > 1:
            return services.create_recurring_series(
                service=data["service"],
                coach=data["coach"],
                client=data["client"],
                first_date=data["date"],
                local_time=data["time"],
                weeks=data["repeat_weeks"],
                actor=self.request.user,
            )
        profile = selectors.coach_profile(organization=self.org, user=data["coach"])
        tz_name = profile.time_zone if profile else self.org.time_zone
        return services.book_session(
            service=data["service"],
            coach=data["coach"],
            client=data["client"],
            start_at=services.local_start(day=data["date"], at=data["time"], time_zone=tz_name),
            actor=self.request.user,
            source=Booking.Source.COACH,
        )

    def get_success_message(self, result):
        if isinstance(result, RecurringSeries):
            return _("%(n)s weekly sessions booked for %(name)s.") % {
                "n": result.weeks,
                "name": result.client.full_name,
            }
        return _("Booked %(name)s.") % {"name": result.client.full_name}

    def get_success_url(self, result):
        if isinstance(result, RecurringSeries):
            return f"{reverse('booking:calendar')}?date={result.first_date.isoformat()}"
        return reverse("booking:session", kwargs={"pk": result.session_id})


class ServiceListView(CoachPageMixin, View):
    def get(self, request):
        services_qs = ServiceType.objects.for_org(self.org).prefetch_related("coaches").order_by("-is_active", "name")
        page = Paginator(services_qs, 25).get_page(request.GET.get("page"))
        for service in page.object_list:
            service.price_display = format_money(service.price_minor, service.currency) if service.price_minor else ""
        return render(request, "booking/service_list.html", {"page": page, "org": self.org})


class ServiceEditView(CoachPageMixin, ServiceFormView):
    template_name = "booking/service_form.html"
    form_class = ServiceTypeForm
    error_fields = {"price_minor": "price", "deposit_minor": "deposit"}

    def get_object(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        return get_object_or_404(ServiceType.objects.for_org(self.org), pk=pk)

    def get_initial(self):
        return {} if self.object else {"coaches": [self.request.user.pk]}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.org}

    def get_context_data(self, **kwargs):
        return super().get_context_data(service=self.object, **kwargs)

    def post(self, request, *args, **kwargs):
        # The archive and restore buttons of the edit page act on the service as it is.
        service = self.get_object()
        action = request.POST.get("action")
        if action == "archive" and service is not None:
            services.archive_service_type(service=service, actor=request.user)
            messages.success(request, _("%(name)s is no longer bookable.") % {"name": service.name})
            return redirect("booking:services")
        if action == "restore" and service is not None:
            services.save_service_type(organization=self.org, actor=request.user, service=service, is_active=True)
            messages.success(request, _("%(name)s is bookable again.") % {"name": service.name})
            return redirect("booking:services")
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.save_service_type(
            organization=self.org,
            actor=self.request.user,
            service=self.object,
            coaches=form.cleaned_data["coaches"],
            **form.service_fields(),
        )

    def get_success_message(self, result):
        return _("%(name)s saved.") % {"name": result.name}

    def get_success_url(self, result):
        return reverse("booking:services")


class AvailabilityView(CoachPageMixin, View):
    """A coach's hours, date exceptions, booking settings and calendar feed. Coaches keep
    their own; owners and assistants may open another coach's with ?coach=<id>."""

    def _coach(self, request):
        coach_id = _id_param(request.GET.get("coach") or request.POST.get("coach"))
        if coach_id and coach_id != request.user.pk:
            coach = get_object_or_404(User.objects.for_org(self.org), pk=coach_id)
            if not request.tenant.can("booking.manage_others"):
                raise PermissionDenied
            return coach
        return request.user

    def _render(self, request, coach, status=200, **forms):
        org = self.org
        profile = services.ensure_coach_profile(organization=org, user=coach)
        rules = AvailabilityRule.objects.for_org(org).filter(coach=coach)
        today = timezone.now().astimezone(ZoneInfo(profile.time_zone)).date()
        exceptions = AvailabilityException.objects.for_org(org).filter(coach=coach, date__gte=today)
        feed_url = (
            request.build_absolute_uri(reverse("booking:feed", args=[profile.feed_token])) if profile.feed_token else ""
        )
        return render(
            request,
            "booking/availability.html",
            {
                "coach": coach,
                "profile": profile,
                "coaches": User.objects.for_org(org).order_by("full_name", "email")
                if request.tenant.can("booking.manage_others")
                else [],
                "hours_form": forms.get("hours_form") or WeeklyHoursForm(rules=rules),
                "exception_form": forms.get("exception_form") or ExceptionForm(),
                "profile_form": forms.get("profile_form") or CoachProfileForm(instance=profile),
                "exceptions": exceptions,
                "feed_url": feed_url,
                "page_url": request.build_absolute_uri(reverse("booking:public_coach", args=[org.slug, profile.slug])),
                "org_page_url": request.build_absolute_uri(reverse("booking:public_org", args=[org.slug])),
            },
            status=status,
        )

    def get(self, request):
        return self._render(request, self._coach(request))

    def post(self, request):
        coach = self._coach(request)
        org = self.org
        profile = services.ensure_coach_profile(organization=org, user=coach)
        action = request.POST.get("action")
        back = f"{reverse('booking:availability')}?coach={coach.pk}"
        if action == "hours":
            form = WeeklyHoursForm(request.POST)
            if form.is_valid():
                try:
                    services.set_weekly_hours(
                        organization=org, coach=coach, intervals=form.intervals(), actor=request.user
                    )
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Weekly hours saved."))
                    return redirect(back)
            return self._render(request, coach, status=400, hours_form=form)
        if action == "exception":
            form = ExceptionForm(request.POST)
            if form.is_valid():
                try:
                    services.add_exception(organization=org, coach=coach, actor=request.user, **form.cleaned_data)
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Date exception added."))
                    return redirect(back)
            return self._render(request, coach, status=400, exception_form=form)
        if action == "delete_exception":
            if pk := _id_param(request.POST.get("pk")):
                AvailabilityException.objects.for_org(org).filter(coach=coach, pk=pk).delete()
            messages.success(request, _("Date exception removed."))
            return redirect(back)
        if action == "profile":
            form = CoachProfileForm(request.POST, instance=CoachProfile.objects.get(pk=profile.pk))
            if form.is_valid():
                try:
                    services.update_coach_profile(profile=profile, actor=request.user, **form.cleaned_data)
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Booking settings saved."))
                    return redirect(back)
            return self._render(request, coach, status=400, profile_form=form)
        if action == "rotate_feed":
            services.rotate_feed_token(profile=profile)
            messages.success(request, _("New calendar feed address made; the old one no longer works."))
            return redirect(back)
        if action == "revoke_feed":
            services.revoke_feed_token(profile=profile)
            messages.success(request, _("Calendar feed turned off."))
            return redirect(back)
        raise Http404


class PolicyView(MemberRequiredMixin, ServiceFormView):
    required_capability = "org.manage"
    template_name = "booking/policy.html"
    form_class = PolicyForm
    error_fields = {"reminder_offsets_minutes": "reminders", "late_cancel_fee_minor": "late_cancel_fee"}

    def get_object(self):
        return selectors.policy_for(self.request.tenant.organization)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "currency": self.request.tenant.organization.currency}

    def perform(self, form):
        return services.update_policy(
            organization=self.request.tenant.organization, actor=self.request.user, **form.policy_fields()
        )

    def get_success_message(self, result):
        return _("Booking policy saved.")

    def get_success_url(self, result):
        return reverse("booking:policy")


class CreditsView(CoachPageMixin, ServiceFormView):
    """A client's package credits: balance, ledger, and a grant by hand."""

    template_name = "booking/credits.html"
    form_class = GrantCreditsForm

    def get_object(self):
        """The client whose credits the page shows (none picked yet on GET); a grant needs one."""
        client = None
        if pk := _id_param(self.request.GET.get("client") or self.request.POST.get("client")):
            client = get_object_or_404(Client.objects.for_org(self.org), pk=pk)
        if client is None and self.request.method == "POST":
            raise Http404
        return client

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            kwargs["today"] = timezone.now().astimezone(ZoneInfo(self.org.time_zone)).date()
        return kwargs

    def get_context_data(self, **kwargs):
        client = self.object
        context = {"clients": Client.objects.for_org(self.org).order_by("first_name", "last_name"), "client": client}
        if client is not None:
            context["balance"] = selectors.credit_balance(client=client)
            context["entries"] = selectors.credit_entries(client=client)[:100]
            context["grants"] = selectors.credit_grants(client=client)[:50]
            context["now"] = timezone.now()
        return super().get_context_data(**context, **kwargs)

    def perform(self, form):
        expires = form.cleaned_data["expires_on"]
        return services.grant_credits(
            client=self.object,
            quantity=form.cleaned_data["quantity"],
            source_ref=f"manual:{self.request.user.pk}:{timezone.now().timestamp()}",
            expires_at=datetime.combine(expires, datetime.max.time(), tzinfo=ZoneInfo(self.org.time_zone))
            if expires
            else None,
            reason=form.cleaned_data["reason"],
            actor=self.request.user,
        )

    def get_success_message(self, result):
        return _("Credits granted.")

    def get_success_url(self, result):
        return f"{reverse('booking:credits')}?client={self.object.pk}"
