"""The exercise library: loading, search, a business's own exercises and overrides."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from mecto.reference import loaders
from tests.factories import OrganizationFactory
from tests.video_bytes import mp4
from training.models import Exercise, ExerciseOverride
from training.search import search_exercises, word_similarity
from training.services import (
    TrainingError,
    create_exercise,
    load_exercise_library,
    save_exercise_override,
    update_exercise,
)
from training.video import embed_url

pytestmark = pytest.mark.django_db


def test_loader_is_registered_for_make_run():
    assert "load_exercises" in loaders()


def test_load_exercises_loads_the_data_set_once_and_rerunning_changes_nothing(capsys):
    assert not Exercise.objects.exists()  # this test does not ask for the shared `library`
    call_command("load_exercises")
    assert Exercise.objects.library().count() == 873
    call_command("load_exercises")
    assert Exercise.objects.library().count() == 873
    assert "0 created, 0 updated, 873 unchanged" in capsys.readouterr().out
    squat = Exercise.objects.get(slug="Barbell_Full_Squat")
    assert squat.movement_pattern == "squat"
    assert "Back Squat" in squat.aliases
    assert squat.muscle_index == "|quadriceps|"


def test_reloading_updates_changed_records_in_place(tmp_path, library):
    row = Exercise.objects.get(slug="Goblet_Squat")
    data = [
        {
            "id": "Goblet_Squat",
            "name": "Goblet Squat",
            "force": "push",
            "level": "intermediate",
            "mechanic": "compound",
            "equipment": "kettlebells",
            "primaryMuscles": ["quadriceps"],
            "secondaryMuscles": ["glutes"],
            "category": "strength",
        }
    ]
    path = tmp_path / "ex.json"
    path.write_text(json.dumps(data))
    counts = load_exercise_library(path=path)
    assert counts == {"created": 0, "updated": 1, "unchanged": 0}
    row.refresh_from_db()
    assert row.level == "intermediate" and row.secondary_muscles == ["glutes"]


def test_reloading_reclassifies_rows_stored_under_an_older_pattern(library):
    # A database loaded before forearm work became isolation kept it as a carry.
    Exercise.objects.filter(slug="Dumbbell_Lying_Pronation").update(movement_pattern="carry")
    Exercise.objects.filter(slug="Standing_Calf_Raises").update(movement_pattern="squat")
    counts = load_exercise_library()
    assert counts["updated"] == 2
    patterns = dict(
        Exercise.objects.filter(slug__in=["Dumbbell_Lying_Pronation", "Standing_Calf_Raises"]).values_list(
            "slug", "movement_pattern"
        )
    )
    assert patterns == {"Dumbbell_Lying_Pronation": "isolation", "Standing_Calf_Raises": "isolation"}
    assert Exercise.objects.library().count() == 873


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dedlift", "Barbell Deadlift"),
        ("romanain deadlift", "Romanian Deadlift"),
        ("lat puldown", "Wide-Grip Lat Pulldown"),
        ("goblet sqat", "Goblet Squat"),
        ("pulups", "Pullups"),
        ("DB bench press", "Dumbbell Bench Press"),
        ("farmers walk", "Farmer's Walk"),
    ],
)
@pytest.mark.engine
def test_search_finds_misspelt_names(library, query, expected):
    org = OrganizationFactory()
    top = [e.name for e in search_exercises(organization=org, query=query)[:5]]
    assert expected in top, top


@pytest.mark.engine
def test_search_falls_back_to_looser_matches_for_transposed_letters(library):
    org = OrganizationFactory()
    names = [e.name for e in search_exercises(organization=org, query="sqaut")[:10]]
    assert names and all("squat" in n.lower() for n in names)


@pytest.mark.engine
def test_search_filters_by_muscle_equipment_and_pattern(library):
    org = OrganizationFactory()
    rows = list(
        search_exercises(organization=org, query="", muscle="chest", equipment="dumbbell", pattern="horizontal_push")
    )
    assert rows
    assert all("chest" in r.primary_muscles and r.equipment == "dumbbell" for r in rows)
    assert all(r.movement_pattern == "horizontal_push" for r in rows)
    nothing = search_exercises(organization=org, query="zzzzqqq")
    assert not nothing.exists()


def test_word_similarity_prefers_the_matching_word():
    assert word_similarity("squat", "barbell full squat") == 1.0
    assert word_similarity("dedlift", "barbell deadlift") > 0.5
    assert word_similarity("bench", "pushups") == 0.0


@pytest.mark.engine
def test_own_exercises_are_seen_only_by_their_business(library):
    org_a, org_b = OrganizationFactory(), OrganizationFactory()
    own = create_exercise(organization=org_a, name="Landmine Press", primary_muscles=["shoulders"], equipment="barbell")
    assert own.movement_pattern == "vertical_push"
    assert search_exercises(organization=org_a, query="landmin pres").first() == own
    assert own not in search_exercises(organization=org_b, query="landmine press")
    assert not Exercise.objects.for_org(org_b).filter(pk=own.pk).exists()
    assert not Exercise.objects.for_org(None).exists()


def test_own_exercises_named_in_other_scripts_keep_readable_distinct_keys(library):
    org = OrganizationFactory()
    bench = create_exercise(organization=org, name="Жим лёжа", primary_muscles=["chest"])
    squat = create_exercise(organization=org, name="スクワット", primary_muscles=["quadriceps"])
    assert (bench.slug, squat.slug) == ("жим-лёжа", "スクワット")


def test_own_exercise_names_are_unique_within_a_business_and_validated(library):
    org = OrganizationFactory()
    create_exercise(organization=org, name="Sled Push Sprint", primary_muscles=["quadriceps"])
    with pytest.raises(TrainingError) as err:
        create_exercise(organization=org, name="sled push sprint", primary_muscles=["quadriceps"])
    assert err.value.field == "name"
    with pytest.raises(TrainingError) as err:
        create_exercise(organization=org, name="Bad", primary_muscles=["wings"])
    assert err.value.field == "primary_muscles"
    with pytest.raises(TrainingError):
        create_exercise(organization=org, name="Bad", primary_muscles=["chest"], equipment="spaceship")
    assert Exercise.objects.filter(organization=org).count() == 1


def test_library_exercises_cannot_be_edited_by_a_business(library):
    org = OrganizationFactory()
    squat = Exercise.objects.get(slug="Barbell_Full_Squat")
    with pytest.raises(TrainingError):
        update_exercise(exercise=squat, organization=org, name="My squat")
    squat.refresh_from_db()
    assert squat.name == "Barbell Full Squat"


def test_an_override_changes_the_exercise_for_its_business_only(library):
    org_a, org_b = OrganizationFactory(), OrganizationFactory()
    squat = Exercise.objects.get(slug="Barbell_Full_Squat")
    override = save_exercise_override(
        organization=org_a,
        exercise=squat,
        instructions="Brace, sit between the hips.",
        cues="Chest up\n\n  Knees out  ",
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    assert override.cue_list == ["Chest up", "Knees out"]
    assert not ExerciseOverride.objects.for_org(org_b).exists()
    # Saving again updates the same row.
    save_exercise_override(organization=org_a, exercise=squat, instructions="Sit back.")
    assert ExerciseOverride.objects.for_org(org_a).get().instructions == "Sit back."


def test_override_refuses_other_video_hosts_and_bad_clips(library):
    org = OrganizationFactory()
    squat = Exercise.objects.get(slug="Barbell_Full_Squat")
    with pytest.raises(TrainingError) as err:
        save_exercise_override(organization=org, exercise=squat, video_url="http://example.com/v.mp4")
    assert err.value.field == "video_url"  # an MP4 link must be https; other pages are refused too
    with pytest.raises(TrainingError) as err:
        save_exercise_override(
            organization=org, exercise=squat, video_file=SimpleUploadedFile("clip.exe", b"MZ", "video/mp4")
        )
    assert err.value.field == "video_file"
    with pytest.raises(TrainingError) as err:  # the right name, but no video inside
        save_exercise_override(
            organization=org,
            exercise=squat,
            video_file=SimpleUploadedFile("clip.mp4", b"\x00\x00\x00\x18ftyp", "video/mp4"),
        )
    assert err.value.field == "video_file"
    assert not ExerciseOverride.objects.exists()
    clip = save_exercise_override(
        organization=org, exercise=squat, video_file=SimpleUploadedFile("clip.bin", mp4(seconds=20), "text/plain")
    )
    assert clip.video_file.name.startswith(f"training/clips/{org.pk}/") and clip.video_file.name.endswith(".mp4")
    assert (clip.video_file_type, clip.video_duration_ms) == ("video/mp4", 20_000)


def test_override_of_another_business_exercise_is_refused(library):
    org_a, org_b = OrganizationFactory(), OrganizationFactory()
    own = create_exercise(organization=org_a, name="Secret Move", primary_muscles=["chest"])
    with pytest.raises(TrainingError):
        save_exercise_override(organization=org_b, exercise=own, instructions="mine now")


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ?t=10", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://www.youtube.com/watch?v=<script>", None),
        ("javascript:alert(1)", None),
        ("https://evil.example/watch?v=dQw4w9WgXcQ", None),
    ],
)
def test_video_links_become_embeds(url, embed):
    assert embed_url(url) == embed


def test_the_migration_reclassifies_library_rows_and_leaves_own_exercises_alone(library):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("training.migrations.0006_exercise_isolation_pattern")
    Exercise.objects.filter(slug="Wrist_Roller").update(movement_pattern="carry")
    own = create_exercise(
        organization=OrganizationFactory(), name="Grip walk", primary_muscles=["forearms"], movement_pattern="carry"
    )
    migration.reclassify_library(apps, None)
    assert Exercise.objects.get(slug="Wrist_Roller").movement_pattern == "isolation"
    own.refresh_from_db()
    assert own.movement_pattern == "carry"
