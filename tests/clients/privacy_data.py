"""A client with rows in every domain (and a neighbour with rows of their own), for the
data-rights tests."""

from django.core.files.base import ContentFile

from tests.billing.factories import InvoiceFactory, PaymentFactory, SubscriptionFactory
from tests.booking.factories import BookingFactory, CreditEntryFactory
from tests.clients.factories import (
    CheckInFactory,
    ConsentFactory,
    FormCheckVideoFactory,
    HealthDayFactory,
    HealthSampleFactory,
    IntakeSubmissionFactory,
    MessageFactory,
    NoteFactory,
    ProgressEntryFactory,
    ProgressPhotoFactory,
    WaiverSignatureFactory,
)
from tests.factories import ClientFactory
from tests.nutrition.factories import FoodLogEntryFactory, HabitLogFactory, MealPlanFactory
from tests.training.factories import PersonalRecordFactory, ProgramFactory, SetLogFactory

SECTIONS = {
    "profile",
    "intake_answers",
    "consents",
    "waiver_signatures",
    "measurements",
    "health_samples",
    "health_days",
    "progress_photos",
    "checkins",
    "messages",
    "form_check_videos",
    "coach_notes",
    "programs",
    "workout_logs",
    "set_logs",
    "food_logs",
    "meal_plans",
    "habits",
    "habit_logs",
    "bookings",
    "invoices",
    "payments",
    "memberships",
}


def client_with_everything(
    org, *, first_name="Ariadne", last_name="Quillfeather", email=None, phone="+447700900123", user=None
):
    email = email or f"{first_name.lower()}.{last_name.lower()}@example.com"
    client = ClientFactory(
        organization=org,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        user=user,
        emergency_contact_name=f"{first_name} Senior",
        emergency_contact_phone=phone + "9",
        goals=f"{first_name} wants to deadlift 150 kg",
    )
    kw = {"organization": org, "client": client}
    IntakeSubmissionFactory(**kw, answers={"goal": "strength", "name": client.full_name})
    ConsentFactory(**kw)
    WaiverSignatureFactory(**kw)
    ProgressEntryFactory(**kw)
    ProgressPhotoFactory(**kw)
    HealthSampleFactory(**kw, device=f"{first_name}'s Apple Watch")
    HealthDayFactory(**kw)
    CheckInFactory(**kw)
    MessageFactory(
        **kw,
        body=f"Hi, it's {first_name}",
        attachment=ContentFile(b"%PDF-1.4 plan", name="plan.pdf"),
        attachment_name="plan.pdf",
    )
    FormCheckVideoFactory(**kw, original_name=f"{first_name.lower()}-squat.mp4")
    NoteFactory(**kw, body=f"{first_name} has a sore knee")
    ProgramFactory(**kw)
    SetLogFactory(**kw)
    PersonalRecordFactory(**kw)
    FoodLogEntryFactory(client=client, name=f"{first_name}'s porridge", photo=ContentFile(b"jpeg", name="food.jpg"))
    MealPlanFactory(**kw)
    HabitLogFactory(**kw)
    BookingFactory(**kw)
    CreditEntryFactory(**kw)
    invoice = InvoiceFactory(**kw)
    PaymentFactory(organization=org, invoice=invoice, client=client)
    SubscriptionFactory(**kw)
    return client
