"""The exercise catalogue answers conditional GETs: an unchanged page is a 304 without touching
the exercise tables, a change by the business (or to the library) shows at once, and one
business's cached answer is never another's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import api_as
from tests.factories import MembershipFactory, OrganizationFactory
from training import services
from training.models import Exercise

from .factories import ExerciseFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/exercises/"


@pytest.fixture
def library():
    """The first exercises of the shared library, in the list's order."""
    return list(Exercise.objects.library().filter(is_archived=False).order_by("name", "id")[:3])


def _exercise_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "training_exercise" in q["sql"]]


def test_an_unchanged_page_is_a_304_without_reading_the_catalogue(owner_api, library):
    first = owner_api.get(LIST)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    assert first["Cache-Control"] == "private, no-cache"
    assert [row["name"] for row in first.json()["results"]][:3] == [e.name for e in library]
    with CaptureQueriesContext(connection) as queries:
        again = owner_api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    assert _exercise_queries(queries) == []
    # Without the header the body comes from the shared cache: the same bytes, no catalogue query.
    with CaptureQueriesContext(connection) as queries:
        cached = owner_api.get(LIST)
    assert cached.status_code == 200 and cached.content == first.content
    assert _exercise_queries(queries) == []
    # Another page, another answer.
    assert owner_api.get(LIST, {"q": "squat"})["ETag"] != first["ETag"]


def test_a_change_by_the_business_or_to_the_library_shows_at_once(owner_api, owner, org, library):
    first = owner_api.get(LIST)
    services.save_exercise_override(organization=org, exercise=library[0], actor=owner, instructions="Slow down.")
    changed = owner_api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert changed.json()["results"][0]["instructions"] == "Slow down."
    own = ExerciseFactory(organization=org, name="Aaa house special")
    assert owner_api.get(LIST, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200
    assert [r["name"] for r in owner_api.get(LIST, {"q": "house special"}).json()["results"]][:1] == [
        "Aaa house special"
    ]
    assert owner_api.get(f"{LIST}{own.pk}/").json()["name"] == "Aaa house special"
    library[1].name = "Aab renamed lift"
    library[1].save()
    assert owner_api.get(f"{LIST}{library[1].pk}/").json()["name"] == "Aab renamed lift"


def test_one_business_never_gets_anothers_cached_answer(owner_api, owner, org, library):
    other = OrganizationFactory()
    other_api = api_as(MembershipFactory(organization=other, role="owner").user)
    services.save_exercise_override(organization=org, exercise=library[0], actor=owner, instructions="Ours only.")
    ours = owner_api.get(LIST)
    theirs = other_api.get(LIST, HTTP_IF_NONE_MATCH=ours["ETag"])
    assert theirs.status_code == 200 and theirs["ETag"] != ours["ETag"]
    assert theirs.json()["results"][0]["instructions"] != "Ours only."
    # Their own change leaves our answer valid.
    ExerciseFactory(organization=other, name="Theirs")
    assert owner_api.get(LIST, HTTP_IF_NONE_MATCH=ours["ETag"]).status_code == 304
    # Someone outside the business gets no answer at all, ETag or not.
    assert (
        api_as(MembershipFactory(role="owner").user).get(f"{LIST}{ExerciseFactory(organization=org).pk}/").status_code
        == 404
    )


def test_personal_answers_and_errors_are_not_cached(owner_api, org, library):
    assert "ETag" not in owner_api.get(LIST, {"client": "abc"})
    assert owner_api.get(f"{LIST}999999/").status_code == 404
    before = owner_api.get(LIST)
    # The data set's library is written in bulk (no signals) and still invalidates the answers.
    Exercise.objects.filter(pk=library[0].pk).update(name="Aaa stale name")
    assert owner_api.get(LIST, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304  # not seen: no signal
    assert services.load_exercise_library()["updated"] == 1
    after = owner_api.get(LIST, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after.json()["results"][0]["name"] == library[0].name
