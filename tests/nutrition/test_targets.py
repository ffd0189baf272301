"""Targets and the calculator: worked examples, the working in words in the client's units,
missing inputs, training days from the schedule, and the coach's targets page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from mecto import schedule
from nutrition import calculator, selectors
from nutrition.models import NutritionTarget
from nutrition.services import targets as services
from tests.clients.factories import MetricFactory, ProgressEntryFactory
from tests.factories import ClientFactory
from tests.nutrition.factories import NutritionSettingsFactory, NutritionTargetFactory
from tests.training.factories import ScheduledWorkoutFactory

D = Decimal


# --- The calculator, worked examples --------------------------------------------------------------
def test_mifflin_st_jeor_man_30_80kg_180cm_is_1780_kcal():
    assert calculator.resting_energy(sex="male", age=30, weight_kg=D(80), height_cm=D(180)) == D("1780")


def test_mifflin_st_jeor_woman_25_60kg_165cm_is_1345_25_kcal():
    assert calculator.resting_energy(sex="female", age=25, weight_kg=D(60), height_cm=D(165)) == D("1345.25")


def test_calculation_shows_its_working_in_words_and_numbers():
    result = calculator.calculate(
        calculator.Inputs(sex="male", age=34, weight_kg=D("82.5"), height_cm=D(180)),
        calculator.Settings(activity="moderate", goal="maintain", protein_g_per_kg=D("2.0"), fat_percent=D(25)),
    )
    # 825 + 1125 − 170 + 5 = 1785; × 1.55 = 2766.75 → 2767 kcal
    assert result.resting_kcal == D("1785")
    assert result.steps[0]["text"] == "Resting energy 10 × 82.5 kg + 6.25 × 180 cm − 5 × 34 + 5 = 1,785 kcal"
    assert "× 1.55 (Moderately active" in result.steps[1]["text"]
    assert result.targets["energy_kcal"] == 2767
    assert result.targets["protein_g"] == D("165")  # 2.0 × 82.5
    assert result.targets["fat_g"] == D("77")  # 25 % of 2767 / 9 = 76.9
    # carbohydrate is the rest: (2767 − 660 − 693) / 4 = 353.5 → 354 (round half up)
    assert result.targets["carbohydrate_g"] == D("354")
    assert "Carbohydrate the rest" in result.working


def test_goal_adjusts_by_percent_or_kcal():
    inputs = calculator.Inputs(sex="female", age=25, weight_kg=D(60), height_cm=D(165))
    lose = calculator.calculate(
        inputs, calculator.Settings(activity="sedentary", goal="lose", adjustment_percent=D(20))
    )
    # 1345.25 × 1.2 = 1614.3; − 20 % = 1291.44 → 1291
    assert lose.targets["energy_kcal"] == 1291
    gain = calculator.calculate(inputs, calculator.Settings(activity="sedentary", goal="gain", adjustment_kcal=300))
    assert gain.targets["energy_kcal"] == 1914
    assert "+ 300 kcal" in gain.steps[2]["text"]


def test_imperial_client_sees_pounds_and_inches_beside_the_formula():
    result = calculator.calculate(
        calculator.Inputs(sex="female", age=25, weight_kg=D(60), height_cm=D(165), unit_system="imperial")
    )
    assert "10 × 60 kg (132.3 lb) + 6.25 × 165 cm (65 in) − 5 × 25 − 161 = 1,345.25 kcal" in result.steps[0]["text"]


def test_missing_inputs_are_named_not_guessed():
    result = calculator.calculate(calculator.Inputs(sex="", age=None, weight_kg=None, height_cm=D(170)))
    assert not result.is_complete and result.targets == {}
    text = " ".join(result.missing)
    assert "no weight logged" in text and "date of birth" in text and "Sex" in text
    assert "Height" not in text


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (calculator.Settings(protein_g_per_kg=D("2.5")), "protein_g_per_kg"),
        (calculator.Settings(fat_percent=D(70)), "fat_percent"),
        (calculator.Settings(goal="lose", adjustment_percent=D(45)), "adjustment_percent"),
        (calculator.Settings(activity="couch"), "activity"),
    ],
)
def test_settings_out_of_range_are_refused(settings, field):
    with pytest.raises(calculator.CalculatorError) as caught:
        calculator.calculate(calculator.Inputs(sex="male", age=30, weight_kg=D(80), height_cm=D(180)), settings)
    assert caught.value.field == field


def test_declared_energy_next_to_energy_from_macros():
    from_macros, differs = calculator.macro_energy_check(
        energy_kcal=2000, protein_g=D(150), carbohydrate_g=D(200), fat_g=D(67)
    )
    assert from_macros == D("2003")  # 150 × 4 + 200 × 4 + 67 × 9
    assert differs is False
    _value, differs = calculator.macro_energy_check(
        energy_kcal=2500, protein_g=D(150), carbohydrate_g=D(200), fat_g=D(67)
    )
    assert differs is True  # 2003 vs 2500: 20 % apart


@pytest.mark.django_db
def test_inputs_come_from_the_profile_and_the_latest_weight(org):
    client = ClientFactory(organization=org, sex="male", date_of_birth=datetime.date(1990, 6, 1), height_cm=D("180.0"))
    weight = MetricFactory(organization=org, key="weight", name="Weight", unit="kg")
    ProgressEntryFactory(
        organization=org, client=client, metric=weight, recorded_on=datetime.date(2026, 1, 1), value=D(84)
    )
    ProgressEntryFactory(
        organization=org, client=client, metric=weight, recorded_on=datetime.date(2026, 2, 1), value=D(82)
    )
    inputs = calculator.inputs_for(client, today=datetime.date(2026, 3, 1))
    assert (inputs.sex, inputs.age, inputs.weight_kg, inputs.height_cm) == ("male", 35, D(82), D(180))
    assert inputs.weight_on == datetime.date(2026, 2, 1)


# --- Targets per kind of day -----------------------------------------------------------------------
@pytest.mark.django_db
def test_weekday_mode_picks_the_days_targets_and_falls_back_to_every_day(org):
    client = ClientFactory(organization=org)
    NutritionSettingsFactory(client=client, organization=org, target_mode="weekday")
    NutritionTargetFactory(client=client, organization=org, day_kind="every_day", energy_kcal=2000)
    NutritionTargetFactory(client=client, organization=org, day_kind="sat", energy_kcal=2600)
    saturday, monday = datetime.date(2026, 3, 7), datetime.date(2026, 3, 9)
    assert selectors.target_for_day(client=client, day=saturday).energy_kcal == 2600
    assert selectors.target_for_day(client=client, day=monday).energy_kcal == 2000


@pytest.mark.django_db
def test_training_days_come_from_scheduled_workouts_else_the_usual_weekdays(org):
    client = ClientFactory(organization=org)
    NutritionSettingsFactory(client=client, organization=org, target_mode="training_rest", training_weekdays=[1, 3])
    NutritionTargetFactory(client=client, organization=org, day_kind="training", energy_kcal=2800)
    NutritionTargetFactory(client=client, organization=org, day_kind="rest", energy_kcal=2200)
    monday = datetime.date(2026, 3, 2)
    # No workout scheduled that week: the usual weekdays (Monday, Wednesday).
    assert selectors.target_for_day(client=client, day=monday).energy_kcal == 2800
    assert selectors.target_for_day(client=client, day=monday + datetime.timedelta(days=1)).energy_kcal == 2200
    # A workout on Tuesday: the schedule decides, and Monday is a rest day.
    ScheduledWorkoutFactory(organization=org, client=client, date=monday + datetime.timedelta(days=1))
    days = selectors.targets_for_days(client=client, start=monday, end=monday + datetime.timedelta(days=6))
    assert [t.energy_kcal for t in days.values()] == [2200, 2800, 2200, 2200, 2200, 2200, 2200]
    assert selectors.is_training_day(client=client, day=monday + datetime.timedelta(days=1))


@pytest.mark.django_db
def test_schedule_registry_adds_other_providers_days(org):
    client = ClientFactory(organization=org)
    day = datetime.date(2026, 1, 1)
    assert schedule.training_days(client, day, day) is None  # nothing scheduled: the caller falls back

    def provider(client, start, end):
        return {start}

    schedule.register_training_days(provider)
    try:
        assert schedule.training_days(client, day, day + datetime.timedelta(days=1)) == {day}
    finally:
        schedule.unregister_training_days(provider)


@pytest.mark.django_db
def test_save_target_refuses_values_out_of_range_and_changes_nothing(org):
    client = ClientFactory(organization=org)
    with pytest.raises(services.TargetError) as caught:
        services.save_target(client=client, day_kind="every_day", values={"energy_kcal": 90, "protein_g": 100})
    assert caught.value.field == "energy_kcal"
    assert not NutritionTarget.objects.filter(client=client).exists()


@pytest.mark.django_db
def test_apply_calculation_fills_the_targets_of_the_clients_mode(org):
    client = ClientFactory(organization=org)
    services.save_settings(client=client, target_mode="training_rest", training_weekdays=[2, 4])
    result = calculator.calculate(calculator.Inputs(sex="male", age=30, weight_kg=D(80), height_cm=D(180)))
    saved = services.apply_calculation(client=client, result=result)
    assert sorted(t.day_kind for t in saved) == ["rest", "training"]
    target = NutritionTarget.objects.get(client=client, day_kind="training")
    assert target.energy_kcal == 2759 and "Resting energy" in target.note


# --- The coach's page --------------------------------------------------------------------------------
@pytest.fixture
def profiled_client(org):
    client = ClientFactory(
        organization=org,
        sex="male",
        date_of_birth=datetime.date(1992, 1, 15),
        height_cm=D("180"),
        unit_system="imperial",
    )
    weight = MetricFactory(organization=org, key="weight", name="Weight", unit="kg")
    ProgressEntryFactory(organization=org, client=client, metric=weight, value=D("82.5"))
    return client


@pytest.mark.django_db
def test_coach_calculates_sees_working_applies_and_edits(client, coach, profiled_client):
    client.force_login(coach)
    url = reverse("nutrition:targets", args=[profiled_client.pk])
    page = client.get(
        url,
        {
            "activity": "moderate",
            "goal": "lose",
            "adjustment_percent": "15",
            "protein_g_per_kg": "2.0",
            "fat_percent": "30",
        },
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Resting energy 10 × 82.5 kg (181.9 lb) + 6.25 × 180 cm (70.9 in)" in body
    response = client.post(
        url,
        {
            "action": "apply",
            "activity": "moderate",
            "goal": "lose",
            "adjustment_percent": "15",
            "protein_g_per_kg": "2.0",
            "fat_percent": "30",
        },
    )
    assert response.status_code == 302
    target = NutritionTarget.objects.get(client=profiled_client, day_kind="every_day")
    assert target.protein_g == D("165.0")
    response = client.post(
        url,
        {
            "action": "targets",
            "every_day-energy_kcal": "2300",
            "every_day-protein_g": "170",
            "every_day-carbohydrate_g": "250",
            "every_day-fat_g": "70",
            "every_day-fibre_g": "",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.energy_kcal, target.fibre_g) == (2300, None)


@pytest.mark.django_db
def test_targets_page_warns_when_declared_energy_and_macros_disagree(client, coach, org):
    c = ClientFactory(organization=org)
    NutritionTargetFactory(
        client=c, organization=org, energy_kcal=3000, protein_g=D(150), carbohydrate_g=D(200), fat_g=D(60)
    )
    client.force_login(coach)
    body = client.get(reverse("nutrition:targets", args=[c.pk])).content.decode()
    assert "from macros (4/4/9) 1,940 kcal" in body
    assert "differ by more than 10 %" in body


@pytest.mark.django_db
def test_targets_page_names_missing_inputs(client, coach, org):
    c = ClientFactory(organization=org)
    client.force_login(coach)
    body = client.get(
        reverse("nutrition:targets", args=[c.pk]),
        {"activity": "light", "goal": "maintain", "protein_g_per_kg": "1.6", "fat_percent": "30"},
    ).content.decode()
    assert "no weight logged" in body


@pytest.mark.django_db
def test_bad_target_input_is_a_field_error_and_saves_nothing(client, coach, org):
    c = ClientFactory(organization=org)
    client.force_login(coach)
    response = client.post(
        reverse("nutrition:targets", args=[c.pk]), {"action": "targets", "every_day-energy_kcal": "12"}
    )
    assert response.status_code == 400
    assert not NutritionTarget.objects.filter(client=c).exists()


@pytest.mark.django_db
def test_another_business_gets_404(client, org):
    from tests.factories import MembershipFactory, OrganizationFactory

    stranger = MembershipFactory(organization=OrganizationFactory(), role="owner").user
    c = ClientFactory(organization=org)
    client.force_login(stranger)
    assert client.get(reverse("nutrition:targets", args=[c.pk])).status_code == 404
    assert client.get(reverse("nutrition:client", args=[c.pk])).status_code == 404
