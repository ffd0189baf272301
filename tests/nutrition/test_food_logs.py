"""Food logging: idempotent by the app's id, nutrients copied at log time, quick add, a meal
at once, bad input refused with nothing stored, edits, favourites, recent foods, portal pages."""

import io
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mecto.models import Event
from nutrition import selectors
from nutrition.models import FoodLogEntry, NutritionComment
from nutrition.services import logs as services
from tests.factories import ClientFactory, OrganizationFactory
from tests.nutrition.factories import FoodFactory, FoodPortionFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def oats(org):
    food = FoodFactory(
        organization=org,
        name="Oats, rolled",
        energy_kcal=D("379"),
        protein_g=D("13.15"),
        carbohydrate_g=D("67.7"),
        fat_g=D("6.52"),
        fibre_g=None,
    )
    FoodPortionFactory(food=food, organization=org, description="cup", gram_weight=D("81"))
    return food


def test_logging_by_portion_copies_nutrients_at_log_time(client_record, oats):
    portion = oats.portions.get()
    entry, created = services.log_food(
        client=client_record,
        client_entry_id=uuid.uuid4(),
        meal="breakfast",
        food=oats,
        portion=portion,
        amount=D("0.5"),
    )
    assert created
    assert entry.grams == D("40.50")
    assert entry.energy_kcal == D("153.50")  # 379 × 0.405 = 153.495
    assert entry.fibre_g is None  # unknown stays unknown, never zero
    assert entry.portion_label == "0.5 × 1 cup"
    # Editing the food later does not rewrite what was logged.
    oats.energy_kcal = D("999")
    oats.save()
    entry.refresh_from_db()
    assert entry.energy_kcal == D("153.50")
    assert Event.objects.filter(name="nutrition.food_logged", client_id=client_record.pk).count() == 1


def test_same_client_entry_id_returns_the_same_entry(client_record, oats):
    key = uuid.uuid4()
    first, created = services.log_food(client=client_record, client_entry_id=key, food=oats, grams=D(100))
    again, created_again = services.log_food(client=client_record, client_entry_id=key, food=oats, grams=D(300))
    assert created and not created_again
    assert again.pk == first.pk and again.grams == D("100.00")
    assert FoodLogEntry.objects.filter(client=client_record).count() == 1
    assert Event.objects.filter(name="nutrition.food_logged").count() == 1


def test_quick_add_needs_calories_or_a_macro(client_record):
    entry, _ = services.log_food(
        client=client_record,
        client_entry_id=uuid.uuid4(),
        quick={"name": "Burrito", "energy_kcal": "650", "protein_g": 32},
    )
    assert (entry.kind, entry.name, entry.energy_kcal, entry.fat_g) == ("quick", "Burrito", D("650.00"), None)
    with pytest.raises(services.FoodLogError) as caught:
        services.log_food(client=client_record, client_entry_id=uuid.uuid4(), quick={"name": "Nothing"})
    assert caught.value.field == "energy_kcal"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"grams": D(0)}, "grams"),
        ({"grams": D(9000)}, "grams"),
        ({}, "grams"),
        ({"grams": D(100), "meal": "brunch"}, "meal"),
        ({"grams": D(100), "date": "2999-01-01"}, "date"),
        ({"grams": D(100), "date": "yesterday"}, "date"),
        ({"grams": D(100), "quick": {"energy_kcal": 10}}, "food"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(client_record, oats, kwargs, field):
    with pytest.raises(services.FoodLogError) as caught:
        services.log_food(client=client_record, client_entry_id=uuid.uuid4(), food=oats, **kwargs)
    assert caught.value.field == field
    assert not FoodLogEntry.objects.exists()


def test_a_portion_of_another_food_or_business_is_refused(client_record, oats, org):
    other = FoodPortionFactory(food=FoodFactory(organization=org), organization=org)
    with pytest.raises(services.FoodLogError) as caught:
        services.log_food(client=client_record, client_entry_id=uuid.uuid4(), food=oats, portion=other, amount=1)
    assert caught.value.field == "portion"
    foreign = FoodFactory(organization=OrganizationFactory())
    with pytest.raises(services.FoodLogError):
        services.log_food(client=client_record, client_entry_id=uuid.uuid4(), food=foreign, grams=D(50))
    assert not FoodLogEntry.objects.exists()


def test_a_meal_is_logged_all_or_nothing(client_record, oats):
    banana = FoodFactory(organization=client_record.organization, name="Banana", energy_kcal=D(89))
    items = [
        {"client_entry_id": uuid.uuid4(), "food": oats, "grams": D(60)},
        {"client_entry_id": uuid.uuid4(), "food": banana, "grams": D(120)},
    ]
    with pytest.raises(services.FoodLogError) as caught:
        services.log_meal(client=client_record, meal="breakfast", items=[*items, {"client_entry_id": uuid.uuid4()}])
    assert "Item 3" in caught.value.message
    assert not FoodLogEntry.objects.exists()
    results = services.log_meal(client=client_record, meal="breakfast", items=items)
    assert [created for _e, created in results] == [True, True]
    assert {e.meal for e, _c in results} == {"breakfast"}
    # The same request again stores nothing new.
    again = services.log_meal(client=client_record, meal="breakfast", items=items)
    assert [created for _e, created in again] == [False, False]
    assert FoodLogEntry.objects.count() == 2


def test_changing_the_amount_scales_the_copied_nutrients(client_record, oats):
    entry, _ = services.log_food(client=client_record, client_entry_id=uuid.uuid4(), food=oats, grams=D(100))
    oats.energy_kcal = D(500)
    oats.save()
    entry = services.update_entry(entry=entry, grams=D(50), meal="dinner")
    assert (entry.grams, entry.energy_kcal, entry.meal) == (D("50.00"), D("189.50"), "dinner")


def test_photo_is_checked_like_progress_photos(client_record, oats):
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "orange").save(buffer, "PNG")
    photo = SimpleUploadedFile("lunch.png", buffer.getvalue(), content_type="image/png")
    entry, _ = services.log_food(
        client=client_record, client_entry_id=uuid.uuid4(), food=oats, grams=D(40), photo=photo
    )
    assert entry.photo.name.endswith(".jpg") and entry.photo_thumbnail
    bad = SimpleUploadedFile("x.png", b"<html><script>alert(1)</script>", content_type="image/png")
    with pytest.raises(Exception) as caught:
        services.log_food(client=client_record, client_entry_id=uuid.uuid4(), food=oats, grams=D(40), photo=bad)
    assert getattr(caught.value, "field", None) == "photo"
    assert FoodLogEntry.objects.count() == 1


def test_recent_and_favourite_foods(client_record, oats):
    banana = FoodFactory(organization=client_record.organization, name="Banana")
    services.log_food(client=client_record, client_entry_id=uuid.uuid4(), food=oats, grams=D(40))
    services.log_food(client=client_record, client_entry_id=uuid.uuid4(), food=banana, grams=D(100))
    services.log_food(client=client_record, client_entry_id=uuid.uuid4(), food=oats, grams=D(40))
    assert [f.name for f in selectors.recent_foods(client=client_record)][0] == "Oats, rolled"
    assert len(selectors.recent_foods(client=client_record)) == 2
    services.add_favourite(client=client_record, food=banana)
    services.add_favourite(client=client_record, food=banana)
    assert [f.food.name for f in selectors.favourite_foods(client=client_record)] == ["Banana"]


def test_coach_comment_is_kept_with_the_day_and_sent_to_the_thread(client_record, coach):
    from clients.models import Message

    comment = services.comment_on_day(client=client_record, day="2026-03-02", body="More veg, please.", actor=coach)
    assert NutritionComment.objects.get().date.isoformat() == "2026-03-02"
    message = Message.objects.get(pk=comment.message_id)
    assert "More veg, please." in message.body and message.client_id == client_record.pk
    with pytest.raises(services.FoodLogError):
        services.comment_on_day(client=client_record, day="2026-03-02", body="   ", actor=coach)


# --- Portal -------------------------------------------------------------------------------------------
def test_portal_day_shows_totals_against_targets(client, client_record, oats):
    from tests.nutrition.factories import NutritionTargetFactory

    NutritionTargetFactory(client=client_record, organization=client_record.organization, energy_kcal=2000)
    services.log_food(client=client_record, client_entry_id=uuid.uuid4(), food=oats, grams=D(100))
    client.force_login(client_record.user)
    body = client.get(reverse("nutrition:portal")).content.decode()
    assert "Oats, rolled" in body and "379 / 2,000 kcal" in body


def test_portal_search_add_edit_delete(client, client_record, oats):
    client.force_login(client_record.user)
    results = client.get(reverse("nutrition:portal_search"), {"q": "oat"}, HTTP_HX_REQUEST="true")
    assert "Oats, rolled" in results.content.decode()
    page = client.get(reverse("nutrition:portal_add_food", args=[oats.pk]))
    assert page.status_code == 200
    key = str(uuid.uuid4())
    data = {
        "client_entry_id": key,
        "date": selectors.client_today(client_record).isoformat(),
        "meal": "breakfast",
        "amount": "1",
        "unit": str(oats.portions.get().pk),
    }
    assert client.post(reverse("nutrition:portal_add_food", args=[oats.pk]), data).status_code == 302
    assert client.post(reverse("nutrition:portal_add_food", args=[oats.pk]), data).status_code == 302  # double submit
    entry = FoodLogEntry.objects.get()
    assert entry.grams == D("81.00")
    edit = reverse("nutrition:portal_edit", args=[entry.public_id])
    assert client.post(edit, {"meal": "lunch", "amount": "2", "unit": "g"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.meal, entry.grams) == ("lunch", D("2.00"))
    assert client.post(reverse("nutrition:portal_delete", args=[entry.public_id])).status_code == 302
    assert not FoodLogEntry.objects.exists()


def test_portal_bad_amount_is_a_field_error(client, client_record, oats):
    client.force_login(client_record.user)
    response = client.post(
        reverse("nutrition:portal_add_food", args=[oats.pk]),
        {"client_entry_id": str(uuid.uuid4()), "date": "2026-01-01", "meal": "breakfast", "amount": "-3", "unit": "g"},
    )
    assert response.status_code == 400
    assert not FoodLogEntry.objects.exists()


def test_portal_entries_of_another_client_are_404(client, client_record, oats, org):
    other = ClientFactory(organization=org)
    entry, _ = services.log_food(client=other, client_entry_id=uuid.uuid4(), food=oats, grams=D(10))
    client.force_login(client_record.user)
    assert client.get(reverse("nutrition:portal_edit", args=[entry.public_id])).status_code == 404
    assert client.post(reverse("nutrition:portal_delete", args=[entry.public_id])).status_code == 404
    assert FoodLogEntry.objects.filter(pk=entry.pk).exists()


def test_demo_business_has_targets_a_week_of_logs_and_a_comment(demo):
    from django.core.management import call_command

    from nutrition.models import NutritionSettings, NutritionTarget

    chloe = FoodLogEntry.objects.for_org(demo).filter(client__email="client@demo.mecto.test")
    assert chloe.values("date").distinct().count() == 8  # the last seven days and today
    settings = NutritionSettings.objects.get(client__email="client@demo.mecto.test", organization=demo)
    assert settings.target_mode == "training_rest"
    kinds = set(NutritionTarget.objects.filter(client=settings.client).values_list("day_kind", flat=True))
    assert kinds == {"training", "rest"}
    assert NutritionComment.objects.filter(client=settings.client).count() == 1
    count = FoodLogEntry.objects.count()
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert FoodLogEntry.objects.count() == count
