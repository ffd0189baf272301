"""What training keeps about a client (programs, scheduled workouts, logs, sets, records),
for their export and erasure (registered with mecto.privacy in AppConfig.ready())."""

from mecto.privacy import Export, delete_rows, section


def export_client(client) -> Export:
    from .models import (
        PersonalRecord,
        Program,
        ScheduledWorkout,
        SessionSet,
        SetLog,
        Workout,
        WorkoutLog,
        WorkoutSession,
    )

    export = Export()
    section(export, "programs", Program.objects.filter(client=client).order_by("id"))
    section(export, "program_workouts", Workout.objects.filter(program__client=client).order_by("id"))
    section(export, "scheduled_workouts", ScheduledWorkout.objects.filter(client=client).order_by("id"))
    section(export, "workout_logs", WorkoutLog.objects.filter(client=client).order_by("id"))
    section(export, "set_logs", SetLog.objects.filter(client=client).order_by("id"))
    section(export, "personal_records", PersonalRecord.objects.filter(client=client).order_by("id"))
    section(export, "workout_sessions", WorkoutSession.objects.filter(client=client).order_by("id"))
    section(export, "session_sets", SessionSet.objects.filter(session__client=client).order_by("id"))
    return export


def erase_client(client, *, request=None) -> dict[str, int]:
    from .models import (
        InactivityAlert,
        PersonalRecord,
        Program,
        ScheduledWorkout,
        SessionSet,
        SetLog,
        WorkoutLog,
        WorkoutSession,
    )

    return delete_rows(
        {},
        SessionSet.objects.filter(session__client=client),
        WorkoutSession.objects.filter(client=client),
        PersonalRecord.objects.filter(client=client),
        SetLog.objects.filter(client=client),
        WorkoutLog.objects.filter(client=client),
        ScheduledWorkout.objects.filter(client=client),
        Program.objects.filter(client=client),
        InactivityAlert.objects.filter(client=client),
    )
