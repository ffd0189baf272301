"""What the exercise catalogue's cached answers depend on (see mecto.conditional): the shared
library and each business's own exercises and overrides. Any change to a row behind a scope
makes every cached answer over it stale at once."""

from django.db.models.signals import post_delete, post_save

from mecto import conditional

LIBRARY = "exercises:library"


def business_scope(organization_id) -> str:
    return f"exercises:org:{organization_id}"


def scopes_for(organization) -> list[str]:
    return [LIBRARY, business_scope(organization.pk)]


def library_changed() -> None:
    conditional.bump(LIBRARY)


def _exercise_changed(sender, instance, **kwargs):
    conditional.bump(business_scope(instance.organization_id) if instance.organization_id else LIBRARY)


def _override_changed(sender, instance, **kwargs):
    conditional.bump(business_scope(instance.organization_id))


def connect() -> None:
    from .models import Exercise, ExerciseOverride

    for signal in (post_save, post_delete):
        signal.connect(_exercise_changed, sender=Exercise, dispatch_uid=f"catalogue-exercise-{signal}")
        signal.connect(_override_changed, sender=ExerciseOverride, dispatch_uid=f"catalogue-override-{signal}")
