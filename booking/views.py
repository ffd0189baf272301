"""Pages: the coach's calendar and settings, the public booking pages, the client's
bookings in the portal, the manage links of emails and the coach's calendar feed."""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.forms import apply_domain_error
from accounts.models import Organization, User
from clients.models import Client
from mecto.branding import brand_for
from mecto.errors import DomainError
from mecto.localization import format_money, time_zone_names
from mecto.permissions import ClientRequiredMixin, MemberRequiredMixin

from . import selectors, services
from .forms import (
    CancelForm,
    CoachProfileForm,
    ExceptionForm,
    GrantCreditsForm,
    ManualBookingForm,
    MoveSessionForm,
    PolicyForm,
    PublicDetailsForm,
    ServiceTypeForm,
    SessionNotesForm,
    WeeklyHoursForm,
)
from .ics import coach_feed
from .models import AvailabilityException, AvailabilityRule, Booking, CoachProfile, ReminderOptOut, ServiceType, Session
from .tokens import manage_token, manage_token_state, read_opt_out_token

DAYS_PER_PAGE = 14
# Days a page may be asked for; beyond them date arithmetic would overflow.
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def _parse_date(value: str | None, default: date) -> date:
    try:
        parsed = date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return parsed if EARLIEST_DAY <= parsed <= LATEST_DAY else default


def _id_param(value) -> int | None:
    """A row id from a query string or form, or None ("²" is a digit to str.isdigit)."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _wall(moment: datetime, tz) -> datetime:
    """Wall-clock time in `tz`, naive, so templates show it as is (they would convert an
    aware datetime back to the active zone)."""
    return moment.astimezone(tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)).replace(tzinfo=None)


def _viewer_zone(request, default: str) -> str:
    tz = request.GET.get("tz") or request.POST.get("tz") or ""
    return tz if tz in set(time_zone_names()) else default


# --- Coach pages --------------------------------------------------------------------------------------
class CoachPageMixin(MemberRequiredMixin):
    required_capability = "booking.manage"

    @property
    def org(self) -> Organization:
        return self.request.tenant.organization

    def coach_zone(self) -> str:
        profile = selectors.coach_profile(organization=self.org, user=self.request.user)
        return profile.time_zone if profile else self.org.time_zone


class CalendarView(CoachPageMixin, View):
    """Day and week views of the business's sessions (one coach or all)."""

    def get(self, request):
        org = self.org
        view = "day" if request.GET.get("view") == "day" else "week"
        tz_name = self.coach_zone()
        tz = ZoneInfo(tz_name)
        today = timezone.now().astimezone(tz).date()
        day = _parse_date(request.GET.get("date"), today)
        coaches = list(User.objects.for_org(org).order_by("full_name", "email"))
        coach_id = _id_param(request.GET.get("coach"))
        if not any(c.pk == coach_id for c in coaches):
            coach_id = None
        first = day if view == "day" else day - timedelta(days=day.weekday())
        days = [first + timedelta(days=i) for i in range(1 if view == "day" else 7)]
        start = selectors.local_day_bounds(days[0], tz_name)[0]
        end = selectors.local_day_bounds(days[-1], tz_name)[1]
        sessions = list(selectors.calendar_sessions(organization=org, start=start, end=end, coach_id=coach_id))
        by_day = {d: [] for d in days}
        for session in sessions:
            local = session.start_at.astimezone(tz)
            session.local_start, session.local_end = _wall(session.start_at, tz), _wall(session.end_at, tz)
            by_day.setdefault(local.date(), []).append(session)
        step = timedelta(days=1 if view == "day" else 7)
        return render(
            request,
            "booking/calendar.html",
            {
                "view": view,
                "days": [(d, by_day.get(d, [])) for d in days],
                "day": day,
                "today": today,
                "prev": (first - step).isoformat(),
                "next": (first + step).isoformat(),
                "coaches": coaches,
                "coach_id": coach_id,
                "tz_name": tz_name,
                "has_services": ServiceType.objects.for_org(org).exists(),
                "has_hours": AvailabilityRule.objects.for_org(org).filter(coach=request.user).exists(),
                "attendance_choices": [
                    (Booking.Attendance.ATTENDED, _("Attended")),
                    (Booking.Attendance.NO_SHOW, _("No-show")),
                    (Booking.Attendance.LATE_CANCEL, _("Late cancel")),
                ],
                "now": timezone.now(),
            },
        )


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
                        services.update_session(session=session, actor=request.user, start_at=start)
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
        return redirect("booking:session", pk=booking.session_id)


def _is_local(url: str | None) -> bool:
    return bool(url) and url.startswith("/") and not url.startswith("//")


class ManualBookingView(CoachPageMixin, View):
    def get(self, request):
        initial = {"coach": request.user.pk, "repeat_weeks": 1}
        for key in ("client", "service", "date", "time"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
        form = ManualBookingForm(organization=self.org, initial=initial)
        return self._render(request, form)

    def _render(self, request, form, status=200):
        return render(
            request,
            "booking/manual_booking.html",
            {
                "form": form,
                "tz_name": self.coach_zone(),
                "has_services": form.fields["service"].queryset.exists(),
                "has_clients": form.fields["client"].queryset.exists(),
            },
            status=status,
        )

    def post(self, request):
        form = ManualBookingForm(request.POST, organization=self.org)
        if form.is_valid():
            data = form.cleaned_data
            profile = selectors.coach_profile(organization=self.org, user=data["coach"])
            tz_name = profile.time_zone if profile else self.org.time_zone
            try:
                if data["repeat_weeks"] > 1:
                    series = services.create_recurring_series(
                        service=data["service"],
                        coach=data["coach"],
                        client=data["client"],
                        first_date=data["date"],
                        local_time=data["time"],
                        weeks=data["repeat_weeks"],
                        actor=request.user,
                    )
                    messages.success(
                        request,
                        _("%(n)s weekly sessions booked for %(name)s.")
                        % {"n": series.weeks, "name": data["client"].full_name},
                    )
                    return redirect(f"{reverse('booking:calendar')}?date={data['date'].isoformat()}")
                booking = services.book_session(
                    service=data["service"],
                    coach=data["coach"],
                    client=data["client"],
                    start_at=services.local_start(day=data["date"], at=data["time"], time_zone=tz_name),
                    actor=request.user,
                    source=Booking.Source.COACH,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Booked %(name)s.") % {"name": data["client"].full_name})
                return redirect("booking:session", pk=booking.session_id)
        return self._render(request, form, status=400)


class ServiceListView(CoachPageMixin, View):
    def get(self, request):
        services_qs = ServiceType.objects.for_org(self.org).prefetch_related("coaches").order_by("-is_active", "name")
        page = Paginator(services_qs, 25).get_page(request.GET.get("page"))
        for service in page.object_list:
            service.price_display = format_money(service.price_minor, service.currency) if service.price_minor else ""
        return render(request, "booking/service_list.html", {"page": page, "org": self.org})


class ServiceEditView(CoachPageMixin, View):
    def _service(self, pk):
        if pk is None:
            return None
        return get_object_or_404(ServiceType.objects.for_org(self.org), pk=pk)

    def get(self, request, pk=None):
        service = self._service(pk)
        initial = {} if service else {"coaches": [request.user.pk]}
        form = ServiceTypeForm(instance=service, organization=self.org, initial=initial)
        return render(request, "booking/service_form.html", {"form": form, "service": service})

    def post(self, request, pk=None):
        service = self._service(pk)
        form = ServiceTypeForm(request.POST, instance=service or ServiceType(), organization=self.org)
        if request.POST.get("action") == "archive" and service is not None:
            services.archive_service_type(service=service, actor=request.user)
            messages.success(request, _("%(name)s is no longer bookable.") % {"name": service.name})
            return redirect("booking:services")
        if request.POST.get("action") == "restore" and service is not None:
            services.save_service_type(organization=self.org, actor=request.user, service=service, is_active=True)
            messages.success(request, _("%(name)s is bookable again.") % {"name": service.name})
            return redirect("booking:services")
        if form.is_valid():
            try:
                saved = services.save_service_type(
                    organization=self.org,
                    actor=request.user,
                    service=service,
                    coaches=form.cleaned_data["coaches"],
                    **form.service_fields(),
                )
            except DomainError as exc:
                field = {"price_minor": "price", "deposit_minor": "deposit"}.get(exc.field, exc.field)
                apply_domain_error(form, DomainError(exc.message, field=field))
            else:
                messages.success(request, _("%(name)s saved.") % {"name": saved.name})
                return redirect("booking:services")
        return render(request, "booking/service_form.html", {"form": form, "service": service}, status=400)


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


class PolicyView(MemberRequiredMixin, View):
    required_capability = "org.manage"

    def get(self, request):
        org = request.tenant.organization
        form = PolicyForm(instance=selectors.policy_for(org), currency=org.currency)
        return render(request, "booking/policy.html", {"form": form})

    def post(self, request):
        org = request.tenant.organization
        form = PolicyForm(request.POST, instance=selectors.policy_for(org), currency=org.currency)
        if form.is_valid():
            try:
                services.update_policy(organization=org, actor=request.user, **form.policy_fields())
            except DomainError as exc:
                field = {"reminder_offsets_minutes": "reminders", "late_cancel_fee_minor": "late_cancel_fee"}.get(
                    exc.field, exc.field
                )
                apply_domain_error(form, DomainError(exc.message, field=field))
            else:
                messages.success(request, _("Booking policy saved."))
                return redirect("booking:policy")
        return render(request, "booking/policy.html", {"form": form}, status=400)


class CreditsView(CoachPageMixin, View):
    """A client's package credits: balance, ledger, and a grant by hand."""

    def _render(self, request, client, form=None, status=200):
        clients = Client.objects.for_org(self.org).order_by("first_name", "last_name")
        context = {"clients": clients, "client": client, "form": form or GrantCreditsForm()}
        if client is not None:
            context["balance"] = selectors.credit_balance(client=client)
            context["entries"] = selectors.credit_entries(client=client)[:100]
            context["grants"] = selectors.credit_grants(client=client)[:50]
            context["now"] = timezone.now()
        return render(request, "booking/credits.html", context, status=status)

    def _client(self, request):
        if pk := _id_param(request.GET.get("client") or request.POST.get("client")):
            return get_object_or_404(Client.objects.for_org(self.org), pk=pk)
        return None

    def get(self, request):
        return self._render(request, self._client(request))

    def post(self, request):
        client = self._client(request)
        if client is None:
            raise Http404
        form = GrantCreditsForm(request.POST, today=timezone.now().astimezone(ZoneInfo(self.org.time_zone)).date())
        if form.is_valid():
            expires = form.cleaned_data["expires_on"]
            try:
                services.grant_credits(
                    client=client,
                    quantity=form.cleaned_data["quantity"],
                    source_ref=f"manual:{request.user.pk}:{timezone.now().timestamp()}",
                    expires_at=datetime.combine(expires, datetime.max.time(), tzinfo=ZoneInfo(self.org.time_zone))
                    if expires
                    else None,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Credits granted."))
                return redirect(f"{reverse('booking:credits')}?client={client.pk}")
        return self._render(request, client, form=form, status=400)


# --- Public booking pages --------------------------------------------------------------------------
def _public_org(slug: str) -> Organization:
    org = get_object_or_404(Organization, slug=slug, is_active=True)
    if not selectors.policy_for(org).public_booking_enabled:
        raise Http404
    return org


def _public_context(org, **extra) -> dict:
    return {"org": org, "brand": brand_for(org), "policy": selectors.policy_for(org), **extra}


def public_org_page(request, org_slug):
    org = _public_org(org_slug)
    services_list = list(selectors.public_services(organization=org))
    for service in services_list:
        service.price_display = format_money(service.price_minor, service.currency) if service.price_minor else ""
    return render(
        request,
        "booking/public/org.html",
        _public_context(org, services=services_list, coaches=selectors.public_coaches(organization=org)),
    )


def public_coach_page(request, org_slug, coach_slug):
    org = _public_org(org_slug)
    profile = get_object_or_404(
        CoachProfile.objects.for_org(org).select_related("user"), slug=coach_slug, accepts_bookings=True
    )
    services_list = list(selectors.public_services(organization=org, coach=profile.user))
    for service in services_list:
        service.price_display = format_money(service.price_minor, service.currency) if service.price_minor else ""
    return render(request, "booking/public/org.html", _public_context(org, services=services_list, profile=profile))


def _public_service(org, service_slug) -> ServiceType:
    return get_object_or_404(ServiceType.objects.for_org(org).bookable().filter(is_public=True), slug=service_slug)


def _chosen_coach(request, service) -> CoachProfile | None:
    slug = request.GET.get("coach") or request.POST.get("coach") or ""
    if not slug:
        return None
    for profile in selectors.service_coaches(service=service):
        if profile.slug == slug:
            return profile
    raise Http404


def public_service_days(request, org_slug, service_slug):
    """Step 2: the days with free slots, in the visitor's time zone."""
    org = _public_org(org_slug)
    service = _public_service(org, service_slug)
    coach = _chosen_coach(request, service)
    tz_name = _viewer_zone(request, org.time_zone)
    today = timezone.now().astimezone(ZoneInfo(tz_name)).date()
    first = max(_parse_date(request.GET.get("from"), today), today)
    last = first + timedelta(days=DAYS_PER_PAGE - 1)
    start = selectors.local_day_bounds(first, tz_name)[0]
    end = selectors.local_day_bounds(last, tz_name)[1]
    slots = selectors.open_slots_for_service(
        service=service, start=start, end=end, coach_id=coach.user_id if coach else None
    )
    counts = {d: len(s) for d, s in selectors.slots_by_day(slots, tz_name).items()}
    days = [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(DAYS_PER_PAGE)]
    return render(
        request,
        "booking/public/days.html",
        _public_context(
            org,
            service=service,
            coach=coach,
            coaches=selectors.service_coaches(service=service),
            tz_name=tz_name,
            time_zones=time_zone_names(),
            days=days,
            prev=(first - timedelta(days=DAYS_PER_PAGE)).isoformat() if first > today else "",
            next=(last + timedelta(days=1)).isoformat(),
            any_slots=bool(slots),
        ),
    )


def public_service_slots(request, org_slug, service_slug, day):
    """Step 3: the free slots of one day, in the visitor's time zone."""
    org = _public_org(org_slug)
    service = _public_service(org, service_slug)
    coach = _chosen_coach(request, service)
    tz_name = _viewer_zone(request, org.time_zone)
    try:
        the_day = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    if not EARLIEST_DAY <= the_day <= LATEST_DAY:
        raise Http404
    start, end = selectors.local_day_bounds(the_day, tz_name)
    slots = selectors.open_slots_for_service(
        service=service, start=start, end=end, coach_id=coach.user_id if coach else None
    )
    profiles = {p.user_id: p for p in selectors.service_coaches(service=service)}
    tz = ZoneInfo(tz_name)
    rows = [
        {"slot": s, "local": _wall(s.start, tz), "coach": profiles.get(s.coach_id), "iso": s.start.isoformat()}
        for s in slots
    ]
    return render(
        request,
        "booking/public/slots.html",
        _public_context(
            org, service=service, coach=coach, tz_name=tz_name, day=the_day, rows=rows, show_coach=len(profiles) > 1
        ),
    )


def _parse_start(value: str | None) -> datetime | None:
    try:
        parsed = datetime.fromisoformat((value or "").replace(" ", "+"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def public_book(request, org_slug, service_slug):
    """Steps 4 and 5: the visitor's details and the confirmation of one slot."""
    org = _public_org(org_slug)
    service = _public_service(org, service_slug)
    coach = _chosen_coach(request, service)
    if coach is None:
        raise Http404
    start = _parse_start(request.GET.get("start") or request.POST.get("start"))
    if start is None:
        raise Http404
    tz_name = _viewer_zone(request, org.time_zone)
    now = timezone.now()
    in_range = now < start < now + timedelta(days=366)
    is_open = in_range and any(
        slot.start == start
        for slot in selectors.open_slots(
            service=service, coach_id=coach.user_id, start=start, end=start + timedelta(minutes=1), profile=coach
        )
    )
    if not in_range or (request.method != "POST" and not is_open):
        # An old or edited link: back to the days, rather than a form for a time nobody can book.
        messages.info(request, _("That time is no longer free. Please pick another."))
        days = reverse("booking:public_days", args=[org.slug, service.slug])
        return redirect(f"{days}?{urlencode({'tz': tz_name, 'coach': coach.slug})}")
    form = PublicDetailsForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                booking = services.book_from_public_page(
                    service=service, coach=coach.user, start_at=start, time_zone=tz_name, **form.cleaned_data
                )
            except DomainError as exc:
                apply_domain_error(form, exc if exc.field in form.fields else DomainError(exc.message))
            else:
                if booking.status == Booking.Status.PENDING_PAYMENT and booking.checkout_url:
                    return redirect(booking.checkout_url)
                return redirect(
                    reverse("booking:manage", args=[booking.public_id, manage_token(booking)]) + "?booked=1"
                )
        status = 400
    local = _wall(start, tz_name)
    return render(
        request,
        "booking/public/details.html",
        _public_context(
            org,
            service=service,
            coach=coach,
            tz_name=tz_name,
            start=start,
            local_start=local,
            local_end=_wall(start + timedelta(minutes=service.duration_minutes), tz_name),
            form=form,
            price=format_money(service.price_minor, service.currency) if service.price_minor else "",
            deposit=format_money(service.deposit_minor, service.currency) if service.deposit_minor else "",
        ),
        status=status,
    )


def _manage_link(view):
    """The pages behind the signed link of a booking email: a forged or altered link is a
    404; a genuine one that has expired says so and where to go instead."""

    @functools.wraps(view)
    def wrapped(request, public_id, token):
        booking = selectors.booking_by_public_id(public_id)
        state = manage_token_state(public_id, token, valid_until=booking.session.end_at) if booking else "invalid"
        if state == "invalid":
            raise Http404
        if state == "expired":
            return render(
                request,
                "booking/public/link_expired.html",
                _public_context(booking.organization, max_age_days=settings.BOOKING_MANAGE_LINK_MAX_AGE_DAYS),
                status=410,
            )
        return view(request, booking, token)

    return wrapped


@_manage_link
def manage_booking(request, booking, token):
    """The client's page from the email: details, reschedule and cancel (signed link)."""
    org = booking.organization
    tz_name = booking.client.time_zone or org.time_zone
    tz = ZoneInfo(tz_name)
    now = timezone.now()
    policy = selectors.policy_for(org)
    can_change = booking.is_active and booking.session.start_at > now
    return render(
        request,
        "booking/public/manage.html",
        _public_context(
            org,
            booking=booking,
            session=booking.session,
            token=token,
            local_start=_wall(booking.session.start_at, tz),
            local_end=_wall(booking.session.end_at, tz),
            tz_name=tz_name,
            can_change=can_change,
            is_late=can_change and selectors.is_late_cancel(booking=booking, at=now, policy=policy),
            fee=format_money(policy.late_cancel_fee_minor, booking.currency) if policy.late_cancel_fee_minor else "",
            cancel_form=CancelForm(),
            just_booked=request.GET.get("booked") == "1",
        ),
    )


@_manage_link
def manage_reschedule(request, booking, token):
    """Pick a new time (same service and coach), in the client's zone."""
    org = booking.organization
    session = booking.session
    tz_name = _viewer_zone(request, booking.client.time_zone or org.time_zone)
    manage = reverse("booking:manage", args=[booking.public_id, token])
    if request.method == "POST":
        start = _parse_start(request.POST.get("start"))
        if start is None:
            messages.error(request, _("Pick a time."))
        else:
            try:
                services.reschedule_booking(booking=booking, start_at=start, by_client=True)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Moved. We sent you an updated invite."))
                return redirect(manage)
    now = timezone.now()
    today = now.astimezone(ZoneInfo(tz_name)).date()
    is_late = selectors.is_late_cancel(booking=booking, at=now)
    horizon_start = selectors.local_day_bounds(today, tz_name)[0]
    exclude = session.pk if session.capacity == 1 else None
    all_slots = selectors.open_slots(
        service=session.service,
        coach_id=session.coach_id,
        start=horizon_start,
        end=horizon_start + timedelta(days=DAYS_PER_PAGE * 2),
        exclude_session_id=exclude,
    )
    by_day = selectors.slots_by_day(all_slots, tz_name)
    # Open on the day asked for, else on the first day with free times.
    first_free = min(by_day, default=today)
    the_day = max(_parse_date(request.GET.get("date"), first_free), today)
    tz = ZoneInfo(tz_name)
    rows = [
        {"local": _wall(s.start, tz), "iso": s.start.isoformat()}
        for s in by_day.get(the_day, [])
        if s.start != session.start_at
    ]
    return render(
        request,
        "booking/public/reschedule.html",
        _public_context(
            org,
            booking=booking,
            session=session,
            token=token,
            tz_name=tz_name,
            day=the_day,
            days=sorted(by_day.items())[:DAYS_PER_PAGE],
            rows=rows,
            manage_url=manage,
            local_start=_wall(session.start_at, tz),
            can_change=booking.is_active and session.start_at > now and not is_late,
            is_late=booking.is_active and session.start_at > now and is_late,
        ),
    )


@_manage_link
def manage_cancel(request, booking, token):
    public_id = booking.public_id
    if request.method != "POST":
        return redirect("booking:manage", public_id=public_id, token=token)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        booking = services.cancel_booking(booking=booking, by=Booking.CancelledBy.CLIENT, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if booking.attendance == Booking.Attendance.LATE_CANCEL:
            messages.warning(request, _("Cancelled. This was a late cancel under the business's policy."))
        else:
            messages.success(request, _("Cancelled. We sent you a confirmation."))
    return redirect("booking:manage", public_id=public_id, token=token)


def reminder_opt_out(request, token):
    found = read_opt_out_token(token)
    if found is None:
        raise Http404
    client = get_object_or_404(Client.objects.select_related("organization"), public_id=found[0])
    channel = found[1]
    done = ""
    if request.method == "POST":
        if request.POST.get("action") == "resume":
            services.opt_in_to_reminders(client=client, channel=channel)
            done = "resumed"
        else:
            services.opt_out_of_reminders(client=client, channel=channel)
            done = "stopped"
    opted_out = ReminderOptOut.objects.for_org(client.organization).filter(client=client, channel=channel).exists()
    return render(
        request,
        "booking/public/opt_out.html",
        _public_context(client.organization, client=client, channel=channel, done=done, opted_out=opted_out),
    )


def coach_calendar_feed(request, token):
    """The coach's sessions as an iCalendar feed (secret, revocable address)."""
    if not token or len(token) < 20:
        raise Http404
    profile = get_object_or_404(CoachProfile.objects.select_related("user", "organization"), feed_token=token)
    since = timezone.now() - timedelta(days=30)
    sessions = (
        Session.objects.for_org(profile.organization)
        .scheduled()
        .filter(coach=profile.user, end_at__gte=since)
        .select_related("service")
        .prefetch_related("bookings__client")
        .order_by("start_at")[:2000]
    )
    for session in sessions:
        session._prefetched_objects_cache["bookings"] = [b for b in session.bookings.all() if b.is_active]
    response = HttpResponse(coach_feed(profile, sessions), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Client portal -----------------------------------------------------------------------------------
class PortalBookingsView(ClientRequiredMixin, View):
    def get(self, request):
        client = request.tenant.client
        now = timezone.now()
        bookings = list(selectors.client_bookings(client=client)[:100])
        tz = ZoneInfo(client.time_zone or client.organization.time_zone)
        for booking in bookings:
            booking.local_start = _wall(booking.session.start_at, tz)
            booking.manage_url = reverse("booking:manage", args=[booking.public_id, manage_token(booking)])
        upcoming = [b for b in bookings if b.session.end_at >= now and b.is_active]
        upcoming.sort(key=lambda b: b.session.start_at)
        past = [b for b in bookings if b not in upcoming]
        org = client.organization
        return render(
            request,
            "booking/portal_bookings.html",
            {
                "upcoming": upcoming,
                "past": past,
                "balance": selectors.credit_balance(client=client),
                "book_url": reverse("booking:public_org", args=[org.slug])
                if selectors.policy_for(org).public_booking_enabled
                else "",
            },
        )
