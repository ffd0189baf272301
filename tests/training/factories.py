"""Factories for training rows; each builds its parents in the same organisation."""

import uuid

import factory
from django.utils import timezone

from tests.clients.factories import FormCheckVideoFactory
from tests.factories import ClientFactory, OrganizationFactory, register
from training.models import (
    Block,
    Exercise,
    ExerciseOverride,
    InactivityAlert,
    LanguageModelCall,
    LogComment,
    PersonalRecord,
    PrescribedExercise,
    Program,
    ProgramWeek,
    ScheduledWorkout,
    SessionSet,
    SetLog,
    SetVideo,
    TrainingSettings,
    Workout,
    WorkoutLog,
    WorkoutSession,
)


@register
class ExerciseFactory(factory.django.DjangoModelFactory):
    """A business's own exercise (pass organization=None for a library one)."""

    class Meta:
        model = Exercise

    organization = factory.SubFactory(OrganizationFactory)
    slug = factory.Sequence(lambda n: f"exercise-{n}")
    name = factory.Sequence(lambda n: f"Exercise {n}")
    primary_muscles = factory.LazyFunction(lambda: ["chest"])
    equipment = "barbell"
    mechanic = "compound"
    force = "push"
    level = "beginner"
    category = "strength"
    movement_pattern = "horizontal_push"


@register
class ExerciseOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExerciseOverride

    organization = factory.SubFactory(OrganizationFactory)
    exercise = factory.SubFactory(ExerciseFactory, organization=factory.SelfAttribute("..organization"))
    instructions = "Brace and drive."


@register
class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    goal = "strength"


@register
class ProgramWeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramWeek

    organization = factory.SubFactory(OrganizationFactory)
    program = factory.SubFactory(ProgramFactory, organization=factory.SelfAttribute("..organization"))
    position = 1


@register
class WorkoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workout

    organization = factory.SubFactory(OrganizationFactory)
    week = factory.SubFactory(ProgramWeekFactory, organization=factory.SelfAttribute("..organization"))
    program = factory.SelfAttribute("week.program")
    name = factory.Sequence(lambda n: f"Workout {n}")
    day = 1


@register
class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    organization = factory.SubFactory(OrganizationFactory)
    workout = factory.SubFactory(WorkoutFactory, organization=factory.SelfAttribute("..organization"))


@register
class PrescribedExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrescribedExercise

    organization = factory.SubFactory(OrganizationFactory)
    block = factory.SubFactory(BlockFactory, organization=factory.SelfAttribute("..organization"))
    exercise = factory.SubFactory(ExerciseFactory, organization=factory.SelfAttribute("..organization"))
    sets = 3
    reps_min = 5
    load_type = "kg"
    load_value = 100


@register
class ScheduledWorkoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduledWorkout

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    workout = factory.SubFactory(WorkoutFactory, organization=factory.SelfAttribute("..organization"))
    program = factory.SelfAttribute("workout.program")
    date = factory.LazyFunction(lambda: timezone.now().date())
    due_at = factory.LazyFunction(timezone.now)


@register
class WorkoutLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkoutLog

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    client_uuid = factory.LazyFunction(uuid.uuid4)
    name = "Logged workout"
    performed_at = factory.LazyFunction(timezone.now)


@register
class SetLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SetLog

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    workout_log = factory.SubFactory(
        WorkoutLogFactory,
        organization=factory.SelfAttribute("..organization"),
        client=factory.SelfAttribute("..client"),
    )
    exercise = factory.SubFactory(ExerciseFactory, organization=factory.SelfAttribute("..organization"))
    reps = 5
    load_kg = 100
    performed_at = factory.LazyFunction(timezone.now)


@register
class LogCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogComment

    organization = factory.SubFactory(OrganizationFactory)
    workout_log = factory.SubFactory(WorkoutLogFactory, organization=factory.SelfAttribute("..organization"))
    body = "Great work."


@register
class PersonalRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonalRecord

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    exercise = factory.SubFactory(ExerciseFactory, organization=factory.SelfAttribute("..organization"))
    kind = "e1rm"
    value_kg = 120
    achieved_at = factory.LazyFunction(timezone.now)


@register
class TrainingSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSettings

    organization = factory.SubFactory(OrganizationFactory)


@register
class InactivityAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InactivityAlert

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    last_activity_at = factory.LazyFunction(timezone.now)
    days = 7


@register
class LanguageModelCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LanguageModelCall

    organization = factory.SubFactory(OrganizationFactory)
    outcome = "ok"


@register
class WorkoutSessionFactory(factory.django.DjangoModelFactory):
    """An open session of a scheduled workout of the same client."""

    class Meta:
        model = WorkoutSession

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    scheduled = factory.SubFactory(
        ScheduledWorkoutFactory,
        organization=factory.SelfAttribute("..organization"),
        client=factory.SelfAttribute("..client"),
    )
    started_at = factory.LazyFunction(timezone.now)


@register
class SessionSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionSet

    organization = factory.SubFactory(OrganizationFactory)
    session = factory.SubFactory(WorkoutSessionFactory, organization=factory.SelfAttribute("..organization"))
    prescribed = factory.SubFactory(PrescribedExerciseFactory, organization=factory.SelfAttribute("..organization"))
    exercise = factory.SelfAttribute("prescribed.exercise")
    set_number = 1
    completed_at = factory.LazyFunction(timezone.now)


@register
class SetVideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SetVideo

    class Params:
        client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))

    organization = factory.SubFactory(OrganizationFactory)
    set_log = factory.SubFactory(
        SetLogFactory, organization=factory.SelfAttribute("..organization"), client=factory.SelfAttribute("..client")
    )
    video = factory.SubFactory(
        FormCheckVideoFactory,
        organization=factory.SelfAttribute("..organization"),
        client=factory.SelfAttribute("..client"),
    )
