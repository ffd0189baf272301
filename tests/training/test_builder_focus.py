"""The builder of a five-week program stays usable from the keyboard: the workouts are collapsed
except the one being edited, and one toolbar acts on the selected exercise, so the page has a
few hundred focusable controls rather than thousands."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import ClientFactory
from training import services
from training.generator.profile import profile_from_answers
from training.models import Block, PrescribedExercise, Workout

from .factories import ExerciseFactory

pytestmark = pytest.mark.django_db

FOCUSABLE = {"a", "button", "input", "select", "textarea", "summary"}


class FocusableCounter(HTMLParser):
    """Counts the controls a keyboard can reach in server-rendered HTML: links with an href,
    buttons, fields (not hidden ones), summaries and anything with tabindex >= 0, except those
    inside a closed <details> (its summary excepted), a <noscript> or a <template>."""

    def __init__(self):
        super().__init__()
        self.details: list[list[bool]] = []  # [open, inside its summary]
        self.skip = 0
        self.count = 0
        self.reachable: list[str] = []

    def hidden(self) -> bool:
        return self.skip > 0 or any(not is_open and not in_summary for is_open, in_summary in self.details)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("noscript", "template"):
            self.skip += 1
            return
        if tag == "summary" and self.details:
            # A summary belongs to its details: it shows when that details' ancestors are open.
            self.details[-1][1] = True
        if not self.hidden() and self._focusable(tag, attrs):
            self.count += 1
            self.reachable.append(f"{tag} {attrs.get('id') or attrs.get('name') or attrs.get('aria-label') or ''}")
        if tag == "details":
            self.details.append(["open" in attrs, False])

    def handle_endtag(self, tag):
        if tag in ("noscript", "template"):
            self.skip -= 1
        elif tag == "summary" and self.details:
            self.details[-1][1] = False
        elif tag == "details" and self.details:
            self.details.pop()

    @staticmethod
    def _focusable(tag, attrs) -> bool:
        tabindex = attrs.get("tabindex")
        if tabindex is not None:
            return int(tabindex) >= 0
        if "disabled" in attrs or "hidden" in attrs:
            return False
        if tag == "a":
            return "href" in attrs
        if tag == "input":
            return attrs.get("type") != "hidden"
        return tag in FOCUSABLE


def focusable_count(html: str) -> int:
    counter = FocusableCounter()
    counter.feed(html)
    return counter.count


def _five_week_draft(org):
    profile = profile_from_answers(
        {
            "goal": "hypertrophy",
            "experience": "intermediate",
            "days_per_week": 4,
            "session_minutes": 75,
            "equipment": ["barbell", "dumbbell", "cable"],
            "injuries": [],
        }
    )
    program = services.generate_draft(organization=org, profile=profile, seed=3)
    services.apply_progression(program=program, weeks=5)
    return program


def test_a_five_week_program_has_a_few_hundred_focusable_controls(client, coach, org, library):
    client.force_login(coach)
    program = _five_week_draft(org)
    workouts = Workout.objects.filter(program=program).count()
    items = PrescribedExercise.objects.filter(block__workout__program=program).count()
    assert program.weeks.count() == 5 and workouts >= 20 and items >= 100
    url = reverse("training:builder", args=[program.pk])
    html = client.get(url).content.decode()
    # Every workout is there, folded but for the first one; each exercise has its row.
    assert html.count('class="workout card"') == workouts
    assert len(re.findall(r'class="workout card" id="workout-\d+" data-id="\d+" open>', html)) == 1
    assert html.count('class="item reps-') == items
    assert focusable_count(html) < 250
    # A workout named in the address (as the builder's script keeps it) is the one unfolded,
    # with its week.
    last = Workout.objects.filter(program=program).order_by("-week__position", "-position").first()
    opened = client.get(url, {"open": last.pk}).content.decode()
    assert f'id="workout-{last.pk}" data-id="{last.pk}" open>' in opened
    assert f'id="week-{last.week_id}" data-program="{program.pk}" open>' in opened
    assert focusable_count(opened) < 250
    everything = ",".join(str(pk) for pk in Workout.objects.filter(program=program).values_list("pk", flat=True))
    assert focusable_count(client.get(url, {"open": everything}).content.decode()) > 250  # what folding saves
    assert focusable_count(client.get(url, {"open": "none"}).content.decode()) < 100


HTMX = {"HTTP_HX_REQUEST": "true"}


def _workout_with(org, *shape):
    """A workout whose blocks hold the given number of exercises: ("straight", 3), ..."""
    program = services.create_program(organization=org, name="Shape")
    workout = services.add_workout(week=program.weeks.get())
    for kind, count in shape:
        block = services.add_block(workout=workout, kind=kind)
        for _n in range(count):
            services.add_prescribed_exercise(block=block, exercise=ExerciseFactory(organization=org), reps_min=5)
    return workout


def _layout(workout):
    return [
        (block.kind, [item.exercise.name for item in block.items.order_by("position")])
        for block in Block.objects.filter(workout=workout).order_by("position")
    ]


def test_the_toolbar_pairs_copies_moves_and_removes_the_selected_exercise(client, coach, org):
    client.force_login(coach)
    workout = _workout_with(org, ("straight", 4), ("superset", 2))
    (a, b, c, d), (e, f) = [names for _kind, names in _layout(workout)]
    item = PrescribedExercise.objects.get(exercise__name=b)

    def act(name, action):
        target = PrescribedExercise.objects.get(exercise__name=name)
        return client.post(reverse("training:item_action", args=[target.pk, action]), **HTMX)

    # Two exercises in the middle of straight sets become a superset of their own: B1/B2.
    response = act(b, "superset")
    assert response.status_code == 200 and 'id="workout-' in response.content.decode()
    assert _layout(workout) == [("straight", [a]), ("superset", [b, c]), ("straight", [d]), ("superset", [e, f])]
    html = response.content.decode()
    assert html.count('<span class="item-label">B1</span>') == 1 and 'role="toolbar"' in html
    # A lone exercise next to a superset joins it; the emptied block goes.
    act(d, "superset")
    assert _layout(workout) == [("straight", [a]), ("superset", [b, c]), ("superset", [d, e, f])]
    refused = act(e, "superset")
    assert refused.status_code == 422 and "already done together" in refused.content.decode()
    last = act(f, "superset")
    assert last.status_code == 422 and "last exercise" in last.content.decode()
    # Duplicate puts a copy right after it; move and remove act on the one chosen.
    act(a, "duplicate")
    assert _layout(workout)[0] == ("straight", [a, a])
    copy = PrescribedExercise.objects.filter(exercise__name=a).order_by("position").last()
    assert copy.sets == item.sets and copy.pk != item.pk
    act(c, "up")
    assert _layout(workout)[1] == ("superset", [c, b])
    client.post(reverse("training:item_action", args=[copy.pk, "delete"]), **HTMX)
    assert _layout(workout)[0] == ("straight", [a])


def test_other_business_cannot_use_the_toolbar(client, coach, org):
    workout = _workout_with(org, ("straight", 2))
    item = PrescribedExercise.objects.filter(block__workout=workout).first()
    other = services.create_program(organization=ClientFactory().organization, name="Theirs")
    client.force_login(coach)
    for action in ("duplicate", "superset"):
        assert client.post(reverse("training:item_action", args=[item.pk, action]), **HTMX).status_code == 200
    from tests.factories import MembershipFactory

    stranger = MembershipFactory(organization=other.organization, role="owner").user
    client.force_login(stranger)
    for action in ("duplicate", "superset", "up", "delete"):
        assert client.post(reverse("training:item_action", args=[item.pk, action]), **HTMX).status_code == 404
    assert PrescribedExercise.objects.filter(block__workout=workout).count() == 3


def _fields(item, **values):
    prefix = f"item-{item.pk}"
    base = {
        "sets": 5,
        "reps_type": "fixed",
        "reps_min": 5,
        "load_type": "kg",
        "load_value": "225",
        "rest_seconds": 120,
        "progression": "load",
        "progression_unit": "amount",
        "progression_amount": "5",
    }
    base.update(values)
    return {f"{prefix}-{key}": value for key, value in base.items()}


def test_loads_are_typed_in_pounds_for_an_imperial_business_and_stored_in_kg(client, coach, org):
    org.unit_system = "imperial"
    org.save(update_fields=["unit_system"])
    client.force_login(coach)
    workout = _workout_with(org, ("straight", 1))
    item = PrescribedExercise.objects.get(block__workout=workout)
    url = reverse("training:item_action", args=[item.pk, "edit"])
    row = client.post(url, _fields(item), **HTMX)
    assert row.status_code == 200, row.content.decode()
    item.refresh_from_db()
    assert item.load_value == Decimal("102.06")  # 225 lb
    assert item.progression_amount == Decimal("2.27")  # 5 lb a week
    html = row.content.decode()
    prefix = f"item-{item.pk}"
    assert f'name="{prefix}-load_value" value="225.0"' in html and 'step="5"' in html
    assert f'name="{prefix}-progression_amount" value="5.0"' in html
    assert "lb each week, in steps of 5 lb" in html and "5 × 5 @ 225 lb" in html and "225 lb" in html
    assert '<option value="kg" selected>lb</option>' in html
    # Saving the row unchanged keeps the same kilograms; a step that is not whole plates is refused.
    client.post(url, _fields(item, load_value="225.0", progression_amount="5.0"), **HTMX)
    item.refresh_from_db()
    assert item.load_value == Decimal("102.06") and item.progression_amount == Decimal("2.27")
    bad = client.post(url, _fields(item, progression_amount="3"), **HTMX)
    assert bad.status_code == 422 and "Add load in steps of 5 lb" in bad.content.decode()
    # Progression writes the following weeks in whole 5 lb steps.
    services.apply_progression(program=workout.program, weeks=3)
    loads = sorted(
        PrescribedExercise.objects.filter(block__workout__program=workout.program).values_list("load_value", flat=True)
    )
    assert [round(load / Decimal("0.45359237")) for load in loads] == [225, 230, 235]


def test_a_clients_program_is_written_in_the_clients_units(client, coach, org):
    client.force_login(coach)
    athlete = ClientFactory(organization=org, unit_system="imperial")
    workout = _workout_with(org, ("straight", 1))
    program = workout.program
    program.client = athlete
    program.save(update_fields=["client"])
    item = PrescribedExercise.objects.get(block__workout=workout)
    client.post(reverse("training:item_action", args=[item.pk, "edit"]), _fields(item, load_value="135"), **HTMX)
    item.refresh_from_db()
    assert item.load_value == Decimal("61.24")  # 135 lb
    page = client.get(reverse("training:builder", args=[program.pk])).content.decode()
    assert "@ 135 lb" in page and 'value="135.0"' in page
    # The same business's templates stay metric.
    template = _workout_with(org, ("straight", 1))
    other = PrescribedExercise.objects.get(block__workout=template)
    client.post(
        reverse("training:item_action", args=[other.pk, "edit"]),
        _fields(other, load_value="100", progression_amount="2.5"),
        **HTMX,
    )
    other.refresh_from_db()
    assert other.load_value == Decimal("100") and other.progression_amount == Decimal("2.5")
