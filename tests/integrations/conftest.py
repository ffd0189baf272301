import pytest

from tests.booking.conftest import Studio, _throttle_clock_under_freezegun  # noqa: F401


@pytest.fixture(autouse=True)
def oauth_apps(settings):
    """Our OAuth apps at Google, Microsoft and Zoom, as the operator configures them."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {
            "SCOPE": ["profile", "email"],
            "AUTH_PARAMS": {"access_type": "offline", "prompt": "consent"},
            "APPS": [{"client_id": "google-client", "secret": "google-secret"}],
        },
        "microsoft": {"TENANT": "common", "APPS": [{"client_id": "ms-client", "secret": "ms-secret"}]},
        "zoom": {"APPS": [{"client_id": "zoom-client", "secret": "zoom-secret", "settings": {"hidden": True}}]},
    }


@pytest.fixture
def studio():
    return Studio()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    class Runner:
        def __call__(self, func, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return func(*args, **kwargs)

    return Runner()
