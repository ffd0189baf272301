"""Health data from phones: bulk samples, idempotency, SI units, local days (DST), sleep for
the day of waking, weight into the Weight measurement, validation by index, query counts."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from clients import services
from clients.models import HealthDay, HealthSample, Metric, ProgressEntry
from mecto.models import Event
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

SAMPLES = "/api/v1/me/health/samples/"
DAILY = "/api/v1/me/health/daily/"


@pytest.fixture
def person(org):
    services.ensure_builtin_metrics(organization=org)
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email, time_zone="Europe/London")


@pytest.fixture
def phone(person):
    return api_as(person.user)


def steps(n, value, start, hours=1, **extra):
    start_at = datetime.datetime.fromisoformat(start)
    return {
        "id": f"steps-{n}",
        "kind": "steps",
        "value": value,
        "start": start_at.isoformat(),
        "end": (start_at + datetime.timedelta(hours=hours)).isoformat(),
        "source": "Apple Health",
        "device": "iPhone",
        **extra,
    }


def post(api, samples):
    return api.post(SAMPLES, {"samples": samples}, format="json")


def day_value(client, kind, day):
    return HealthDay.objects.get(client=client, kind=kind, day=datetime.date.fromisoformat(day)).value


# --- Bulk, idempotent, updates ---------------------------------------------------------------------------
@freeze_time("2026-03-10T20:00:00Z")
def test_a_week_of_hourly_steps_is_stored_and_summed_per_day(person, phone):
    batch = [
        steps(day * 24 + hour, 100 + hour, f"2026-03-0{day + 1}T{hour:02d}:00:00+00:00")
        for day in range(7)
        for hour in range(24)
    ]
    response = post(phone, batch)
    assert response.status_code == 200, response.data
    assert response.data["received"] == response.data["created"] == 168
    assert len(response.data["days"]) == 7 and response.data["days"][0] == {"kind": "steps", "day": "2026-03-01"}
    assert HealthSample.objects.filter(client=person).count() == 168
    expected = sum(100 + hour for hour in range(24))
    assert day_value(person, "steps", "2026-03-01") == expected
    assert HealthDay.objects.get(client=person, day="2026-03-07").sample_count == 24
    assert Event.objects.filter(name="health.synced", client_id=person.pk).count() == 1


@freeze_time("2026-03-10T20:00:00Z")
def test_sending_a_batch_again_changes_nothing_and_a_new_value_replaces_the_old(person, phone):
    batch = [steps(1, 500, "2026-03-09T08:00:00+00:00"), steps(2, 700, "2026-03-09T09:00:00+00:00")]
    assert post(phone, batch).data["created"] == 2
    again = post(phone, batch)
    assert again.status_code == 200
    assert again.data | {"days": []} == {"received": 2, "created": 0, "updated": 0, "unchanged": 2, "days": []}
    assert HealthSample.objects.count() == 2
    assert Event.objects.filter(name="health.synced").count() == 1  # nothing new, nothing announced
    batch[1]["value"] = 900
    changed = post(phone, batch)
    assert (changed.data["updated"], changed.data["unchanged"]) == (1, 1)
    assert HealthSample.objects.get(external_id="steps-2").value == 900
    assert day_value(person, "steps", "2026-03-09") == 1400


@freeze_time("2026-03-10T20:00:00Z")
def test_a_sample_moved_to_another_day_rebuilds_both_days(person, phone):
    post(phone, [steps(1, 500, "2026-03-08T08:00:00+00:00"), steps(2, 300, "2026-03-09T08:00:00+00:00")])
    post(phone, [steps(1, 500, "2026-03-09T10:00:00+00:00")])
    assert not HealthDay.objects.filter(client=person, day="2026-03-08").exists()
    assert day_value(person, "steps", "2026-03-09") == 800


# --- Units, kinds -------------------------------------------------------------------------------------
@freeze_time("2026-03-10T20:00:00Z")
def test_units_are_converted_to_si(person, phone):
    response = post(
        phone,
        [
            {"id": "w", "kind": "weight", "value": 176.37, "unit": "lb", "start": "2026-03-10T07:00:00Z"},
            {"id": "e1", "kind": "active_energy", "value": 100, "unit": "kcal", "start": "2026-03-10T08:00:00Z"},
            {"id": "e2", "kind": "active_energy", "value": 100, "unit": "kJ", "start": "2026-03-10T09:00:00Z"},
            {
                "id": "s",
                "kind": "sleep",
                "value": 7.5,
                "unit": "h",
                "start": "2026-03-09T22:30:00Z",
                "end": "2026-03-10T06:30:00Z",
            },
            {"id": "r", "kind": "resting_hr", "value": 52, "start": "2026-03-10T06:00:00Z"},
        ],
    )
    assert response.status_code == 200, response.data
    assert HealthSample.objects.get(external_id="w").value == Decimal("80.000")
    assert HealthSample.objects.get(external_id="w").unit == "lb"
    assert HealthSample.objects.get(external_id="e1").value == Decimal("418.400")
    assert HealthSample.objects.get(external_id="e2").unit == "kJ"
    assert day_value(person, "active_energy", "2026-03-10") == Decimal("518.400")
    assert day_value(person, "sleep", "2026-03-10") == 27000
    assert day_value(person, "resting_hr", "2026-03-10") == 52
    daily = phone.get(DAILY, {"kind": "active_energy"}).data["results"]
    assert daily[0]["display_value"] == 124 and daily[0]["display_unit"] == "kcal"


@freeze_time("2026-03-10T20:00:00Z")
def test_heart_rate_days_keep_the_average_lowest_and_highest(person, phone):
    post(
        phone,
        [
            {"id": f"hr{n}", "kind": "average_hr", "value": v, "unit": "bpm", "start": f"2026-03-10T{8 + n:02d}:00Z"}
            for n, v in enumerate([60, 90, 75])
        ],
    )
    row = HealthDay.objects.get(client=person, kind="average_hr")
    assert (row.value, row.minimum, row.maximum, row.sample_count) == (75, 60, 90, 3)


# --- Local days: time zones and DST ----------------------------------------------------------------------
@freeze_time("2026-04-01T12:00:00Z")
def test_days_are_the_clients_local_days_across_the_spring_dst_change(person, phone):
    """London springs forward on 29 March 2026: that day has 23 hours, and 23:30 UTC on the
    28th (GMT) is still the 28th while 23:30 UTC on the 29th (BST) is already the 30th."""
    post(
        phone,
        [
            steps(1, 10, "2026-03-28T23:30:00+00:00", hours=0),  # 23:30 GMT → 28th
            steps(2, 20, "2026-03-29T00:30:00+00:00", hours=0),  # 00:30 GMT → 29th
            steps(3, 40, "2026-03-29T22:30:00+00:00", hours=0),  # 23:30 BST → 29th
            steps(4, 80, "2026-03-29T23:30:00+00:00", hours=0),  # 00:30 BST → 30th
        ],
    )
    days = dict(HealthDay.objects.filter(client=person).values_list("day", "value"))
    assert days == {
        datetime.date(2026, 3, 28): 10,
        datetime.date(2026, 3, 29): 60,
        datetime.date(2026, 3, 30): 80,
    }
    # Re-sending one of the 29th's samples rebuilds that day from all of its samples, DST-bounded.
    post(phone, [steps(3, 45, "2026-03-29T22:30:00+00:00", hours=0)])
    assert day_value(person, "steps", "2026-03-29") == 65
    assert day_value(person, "steps", "2026-03-30") == 80


@freeze_time("2026-11-02T12:00:00Z")
def test_a_client_far_from_utc_gets_their_own_local_day_in_autumn(org, phone):
    client = ClientFactory(organization=org, user=UserFactory(), time_zone="America/New_York")
    api = api_as(client.user)
    # New York falls back on 1 November 2026: 04:30 UTC is 23:30 on 31 October (EDT)
    post(api, [steps(1, 5, "2026-11-01T03:30:00+00:00", hours=0), steps(2, 7, "2026-11-02T04:30:00+00:00", hours=0)])
    days = dict(HealthDay.objects.filter(client=client).values_list("day", "value"))
    assert days == {datetime.date(2026, 10, 31): 5, datetime.date(2026, 11, 1): 7}


# --- Sleep --------------------------------------------------------------------------------------------
@freeze_time("2026-03-12T12:00:00Z")
def test_sleep_counts_for_the_day_of_waking_and_only_time_asleep(person, phone):
    night = [
        ("a", "in_bed", "2026-03-10T22:00:00Z", "2026-03-11T06:30:00Z"),
        ("b", "light", "2026-03-10T22:20:00Z", "2026-03-10T23:50:00Z"),  # ends before midnight
        ("c", "awake", "2026-03-10T23:50:00Z", "2026-03-11T00:10:00Z"),
        ("d", "deep", "2026-03-11T00:10:00Z", "2026-03-11T02:10:00Z"),
        ("e", "rem", "2026-03-11T02:10:00Z", "2026-03-11T06:10:00Z"),
    ]
    post(phone, [{"id": i, "kind": "sleep", "stage": s, "start": a, "end": b} for i, s, a, b in night])
    # 1 h 30 light + 2 h deep + 4 h REM, all for the morning of the 11th; awake and in bed are not sleep
    assert dict(HealthDay.objects.filter(client=person, kind="sleep").values_list("day", "value")) == {
        datetime.date(2026, 3, 11): 7.5 * 3600
    }
    # A nap in the afternoon counts for that day too; a tracker with only "in bed" counts that.
    post(phone, [{"id": "nap", "kind": "sleep", "start": "2026-03-11T14:00:00Z", "end": "2026-03-11T14:30:00Z"}])
    assert day_value(person, "sleep", "2026-03-11") == 8 * 3600
    post(
        phone,
        [{"id": "bed", "kind": "sleep", "stage": "in_bed", "start": "2026-03-11T23:00Z", "end": "2026-03-12T07:00Z"}],
    )
    assert day_value(person, "sleep", "2026-03-12") == 8 * 3600


# --- Weight into the measurement ----------------------------------------------------------------------
@freeze_time("2026-03-10T20:00:00Z")
def test_the_days_last_weight_becomes_the_weight_measurement(person, phone):
    weight = Metric.objects.get(organization=person.organization, key="weight")
    post(
        phone,
        [
            {"id": "w1", "kind": "weight", "value": 81.2, "unit": "kg", "start": "2026-03-10T06:00:00Z"},
            {"id": "w2", "kind": "weight", "value": 80.6, "unit": "kg", "start": "2026-03-10T19:00:00Z"},
            {"id": "w3", "kind": "weight", "value": 81.0, "unit": "kg", "start": "2026-03-09T07:00:00Z"},
        ],
    )
    entries = dict(ProgressEntry.objects.filter(client=person, metric=weight).values_list("recorded_on", "value"))
    assert entries == {datetime.date(2026, 3, 10): Decimal("80.6"), datetime.date(2026, 3, 9): Decimal("81")}
    assert set(ProgressEntry.objects.values_list("source", flat=True)) == {"device"}
    # What the client or coach typed for a day stays; the phone's later reading does not replace it.
    services.log_progress(client=person, values={"weight": "79.9"}, recorded_on="2026-03-09", source="client")
    post(phone, [{"id": "w3", "kind": "weight", "value": 82.0, "unit": "kg", "start": "2026-03-09T07:00:00Z"}])
    assert ProgressEntry.objects.get(client=person, metric=weight, recorded_on="2026-03-09").value == Decimal("79.9")
    assert day_value(person, "weight", "2026-03-09") == 82
    # A reading moved to another day takes the synced measurement with it.
    post(phone, [{"id": "w2", "kind": "weight", "value": 80.6, "unit": "kg", "start": "2026-03-08T19:00:00Z"}])
    entries = dict(ProgressEntry.objects.filter(client=person, metric=weight).values_list("recorded_on", "value"))
    assert entries[datetime.date(2026, 3, 10)] == Decimal("81.2")
    assert entries[datetime.date(2026, 3, 8)] == Decimal("80.6")


# --- Validation ---------------------------------------------------------------------------------------
@freeze_time("2026-03-10T20:00:00Z")
def test_every_bad_sample_is_named_by_its_index_and_nothing_is_saved(person, phone):
    good = steps(0, 100, "2026-03-10T08:00:00+00:00")
    bad = [
        good,
        {"id": "hr", "kind": "resting_hr", "value": 300, "start": "2026-03-10T06:00:00Z"},
        {"id": "w", "kind": "weight", "value": 80, "start": "2026-03-10T06:00:00Z"},  # no unit
        {"id": "w2", "kind": "weight", "value": 900, "unit": "lb", "start": "2026-03-10T06:00:00Z"},
        {"id": "st", "kind": "steps", "value": 100000, "start": "2026-03-10T06:00:00Z"},
        {"id": "neg", "kind": "steps", "value": -1, "start": "2026-03-10T06:00:00Z"},
        {"id": "sl", "kind": "sleep", "start": "2026-03-09T06:00:00Z", "end": "2026-03-10T07:00:00Z"},
        {"id": "naive", "kind": "steps", "value": 1, "start": "2026-03-10T06:00:00"},
        {"id": "future", "kind": "steps", "value": 1, "start": "2026-03-20T06:00:00Z"},
        {"id": "kind", "kind": "blood_pressure", "value": 1, "start": "2026-03-10T06:00:00Z"},
        {"id": "type", "kind": "steps", "value": "lots", "start": "2026-03-10T06:00:00Z"},
        {"id": "bool", "kind": "steps", "value": True, "start": "2026-03-10T06:00:00Z"},
        {"id": ["x"], "kind": "steps", "value": 1, "start": 12},
        "not an object",
        {"id": "steps-0", "kind": "steps", "value": 1, "start": "2026-03-10T06:00:00Z"},  # same id twice
        {"id": "back", "kind": "steps", "value": 1, "start": "2026-03-10T06:00:00Z", "end": "2026-03-10T05:00:00Z"},
        {"id": "en", "kind": "active_energy", "value": 10, "unit": "joules", "start": "2026-03-10T06:00:00Z"},
        {"id": "stage", "kind": "sleep", "stage": "dreaming", "start": "2026-03-10T01:00Z", "end": "2026-03-10T02:00Z"},
        {"id": "long", "kind": "steps", "value": 1, "start": "2026-03-10T06:00:00Z", "device": "x" * 121},
    ]
    response = post(phone, bad)
    assert response.status_code == 400
    errors = response.data["errors"]
    assert set(errors) == {
        "samples.1.value",
        "samples.2.unit",
        "samples.3.value",
        "samples.4.value",
        "samples.5.value",
        "samples.6.end",
        "samples.7.start",
        "samples.8.start",
        "samples.9.kind",
        "samples.10.value",
        "samples.11.value",
        "samples.12.id",
        "samples.12.start",
        "samples.13",
        "samples.14.id",
        "samples.15.end",
        "samples.16.unit",
        "samples.17.stage",
        "samples.18.device",
    }, errors
    assert "20 to 250" in errors["samples.1.value"][0]
    assert HealthSample.objects.count() == 0 and HealthDay.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"samples": "steps"},
        {"samples": []},
        {"samples": None},
        {"samples": {"id": "x"}},
        {"samples": [None]},
        {"samples": [[1, 2]]},
    ],
)
def test_garbage_is_a_400_never_a_500(phone, body):
    response = phone.post(SAMPLES, body, format="json")
    assert response.status_code == 400, response.data
    assert response.data["errors"]
    assert HealthSample.objects.count() == 0


def test_nan_infinity_and_bodies_that_are_not_objects_are_refused(phone):
    for raw in (
        '{"samples": [{"id": "a", "kind": "steps", "value": NaN, "start": "2026-03-10T06:00Z"}]}',
        '{"samples": [{"id": "a", "kind": "steps", "value": Infinity, "start": "2026-03-10T06:00Z"}]}',
        "[1, 2]",
        "not json",
    ):
        response = phone.generic("POST", SAMPLES, raw, content_type="application/json")
        assert response.status_code == 400, raw
    string_nan = post(phone, [{"id": "a", "kind": "steps", "value": "NaN", "start": "2026-03-10T06:00Z"}])
    assert string_nan.status_code == 400 and "samples.0.value" in string_nan.data["errors"]
    assert HealthSample.objects.count() == 0


def test_a_batch_over_the_limit_is_refused_whole(phone):
    batch = [steps(n, 1, "2026-03-01T00:00:00+00:00", hours=0) for n in range(services.MAX_HEALTH_SAMPLES + 1)]
    response = post(phone, batch)
    assert response.status_code == 400 and "samples" in response.data["errors"]
    assert HealthSample.objects.count() == 0


def test_a_huge_body_is_a_400(phone, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = phone.generic("POST", SAMPLES, json.dumps({"samples": [{"id": "x" * 20_000}]}), "application/json")
    assert response.status_code in (400, 413)
    assert HealthSample.objects.count() == 0


# --- Efficiency ---------------------------------------------------------------------------------------
def _queries_for(phone, n: int, offset: int) -> int:
    batch = [steps(offset + i, 10, f"2026-03-0{1 + i % 7}T{i % 24:02d}:00:00+00:00", hours=0) for i in range(n)]
    with CaptureQueriesContext(connection) as captured:
        response = post(phone, batch)
    assert response.status_code == 200, response.data
    return len(captured)


@freeze_time("2026-03-10T20:00:00Z")
def test_query_count_does_not_grow_with_the_batch(phone):
    small = _queries_for(phone, 10, 0)
    # 60 samples fit in one insert statement on every database (SQLite's 999-parameter limit
    # splits larger inserts into statements of ~70 rows; PostgreSQL takes the whole batch).
    assert _queries_for(phone, 60, 1000) == small
    rows_per_insert = max(1, connection.features.max_query_params // 14) if connection.vendor == "sqlite" else 2000
    big = _queries_for(phone, 2000, 5000)
    assert big <= small + (2000 // rows_per_insert) + 1


@freeze_time("2026-03-10T20:00:00Z")
def test_a_resent_week_writes_nothing(phone):
    batch = [steps(i, 10, f"2026-03-0{1 + i % 7}T{i % 24:02d}:00:00+00:00", hours=0) for i in range(168)]
    post(phone, batch)
    with CaptureQueriesContext(connection) as captured:
        assert post(phone, batch).data["unchanged"] == 168
    writes = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert [w for w in writes if "clients_health" in w] == []


# --- Two devices, deletions -----------------------------------------------------------------------
@freeze_time("2026-03-10T20:00:00Z")
def test_a_phone_and_a_watch_counting_the_same_walk_count_it_once(person, phone):
    watch = {"device": "Apple Watch"}
    post(
        phone,
        [
            # 08:00 both counted the walk: the watch saw more, its figure counts.
            steps("p8", 900, "2026-03-09T08:00:00+00:00"),
            steps("w8", 1000, "2026-03-09T08:00:00+00:00", **watch),
            # 09:00 the watch was charging: the phone's figure counts.
            steps("p9", 400, "2026-03-09T09:00:00+00:00"),
            # 10:00 the watch in two half-hours against the phone's hour.
            steps("w10a", 300, "2026-03-09T10:00:00+00:00", hours=0.5, **watch),
            steps("w10b", 350, "2026-03-09T10:30:00+00:00", hours=0.5, **watch),
            steps("p10", 600, "2026-03-09T10:00:00+00:00"),
        ],
    )
    assert day_value(person, "steps", "2026-03-09") == 1000 + 400 + 650
    # Two origins tracking one night: the one that saw most of it counts, not both.
    post(
        phone,
        [
            {"id": "n1", "kind": "sleep", "start": "2026-03-08T23:00Z", "end": "2026-03-09T06:00Z", **watch},
            {
                "id": "n2",
                "kind": "sleep",
                "start": "2026-03-08T23:30Z",
                "end": "2026-03-09T06:30Z",
                "source": "Sleep app",
            },
            {"id": "n3", "kind": "sleep", "start": "2026-03-09T13:00Z", "end": "2026-03-09T13:30Z", **watch},
        ],
    )
    assert day_value(person, "sleep", "2026-03-09") == 7.5 * 3600


DELETE = "/api/v1/me/health/samples/delete/"


@freeze_time("2026-03-10T20:00:00Z")
def test_samples_deleted_on_the_phone_are_forgotten_and_their_days_rebuilt(person, phone):
    weight = Metric.objects.get(organization=person.organization, key="weight")
    post(
        phone,
        [
            steps(1, 500, "2026-03-09T08:00:00+00:00"),
            steps(2, 700, "2026-03-09T09:00:00+00:00"),
            steps(3, 300, "2026-03-08T09:00:00+00:00"),
            {"id": "w1", "kind": "weight", "value": 81.2, "unit": "kg", "start": "2026-03-09T06:00:00Z"},
        ],
    )
    response = phone.post(DELETE, {"ids": ["steps-2", "steps-3", "w1", "never-sent"]}, format="json")
    assert response.status_code == 200, response.data
    assert response.data | {"days": []} == {"received": 4, "deleted": 3, "not_found": 1, "days": []}
    assert {(d["kind"], d["day"]) for d in response.data["days"]} == {
        ("steps", "2026-03-09"),
        ("steps", "2026-03-08"),
        ("weight", "2026-03-09"),
    }
    assert day_value(person, "steps", "2026-03-09") == 500
    assert not HealthDay.objects.filter(client=person, day="2026-03-08").exists()
    assert not HealthDay.objects.filter(client=person, kind="weight").exists()
    assert not ProgressEntry.objects.filter(client=person, metric=weight).exists()
    assert list(HealthSample.objects.filter(client=person).values_list("external_id", flat=True)) == ["steps-1"]
    # The same deletion log again is harmless; bad bodies change nothing.
    again = phone.post(DELETE, {"ids": ["steps-2", "steps-3"]}, format="json")
    assert (again.status_code, again.data["deleted"], again.data["not_found"]) == (200, 0, 2)
    for body in ({"ids": []}, {"ids": "steps-1"}, {"ids": [None]}, {"ids": ["x" * 101]}, [], {"nope": 1}):
        refused = phone.post(DELETE, body, format="json")
        assert refused.status_code == 400, (body, refused.data)
    assert HealthSample.objects.filter(client=person).count() == 1


@freeze_time("2026-03-10T20:00:00Z")
def test_another_person_cannot_delete_a_clients_samples(person, phone, org):
    post(phone, [steps(1, 500, "2026-03-09T08:00:00+00:00")])
    stranger = UserFactory()
    ClientFactory(organization=org, user=stranger, email=stranger.email)
    response = api_as(stranger).post(DELETE, {"ids": ["steps-1"]}, format="json")
    assert response.status_code == 200 and response.data["deleted"] == 0
    assert HealthSample.objects.filter(client=person).count() == 1
