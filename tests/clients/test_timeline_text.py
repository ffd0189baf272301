"""Timeline lines a coach reads: two records on one exercise in one workout read differently."""

from types import SimpleNamespace

from django.utils import timezone

from clients.timeline import describe_events


def _event(name, payload):
    return SimpleNamespace(name=name, payload=payload, actor_id=None, actor=None, created_at=timezone.now())


def test_two_kinds_of_record_on_one_exercise_are_told_apart():
    items = describe_events(
        [
            _event("pr.achieved", {"exercise": "Romanian Deadlift", "kind": "e1rm"}),
            _event("pr.achieved", {"exercise": "Romanian Deadlift", "kind": "load"}),
        ]
    )
    titles = [item.title for item in items]
    assert titles == [
        "New personal record: Romanian Deadlift (estimated one-rep max)",
        "New personal record: Romanian Deadlift (heaviest load)",
    ]


def test_a_record_without_its_kind_still_reads():
    (item,) = describe_events([_event("pr.achieved", {"exercise": "Squat"})])
    assert item.title == "New personal record: Squat"
