"""Demo content for the clients app (used by `manage.py seed_demo`): an answered intake, eight
weeks of progress and a conversation, so a new person sees the pages filled in."""

from __future__ import annotations

import datetime
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mecto.demo import demo_seeder

from . import services
from .models import Client, IntakeForm, Metric, ProgressEntry

# email, first and last name, status, and whether they log in to the portal
DEMO_CLIENTS = [
    ("client@demo.mecto.test", "Chloe", "Client", Client.Status.ACTIVE, True),
    ("sam.lead@demo.mecto.test", "Sam", "Lead", Client.Status.LEAD, False),
    ("tara.trial@demo.mecto.test", "Tara", "Trial", Client.Status.TRIAL, False),
]


@demo_seeder(order=0)
def seed_demo_clients(*, organization, owner, coach, password, **context) -> dict:
    """The demo clients (Chloe logs in to the portal with the demo password); later seeders
    get them as `clients`, by email."""
    clients = {}
    for email, first, last, status, has_portal in DEMO_CLIENTS:
        client = Client.objects.for_org(organization).filter(email=email).first()
        if client is None:
            client = services.create_client(
                organization=organization,
                actor=owner,
                first_name=first,
                last_name=last,
                email=email,
                status=status,
                coach=coach,
                is_demo=True,
            )
        if has_portal:
            portal_user, _ = User.objects.get_or_create(email=email, defaults={"full_name": f"{first} {last}"})
            portal_user.set_password(password)
            portal_user.save()
            EmailAddress.objects.update_or_create(
                user=portal_user, email=email, defaults={"verified": True, "primary": True}
            )
            if client.user_id != portal_user.pk:
                client.user = portal_user
                client.save(update_fields=["user"])
        clients[email] = client
    return {"clients": clients}


@transaction.atomic
@demo_seeder(order=10)
def seed_client_demo(*, organization, coach, **context) -> None:
    """Idempotent: a client who already has intake answers or progress is left as is."""
    services.ensure_default_intake_form(organization=organization)
    services.ensure_builtin_metrics(organization=organization)
    form = IntakeForm.objects.for_org(organization).get(is_default=True)
    clients = list(Client.objects.for_org(organization).order_by("id"))
    for index, client in enumerate(clients):
        if client.intake_submissions.exists():
            continue
        answers = {
            "goal": ["fat_loss", "strength", "general_fitness"][index % 3],
            "experience": ["beginner", "intermediate", "advanced"][index % 3],
            "days_per_week": 3 + index % 2,
            "session_minutes": "60",
            "equipment": ["dumbbell", "barbell", "bands"],
            "injuries": ["knee"] if index == 1 else [],
            "injury_notes": "Left knee sore after long runs" if index == 1 else "",
            "preferences": "Enjoys lifting, dislikes treadmill runs",
            "diet": "no_preference",
            **{
                q.key: index == 1 and q.key == "parq_bone_joint" for q in form.questions.filter(key__startswith="parq_")
            },
        }
        services.submit_intake(form=form, answers=answers, client=client, source="coach", actor=coach)
    main = clients[0] if clients else None
    if main is None or ProgressEntry.objects.filter(client=main).exists():
        return
    today = timezone.localdate()
    for week in range(8):
        day = today - datetime.timedelta(weeks=7 - week)
        services.log_progress(
            client=main,
            values={
                "weight": str(Decimal("78.4") - Decimal("0.45") * week),
                "waist": str(Decimal("86") - Decimal("0.6") * week),
                "mood": 6 + week % 3,
                "energy": 5 + min(week, 4),
                "sleep": "7.5",
            },
            recorded_on=day,
            actor=coach,
        )
    weight = Metric.objects.for_org(organization).get(key="weight")
    services.set_client_target(client=main, metric=weight, value="74")
    thread = services.start_thread(client=main, subject="Training week", actor=coach)
    services.send_message(thread=thread, sender=coach, body="Great work this week! How did the Friday session feel?")
    if main.user_id:
        services.send_message(thread=thread, sender=main.user, body="Tough but good. Legs are sore today!")


@transaction.atomic
@demo_seeder(order=15)
def seed_checkins_and_waivers_demo(*, organization, coach, **context) -> None:
    """A weekly check-in for Chloe (one submitted last week, one due now), and a published
    waiver and health-data consent every demo client has signed, so demo booking still
    works. Idempotent: a business that already has a check-in form is left as is."""
    from .models import CheckIn, CheckInForm, WaiverDocument

    if not WaiverDocument.objects.for_org(organization).exists():
        waiver = services.create_waiver_document(
            organization=organization,
            title="Training waiver",
            body=(
                "I take part in training at my own risk. I will tell my coach about any injury, illness or "
                "medication before a session, and stop if I feel pain, dizziness or shortness of breath."
            ),
            actor=coach,
        )
        consent = services.create_waiver_document(
            organization=organization,
            title="Consent to process my health data",
            body="I agree that my coach stores and uses the health information I give to plan my training safely.",
            kind="health_consent",
            actor=coach,
        )
        for client in Client.objects.for_org(organization):
            for document in (waiver, consent):
                services.sign_waiver(
                    client=client,
                    version=document.versions.get(),
                    typed_name=client.full_name,
                    source="portal",
                    user_agent="Demo data",
                )
    if CheckInForm.objects.for_org(organization).exists():
        return
    services.ensure_builtin_metrics(organization=organization)
    form = services.create_checkin_form(
        organization=organization,
        name="Weekly check-in",
        description="Two minutes every Sunday: how the week went, your weight and a front photo.",
        actor=coach,
    )
    metrics = {m.key: m for m in Metric.objects.for_org(organization)}
    services.add_checkin_question(form=form, label="How was your week overall?", kind="scale", required=True)
    services.add_checkin_question(form=form, label="Weight this morning", kind="metric", metric=metrics["weight"])
    services.add_checkin_question(form=form, label="Waist", kind="metric", metric=metrics["waist"])
    services.add_checkin_question(
        form=form,
        label="How many workouts did you do?",
        kind="single_choice",
        choices=["None", "One or two", "Three or more"],
    )
    services.add_checkin_question(form=form, label="Front photo", kind="photo", pose="front")
    services.add_checkin_question(form=form, label="Anything your coach should know?", kind="long_text")
    main = Client.objects.for_org(organization).filter(user__isnull=False).order_by("id").first()
    if main is None:
        return
    from mecto.localization import zone

    local_now = timezone.now().astimezone(zone(main.time_zone))
    today = local_now.date()
    # Due at 09:00 on yesterday's weekday, since ten days ago: one opened a week
    # earlier (submitted), one due now.
    weekday = (today - datetime.timedelta(days=1)).weekday()
    since = timezone.now() - datetime.timedelta(days=10)
    services.save_checkin_schedule(
        client=main,
        form=form,
        frequency="weekly",
        weekday=weekday,
        local_time=datetime.time(9, 0),
        starts_on=today - datetime.timedelta(days=10),
        since=since,
        actor=coach,
    )
    services.open_due_checkins(now=timezone.now() - datetime.timedelta(days=6))
    earlier = CheckIn.objects.filter(client=main).order_by("due_at").first()
    if earlier is not None:
        services.submit_checkin(
            checkin=earlier,
            answers={"how_was_your_week_overall": 7, "how_many_workouts_did_you_do": "three_or_more"},
            actor=main.user,
        )
    services.open_due_checkins(now=timezone.now())
