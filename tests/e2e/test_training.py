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
    page.get_by_role("button", name="Log in").click()
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
    workout = page.locator("details.workout").first
    expect(workout).to_have_attribute("open", "")  # the workout just added is the one unfolded
    workout.get_by_label("New block").select_option("superset")
    workout.get_by_role("button", name="Add block").click()
    _pick(page, "bnch pres", "Dumbbell Bench Press")  # misspelt on purpose
    page.locator(".item").first.wait_for()
    _pick(page, "one arm dumbell row", "One-Arm Dumbbell Row")
    page.locator(".item").nth(1).wait_for()
    assert page.locator(".block-superset .item").count() == 2

    # Inline edit without a reload: the row opens on click and saves on change.
    first = page.locator(".item").first
    first.locator(".item-edit > summary").click()
    expect(first).to_have_class(re.compile(r"\bselected\b"))
    first.get_by_label("Sets").fill("4")
    first.get_by_label("Sets").dispatch_event("change")
    page.locator(".item .saved").first.wait_for()
    bench = PrescribedExercise.objects.get(exercise__name="Dumbbell Bench Press")
    assert bench.sets == 4

    # Keyboard alternative to drag and drop: arrow down to the row, then the toolbar moves it.
    first.locator(".item-edit > summary").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator(".item").nth(1).locator(".item-edit > summary")).to_be_focused()
    toolbar = workout.get_by_role("toolbar")
    expect(toolbar).to_contain_text("A2 One-Arm Dumbbell Row")
    toolbar.get_by_role("button", name="Move up").click()
    expect(page.locator(".item .item-name").first).to_contain_text("Row")
    expect(page.locator(".item.selected .item-name")).to_contain_text("Row")  # still the one selected
    assert list(bench.block.items.order_by("position").values_list("exercise__name", flat=True))[0].startswith(
        "One-Arm"
    )
    # One toolbar for every exercise: copy the selected one, then remove the copy.
    toolbar.get_by_role("button", name="Duplicate").click()
    expect(page.locator(".item")).to_have_count(3)
    page.once("dialog", lambda dialog: dialog.accept())
    workout.get_by_role("toolbar").get_by_role("button", name="Remove").click()
    expect(page.locator(".item")).to_have_count(2)
    assert PrescribedExercise.objects.filter(block=bench.block).count() == 2

    # Folding is kept across a reload (in the browser and the address).
    workout.locator("summary.workout-summary").click()
    expect(workout).not_to_have_attribute("open", "")
    page.wait_for_url(re.compile(r"[?&]open=none"))  # the toggle event has been handled
    page.reload()
    expect(page.locator("details.workout").first).not_to_have_attribute("open", "")
    page.locator("details.workout summary.workout-summary").first.click()
    expect(page.locator("details.workout").first.get_by_role("toolbar")).to_be_visible()

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
    expect(page.get_by_text("Strength base was assigned to Chloe Park")).to_be_visible()
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
    expect(page.get_by_text("Filled in from the client's intake")).to_be_visible()
    assert page.get_by_label("Days per week").input_value() == "3"
    page.screenshot(path=f"{screenshot_dir}/training-generate.png", full_page=True)
    page.get_by_role("button", name="Generate the draft").click()
    page.wait_for_url(re.compile(r"/training/programs/\d+/$"))
    expect(page.get_by_text("Everything fits")).to_be_visible()
    expect(page.locator(".reason").first).to_be_visible()
    program = Program.objects.get(origin="generated")
    first = (
        PrescribedExercise.objects.filter(block__workout__program=program)
        .order_by("block__workout__week__position", "block__workout__position", "block__position", "position")
        .first()
    )
    item = page.locator(f"#item-{first.pk}")
    item.locator(".item-edit > summary").click()
    page.locator(f"details.workout:has(#item-{first.pk})").get_by_role("toolbar").get_by_role(
        "button", name="Swap…"
    ).click()
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
    expect(page.get_by_text("Barbell Full Squat").first).to_be_visible()
    page.get_by_label("Comment").first.fill("Lovely progress, Ana!")
    page.screenshot(path=f"{screenshot_dir}/training-client-charts.png", full_page=True)
    page.get_by_role("button", name="Comment").first.click()
    page.get_by_text("Comment added").wait_for()
    expect(page.get_by_text("Lovely progress, Ana!")).to_be_visible()


def test_a_client_logs_a_workout_on_a_phone_and_the_coach_sees_what_was_done(
    browser, page, live_server, screenshot_dir
):
    """Done boxes start unticked; typing ticks a set; a ticked set left blank is stored as
    prescribed; an untouched exercise is stored as not done and the log is partly done."""
    from tests.factories import UserFactory
    from tests.training.factories import ExerciseFactory
    from training import selectors, services
    from training.models import WorkoutLog

    coach = MembershipFactory(role="coach")
    org = coach.organization
    user = UserFactory()
    client = ClientFactory(organization=org, user=user, email=user.email, first_name="Mia", last_name="Ortiz")
    program = services.create_program(organization=org, name="Base")
    workout = services.add_workout(week=program.weeks.get(), name="Lower body", day=1)
    squat_block = services.add_block(workout=workout)
    services.add_prescribed_exercise(
        block=squat_block,
        exercise=ExerciseFactory(organization=org, name="Back squat"),
        sets=3,
        reps_min=5,
        load_type="kg",
        load_value=100,
    )
    row_block = services.add_block(workout=workout)
    services.add_prescribed_exercise(
        block=row_block, exercise=ExerciseFactory(organization=org, name="Ring row"), sets=2, reps_min=10
    )
    today = selectors.client_today(client)
    services.assign_program(program=program, clients=[client], start_date=today)

    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    errors = []
    mobile = phone.new_page()
    mobile.set_default_timeout(15000)
    mobile.on("pageerror", lambda exc: errors.append(str(exc)))
    mobile.goto("/account/login/")
    mobile.get_by_label("Email").fill(user.email)
    mobile.locator("#id_password").fill(PASSWORD)
    mobile.get_by_role("button", name="Log in").click()
    mobile.wait_for_url(re.compile(r"/(dashboard|portal)/"))
    mobile.goto("/portal/workouts/")
    mobile.get_by_role("link", name="Log this workout").first.click()
    mobile.wait_for_url(re.compile(r"/portal/workouts/.+/log/"))
    done = [mobile.get_by_label(f"Back squat, set {n}: Done") for n in (1, 2, 3)]
    for box in done:
        expect(box).not_to_be_checked()
    expect(mobile.get_by_text("Target: 5 reps · 100 kg").first).to_be_visible()
    # Set 1 typed (which ticks it), set 2 ticked and left blank, set 3 short; the row untouched.
    mobile.get_by_label("Back squat, set 1: Reps").fill("5")
    mobile.get_by_label("Back squat, set 1: Load (kg)").fill("100")
    expect(done[0]).to_be_checked()
    done[1].check()
    mobile.get_by_label("Back squat, set 3: Reps").fill("4")
    expect(done[2]).to_be_checked()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    mobile.screenshot(path=f"{screenshot_dir}/training-portal-log-phone.png", full_page=True)
    mobile.get_by_role("button", name="Save workout").click()
    mobile.get_by_text("Workout saved").wait_for()
    assert not errors, errors
    phone.close()

    log = WorkoutLog.objects.get(client=client)
    assert log.status == "partial"
    stored = [
        (s.exercise.name, s.set_number, s.reps, s.load_kg, s.is_done, s.from_prescription) for s in log.sets.all()
    ]
    # Set 3's load was left blank: it is the prescribed 100 kg.
    assert sorted(stored) == [
        ("Back squat", 1, 5, 100, True, False),
        ("Back squat", 2, 5, 100, True, True),
        ("Back squat", 3, 4, 100, True, True),
        ("Ring row", 1, None, None, False, False),
        ("Ring row", 2, None, None, False, False),
    ]

    _login(page, coach.user.email)
    page.goto(f"/training/clients/{client.pk}/")
    entry = page.locator(f"#log-{log.pk}")
    expect(entry.locator(".badge")).to_have_text("Partly done")
    expect(entry.get_by_text("(as prescribed)")).to_have_count(2)
    expect(entry.get_by_text("(not done)")).to_have_count(2)
    expect(page.get_by_text("1 of 1 scheduled workouts done")).to_be_visible()
    expect(page.get_by_text("3 of 5 prescribed sets done (60%)")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/training-coach-sees-partial-log.png", full_page=True)
