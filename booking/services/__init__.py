"""Every write about booking: services, availability, sessions and bookings (under the
coach's lock), payments, reminders, and package credits (a ledger that never goes negative).

One module per part of the domain; import from here."""

from ._common import *  # noqa: F403
from .availability import *  # noqa: F403
from .bookings import *  # noqa: F403
from .classes import *  # noqa: F403
from .credits import *  # noqa: F403
from .payments import *  # noqa: F403
from .reminders import *  # noqa: F403
