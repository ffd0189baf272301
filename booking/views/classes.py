"""Class pages: the coach's timetable, a class's form and one occurrence's roster; the public
list of upcoming classes and its booking form; the portal's classes; the offer link of emails."""

from __future__ import annotations

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from mecto.errors import DomainError
from mecto.forms import ServiceFormView, apply_domain_error
from mecto.permissions import ClientRequiredMixin

from .. import selectors_classes, services
from ..forms_classes import ClassCancelForm, ClassCapacityForm, ClassDetailsForm, GroupClassForm
from ..models import Booking, GroupClass, Session, WaitlistEntry
from ..tokens import check_offer_token
from ._common import _wall
from .coach import CoachPageMixin
from .public import _portal_client, _public_context, _public_org

DAYS_SHOWN = 14


def _annotate_local(sessions, tz):
    for session in sessions:
        session.local_start = _wall(session.start_at, tz)
        session.local_end = _wall(session.end_at, tz)
        session.ref = f"{session.group_class.public_id}/{session.class_occurrence}"
    return sessions


def _occurrence(org, class_id, occurrence) -> Session:
    """A class occurrence on a client-facing page: by the class's public id and its local start."""
    return get_object_or_404(
        Session.objects.for_org(org).select_related("service", "coach", "group_class", "organization"),
        group_class__public_id=class_id,
        class_occurrence=occurrence,
    )


# --- Coaches ------------------------------------------------------------------------------------------
class ClassTimetableView(CoachPageMixin, View):
    def get(self, request):
        tz = ZoneInfo(self.org.time_zone)
        now = timezone.now()
        upcoming = list(
            selectors_classes.class_sessions(
                organization=self.org, start=now, end=now + timedelta(days=DAYS_SHOWN)
            ).filter(status=Session.Status.SCHEDULED)[:200]
        )
        return render(
            request,
            "booking/classes/timetable.html",
            {
                "classes": list(selectors_classes.timetable(organization=self.org)),
                "upcoming": _annotate_local(upcoming, tz),
                "tz_name": tz.key,
                "days": DAYS_SHOWN,
            },
        )


class GroupClassEditView(CoachPageMixin, ServiceFormView):
    template_name = "booking/classes/class_form.html"
    form_class = GroupClassForm
    error_fields = {"weekly_times": "weekdays"}

    def get_object(self):
        pk = self.kwargs.get("pk")
        return None if pk is None else get_object_or_404(GroupClass.objects.for_org(self.org), pk=pk)

    def get_initial(self):
        if self.object:
            return {}
        return {
            "coach": self.request.user.pk,
            "starts_on": timezone.now().astimezone(ZoneInfo(self.org.time_zone)).date(),
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.org}

    def get_context_data(self, **kwargs):
        return super().get_context_data(group_class=self.object, tz_name=self.org.time_zone, **kwargs)

    def post(self, request, *args, **kwargs):
        group_class = self.get_object()
        if request.POST.get("action") == "archive" and group_class is not None:
            count = services.archive_group_class(group_class=group_class, actor=request.user)
            messages.success(
                request,
                _("%(name)s is off the timetable; %(n)s upcoming classes were cancelled and everyone told.")
                % {"name": group_class.name, "n": count},
            )
            return redirect("booking:classes")
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        fields = form.class_fields()
        if self.object is None:
            fields["is_active"] = True
        return services.save_group_class(
            organization=self.org, actor=self.request.user, group_class=self.object, **fields
        )

    def get_success_message(self, result):
        return _("%(name)s saved; its classes for the next weeks are on the calendar.") % {"name": result.name}

    def get_success_url(self, result):
        return reverse("booking:classes")


class ClassSessionView(CoachPageMixin, View):
    """One occurrence's roster: who is booked (attendance), the waitlist and pending offers."""

    def _session(self, pk) -> Session:
        return get_object_or_404(Session.objects.for_org(self.org).filter(group_class__isnull=False), pk=pk)

    def _render(self, request, session, *, capacity_form=None, cancel_form=None, status=200):
        session = selectors_classes.roster(session=session)
        tz = ZoneInfo(self.org.time_zone)
        for entry in session.queue:
            entry.local_expires = _wall(entry.offer_expires_at, tz) if entry.offer_expires_at else None
        return render(
            request,
            "booking/classes/roster.html",
            {
                "session": session,
                "local_start": _wall(session.start_at, tz),
                "local_end": _wall(session.end_at, tz),
                "tz_name": tz.key,
                "started": session.start_at <= timezone.now(),
                "queue": session.queue,
                "bookings": session.active_bookings,
                "here": request.path,
                "capacity_form": capacity_form or ClassCapacityForm(initial={"capacity": session.capacity}),
                "cancel_form": cancel_form or ClassCancelForm(),
                "attendance_choices": [
                    (Booking.Attendance.ATTENDED, _("Attended")),
                    (Booking.Attendance.NO_SHOW, _("No-show")),
                ],
            },
            status=status,
        )

    def get(self, request, pk):
        return self._render(request, self._session(pk))

    def post(self, request, pk):
        session = self._session(pk)
        action = request.POST.get("action")
        if action == "capacity":
            form = ClassCapacityForm(request.POST)
            if form.is_valid():
                try:
                    services.set_class_capacity(
                        session=session, capacity=form.cleaned_data["capacity"], actor=request.user
                    )
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Places saved; new ones were offered to the waitlist."))
                    return redirect("booking:class_session", pk=session.pk)
            return self._render(request, session, capacity_form=form, status=400)
        if action == "cancel":
            form = ClassCancelForm(request.POST)
            if form.is_valid():
                services.cancel_class_session(session=session, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Class cancelled; everyone booked or waiting was told."))
                return redirect("booking:class_session", pk=session.pk)
            return self._render(request, session, cancel_form=form, status=400)
        return self._render(request, session, status=400)


# --- Public pages -----------------------------------------------------------------------------------
def public_classes(request, org_slug):
    """Upcoming classes of a business with their places left; each links to its booking form."""
    org = _public_org(org_slug)
    tz = ZoneInfo(org.time_zone)
    now = timezone.now()
    sessions = list(
        selectors_classes.class_sessions(
            organization=org, start=now, end=now + timedelta(days=DAYS_SHOWN), public_only=True
        )[:200]
    )
    return render(
        request,
        "booking/classes/public_list.html",
        _public_context(request, org, sessions=_annotate_local(sessions, tz), tz_name=tz.key, days=DAYS_SHOWN),
    )


def public_class_book(request, org_slug, class_id, occurrence):
    org = _public_org(org_slug)
    session = _occurrence(org, class_id, occurrence)
    if session.status != Session.Status.SCHEDULED or not session.service.is_public:
        raise Http404
    portal_client = _portal_client(request, org)
    if portal_client is not None:
        return redirect("booking:portal_classes")
    [session] = _annotate_local(
        list(selectors_classes.class_sessions(organization=org).filter(pk=session.pk)), ZoneInfo(org.time_zone)
    )
    form = ClassDetailsForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = services.book_class_from_public_page(
                    session=session, join_waitlist=session.places_left <= 0, **form.cleaned_data
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                context = _public_context(request, org, session=session, result=result)
                if isinstance(result, WaitlistEntry):
                    context["position"] = services.waitlist_position(result)
                return render(request, "booking/classes/public_done.html", context)
    return render(
        request,
        "booking/classes/public_book.html",
        _public_context(request, org, session=session, form=form, tz_name=org.time_zone),
        status=status,
    )


def class_offer(request, public_id, token):
    """The link of an offer email: shows the held place; one click (a POST) books it."""
    if not check_offer_token(public_id, token):
        raise Http404
    entry = get_object_or_404(
        WaitlistEntry.objects.select_related(
            "session", "session__group_class", "session__service", "client", "organization"
        ),
        public_id=public_id,
    )
    org = entry.organization
    tz = ZoneInfo(entry.client.time_zone or org.time_zone)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            services.confirm_offer(entry=entry, source=Booking.Source.PUBLIC_PAGE)
        except DomainError as exc:
            error, status = exc.message, 400
        entry.refresh_from_db()
    from mecto.branding import brand_for

    return render(
        request,
        "booking/classes/offer.html",
        {
            "org": org,
            "brand": brand_for(org),
            "base_template": "booking/public/base.html",
            "entry": entry,
            "session": entry.session,
            "local_start": _wall(entry.session.start_at, tz),
            "local_expires": _wall(entry.offer_expires_at, tz) if entry.offer_expires_at else None,
            "is_open": entry.status == WaitlistEntry.Status.OFFERED
            and entry.offer_expires_at is not None
            and entry.offer_expires_at > timezone.now(),
            "error": error,
            "tz_name": tz.key,
        },
        status=status,
    )


# --- Portal -----------------------------------------------------------------------------------------
class PortalClassesView(ClientRequiredMixin, View):
    """The client's classes: book a place, join or leave a waitlist, take an offered place."""

    feature = "booking"

    def get(self, request, status=200):
        client = request.tenant.client
        org = client.organization
        tz = ZoneInfo(client.time_zone or org.time_zone)
        now = timezone.now()
        sessions = list(
            selectors_classes.class_sessions(
                organization=org, start=now, end=now + timedelta(days=DAYS_SHOWN), public_only=True
            )[:200]
        )
        places = selectors_classes.client_places(client=client, session_ids=[s.pk for s in sessions])
        for session in sessions:
            session.mine = places.get(session.pk)
            entry = session.mine.entry if session.mine else None
            session.offer_until = _wall(entry.offer_expires_at, tz) if entry and entry.offer_expires_at else None
        return render(
            request,
            "booking/classes/portal.html",
            {"sessions": _annotate_local(sessions, tz), "tz_name": tz.key, "days": DAYS_SHOWN},
            status=status,
        )

    def post(self, request):
        client = request.tenant.client
        ref = request.POST.get("session", "")
        class_id, _sep, occurrence = ref.partition("/")
        try:
            session = _occurrence(client.organization, uuid.UUID(class_id), occurrence)
        except (Http404, ValueError):  # a malformed id is a missing class, never a 500
            session = None
        if session is None:
            messages.error(request, _("That class is not on the timetable any more."))
            return self.get(request, status=400)
        action = request.POST.get("action")
        try:
            if action == "book":
                result = services.book_class(
                    session=session, client=client, actor=request.user, source=Booking.Source.APP, join_waitlist=True
                )
                if isinstance(result, WaitlistEntry):
                    messages.success(
                        request,
                        _("The class is full: you are number %(n)s on the waitlist.")
                        % {"n": services.waitlist_position(result)},
                    )
                else:
                    messages.success(request, _("Booked. See you there!"))
            elif action in ("leave", "confirm"):
                entry = session.waitlist_entries.in_line().filter(client=client).first()
                if entry is None:
                    raise DomainError(_("You are not on the waitlist of this class."))
                if action == "leave":
                    services.leave_waitlist(entry=entry, actor=request.user)
                    messages.success(request, _("You left the waitlist."))
                else:
                    services.confirm_offer(entry=entry, actor=request.user, source=Booking.Source.APP)
                    messages.success(request, _("Booked. See you there!"))
            else:
                raise DomainError(_("Choose what to do."))
        except DomainError as exc:
            messages.error(request, exc.message)
            return self.get(request, status=400)
        return redirect("booking:portal_classes")
