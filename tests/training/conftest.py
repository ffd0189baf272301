import pytest

from training.services import load_exercise_library


@pytest.fixture
def library(db):
    """The shared exercise library, loaded from the bundled data set."""
    load_exercise_library()
    from training.models import Exercise

    return Exercise.objects.library()
