"""In the browser: a coach builds a small program with a superset, saves it as a template and
assigns it; another generates a draft from a client's intake, swaps an exercise and assigns it."""

import re

import pytest
from playwright.sync_api import expect

from clients.models import IntakeSubmission
from tests.factories import PASSWORD, ClientFactory, MembershipFactory
from training.models import PrescribedExercise, Program, ScheduledWorkout
from training.services import load_exercise_library

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, email):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/dashboard/"))


def _pick(page, query, name):
    """Search in a block's exercise picker and add the result; the picker of a freshly swapped
    card may need a moment before htmx listens to it, so the search is typed again if needed."""
    button = page.locator(".picker-list").get_by_role("button", name=re.compile(f"Add {name}"))
    closed = page.locator("details.picker:not([open]) > summary")
    if closed.count():
        closed.first.click()
    for _attempt in range(3):
        page.get_by_label("Add an exercise").fill(query)
        try:
            button.wait_for(timeout=3000)
            break
        except Exception:
            page.get_by_label("Add an exercise").fill("")
    button.click()


# Full-page screenshots leave empty style attributes behind, which htmx would then copy while
# settling a swap (and the CSP rightly refuses); so screenshots come right before a page load.


def test_coach_builds_a_program_with_a_superset_and_assigns_it(page, live_server, screenshot_dir):
    load_exercise_library()
    coach = MembershipFactory(role="coach")
    client = ClientFactory(organization=coach.organization, first_name="Chloe", last_name="Park")
    _login(page, coach.user.email)

    page.get_by_role("link", name="Programs").first.click()
    page.get_by_role("link", name="Build a program").click()
    page.get_by_label("Name").fill("Strength base")
    page.get_by_label("Goal").select_option("strength")
    page.get_by_label("Weeks").fill("1")
    page.get_by_role("button", name="Create and open the builder").click()
    page.wait_for_url(re.compile(r"/training/programs/\d+/$"))

    page.get_by_role("button", name="Add workout").click()
    workout = page.locator("article.workout").first
    workout.get_by_label("New block").select_option("superset")
    workout.get_by_role("button", name="Add block").click()
    _pick(page, "bnch pres", "Dumbbell Bench Press")  # misspelt on purpose
    page.locator(".item").first.wait_for()
    _pick(page, "one arm dumbell row", "One-Arm Dumbbell Row")
    page.locator(".item").nth(1).wait_for()
    assert page.locator(".block-superset .item").count() == 2

    # Inline edit without a reload: the row saves on change.
    first = page.locator(".item").first
    first.locator(".item-edit > summary").click()
    first.get_by_label("Sets").fill("4")
    first.get_by_label("Sets").dispatch_event("change")
    page.locator(".item .saved").first.wait_for()
    bench = PrescribedExercise.objects.get(exercise__name="Dumbbell Bench Press")
    assert bench.sets == 4

    # Keyboard alternative to drag and drop.
    page.get_by_role("button", name="Move One-Arm Dumbbell Row up").click()
    expect(page.locator(".item .item-name").first).to_contain_text("Row")
    assert list(bench.block.items.order_by("position").values_list("exercise__name", flat=True))[0].startswith(
        "One-Arm"
    )

    page.get_by_role("button", name="Duplicate week").click()
    page.get_by_role("heading", name="Week 2").wait_for()
    page.screenshot(path=f"{screenshot_dir}/training-builder.png", full_page=True)

    page.get_by_role("button", name="Save as template").click()
    page.get_by_text("Saved as the template").wait_for()
    assert Program.objects.filter(is_template=True, name="Strength base").exists()

    program = Program.objects.get(is_template=False, name="Strength base", client__isnull=True)
    page.goto(f"/training/programs/{program.pk}/")
    page.get_by_role("link", name="Assign to clients").click()
    page.get_by_label("Chloe Park").check()
    page.get_by_label("Start date").fill("2030-01-07")
    page.screenshot(path=f"{screenshot_dir}/training-assign.png", full_page=True)
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url(re.compile(rf"/training/clients/{client.pk}/"))
    assert page.get_by_text("Strength base was assigned to Chloe Park").is_visible()
    assert ScheduledWorkout.objects.filter(client=client).count() == 2
    page.screenshot(path=f"{screenshot_dir}/training-client.png", full_page=True)


def test_coach_generates_a_draft_from_the_intake_and_swaps_an_exercise(page, live_server, screenshot_dir):
    load_exercise_library()
    coach = MembershipFactory(role="owner")
    client = ClientFactory(organization=coach.organization, first_name="Sam", last_name="Lee")
    IntakeSubmission.objects.create(
        organization=coach.organization,
        client=client,
        source=IntakeSubmission.Source.COACH,
        answers={
            "goal": "hypertrophy",
            "experience": "intermediate",
            "days_per_week": 3,
            "session_minutes": 60,
            "equipment": ["dumbbell", "cable"],
            "injuries": ["knee"],
        },
    )
    _login(page, coach.user.email)
    page.goto(f"/training/programs/generate/?client={client.pk}")
    assert page.get_by_text("Filled in from the client's intake").is_visible()
    assert page.get_by_label("Days per week").input_value() == "3"
    page.screenshot(path=f"{screenshot_dir}/training-generate.png", full_page=True)
    page.get_by_role("button", name="Generate the draft").click()
    page.wait_for_url(re.compile(r"/training/programs/\d+/$"))
    assert page.get_by_text("Everything fits").is_visible()
    assert page.locator(".reason").first.is_visible()

    program = Program.objects.get(origin="generated")
    first = (
        PrescribedExercise.objects.filter(block__workout__program=program)
        .order_by("block__workout__week__position", "block__workout__position", "block__position", "position")
        .first()
    )
    item = page.locator(f"#item-{first.pk}")
    item.get_by_role("link", name="Swap…").click()
    item.locator(".swap-box li").first.wait_for()
    assert item.locator(".swap-box li").count() == 5
    item.locator(".swap-box").get_by_role("button", name=re.compile("^Use")).first.click()
    expect(page.locator(f"#item-{first.pk} .swap-box")).to_have_count(0)
    first.refresh_from_db()
    assert first.reason.startswith("Swapped in for")
    page.screenshot(path=f"{screenshot_dir}/training-draft.png", full_page=True)

    page.get_by_role("link", name="Assign to clients").click()
    page.get_by_label("Sam Lee").check()
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url(re.compile(rf"/training/clients/{client.pk}/"))
    assert ScheduledWorkout.objects.filter(client=client).count() == 3 * 5


def test_a_logged_workout_shows_as_a_record_and_charts_on_the_client_page(page, live_server, screenshot_dir):
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from training import services
    from training.models import Exercise

    load_exercise_library()
    coach = MembershipFactory(role="coach")
    client = ClientFactory(organization=coach.organization, first_name="Ana", last_name="Diaz")
    squat = Exercise.objects.get(slug="Barbell_Full_Squat")
    bench = Exercise.objects.get(slug="Dumbbell_Bench_Press")
    now = timezone.now()
    for weeks_ago, load in ((3, 80), (2, 85), (1, 90), (0, 95)):
        services.log_workout(
            client=client,
            client_uuid=uuid.uuid4(),
            performed_at=now - timedelta(weeks=weeks_ago, hours=1),
            sets=[{"exercise": squat, "reps": 5, "load_kg": load}] * 3
            + [{"exercise": bench, "reps": 10, "load_kg": load / 4}] * 3,
        )
    _login(page, coach.user.email)
    page.goto(f"/training/clients/{client.pk}/")
    assert page.get_by_role("link", name="Training").first.get_attribute("aria-current") == "page"
    page.locator("#chart-volume").wait_for()
    page.locator("#chart-e1rm").wait_for()
    assert page.locator(".records li").count() >= 2
    assert page.get_by_text("Barbell Full Squat").first.is_visible()
    page.get_by_label("Comment").first.fill("Lovely progress, Ana!")
    page.screenshot(path=f"{screenshot_dir}/training-client-charts.png", full_page=True)
    page.get_by_role("button", name="Comment").first.click()
    page.get_by_text("Comment added").wait_for()
    assert page.get_by_text("Lovely progress, Ana!").is_visible()
