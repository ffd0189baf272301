"""Pages without a login: the public booking pages, the manage and reminder opt-out links
of booking emails, and the coach's calendar feed."""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from clients.models import Client
from mecto import comms, optin
from mecto.branding import brand_for
from mecto.crypto import hash_token
from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.localization import format_money, time_zone_names

from .. import notifications, selectors, services
from ..forms import CancelForm, PortalDetailsForm, PublicDetailsForm
from ..ics import coach_feed
from ..models import Booking, CoachProfile, ServiceType, Session
from ..tokens import manage_token, manage_token_state, read_opt_out_token
from ._common import EARLIEST_DAY, LATEST_DAY, _parse_date, _wall

DAYS_PER_PAGE = 14


def _viewer_zone(request, default: str) -> str:
    tz = request.GET.get("tz") or request.POST.get("tz") or ""
    return tz if tz in set(time_zone_names()) else default


def _public_org(slug: str) -> Organization:
    org = get_object_or_404(Organization, slug=slug, is_active=True)
    if not selectors.policy_for(org).public_booking_enabled:
        raise Http404
    return org


def _portal_client(request, org) -> Client | None:
    """The signed-in portal client of this business, who books inside the portal."""
    tenant = getattr(request, "tenant", None)
    if request.user.is_authenticated and tenant is not None and tenant.is_client and tenant.client is not None:
        return tenant.client if tenant.client.organization_id == org.pk else None
    return None


def _public_context(request, org, **extra) -> dict:
    """The pages' context; a portal client of the business sees them in the portal layout."""
    base = "booking/portal_layout.html" if _portal_client(request, org) else "booking/public/base.html"
    return {"org": org, "brand": brand_for(org), "policy": selectors.policy_for(org), "base_template": base, **extra}


def _visitor_zone(request, org) -> str:
    """The zone the times are shown in: the visitor's pick, else a portal client's own zone."""
    client = _portal_client(request, org)
    return _viewer_zone(request, (client.time_zone if client else "") or org.time_zone)


def public_org_page(request, org_slug):
    org = _public_org(org_slug)
    services_list = list(selectors.public_services(organization=org))
    for service in services_list:
        service.price_display = format_money(service.price_minor, service.currency) if service.price_minor else ""
    return render(
        request,
        "booking/public/org.html",
        _public_context(
            request,
            org,
            services=services_list,
            coaches=selectors.public_coaches(organization=org),
            has_classes=Session.objects.for_org(org)
            .filter(group_class__is_active=True, status=Session.Status.SCHEDULED, start_at__gt=timezone.now())
            .exists(),
        ),
    )


def public_coach_page(request, org_slug, coach_slug):
    org = _public_org(org_slug)
    profile = get_object_or_404(
        CoachProfile.objects.for_org(org).select_related("user"), slug=coach_slug, accepts_bookings=True
    )
    services_list = list(selectors.public_services(organization=org, coach=profile.user))
    for service in services_list:
        service.price_display = format_money(service.price_minor, service.currency) if service.price_minor else ""
    return render(
        request, "booking/public/org.html", _public_context(request, org, services=services_list, profile=profile)
    )


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
    tz_name = _visitor_zone(request, org)
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
            request,
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
    tz_name = _visitor_zone(request, org)
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
            request,
            org,
            service=service,
            coach=coach,
            tz_name=tz_name,
            day=the_day,
            rows=rows,
            show_coach=len(profiles) > 1,
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
    tz_name = _visitor_zone(request, org)
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
    portal_client = _portal_client(request, org)
    if portal_client:
        form = PortalDetailsForm(request.POST or None)
    else:
        # The "news and offers" box shows the business's wording; the version shown is recorded.
        shown = optin.wording(org, version_id=request.POST.get("email_wording"))
        form = PublicDetailsForm(request.POST or None, email_wording=shown)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if portal_client:
                    booking = services.book_session(
                        service=service,
                        coach=coach.user,
                        start_at=start,
                        client=portal_client,
                        actor=request.user,
                        source=Booking.Source.APP,
                        note=form.cleaned_data["note"],
                    )
                else:
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
            request,
            org,
            service=service,
            coach=coach,
            tz_name=tz_name,
            start=start,
            local_start=local,
            local_end=_wall(start + timedelta(minutes=service.duration_minutes), tz_name),
            form=form,
            portal_client=portal_client,
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
                _public_context(request, booking.organization, max_age_days=settings.BOOKING_MANAGE_LINK_MAX_AGE_DAYS),
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
            request,
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
            request,
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
    """The stop link of reminders sent before the platform's preference page; it still works."""
    found = read_opt_out_token(token)
    if found is None:
        raise Http404
    client = get_object_or_404(Client.objects.select_related("organization"), public_id=found[0])
    channel = found[1]
    address = notifications.client_address(client, channel)
    if not address:
        raise Http404
    done = ""
    if request.method == "POST":
        if request.POST.get("action") == "resume":
            services.opt_in_to_reminders(client=client, channel=channel)
            done = "resumed"
        else:
            services.opt_out_of_reminders(client=client, channel=channel)
            done = "stopped"
    opted_out = comms.is_opted_out(
        organization=client.organization, channel=channel, address=address, topic=notifications.REMINDERS_TOPIC
    )
    return render(
        request,
        "booking/public/opt_out.html",
        _public_context(request, client.organization, client=client, channel=channel, done=done, opted_out=opted_out),
    )


def coach_calendar_feed(request, token):
    """The coach's sessions as an iCalendar feed (secret, revocable address)."""
    if not token or len(token) < 20:
        raise Http404
    profile = get_object_or_404(
        CoachProfile.objects.select_related("user", "organization"), feed_token_hash=hash_token(token)
    )
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
