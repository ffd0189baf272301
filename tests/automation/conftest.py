# DRF's throttles keep a reference to time.time taken at import; importing them before any
# test freezes time keeps freezegun's fake out of that class attribute.
import rest_framework.throttling  # noqa: F401

from tests.booking.conftest import run_on_commit  # noqa: F401
