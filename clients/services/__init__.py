"""Every write about clients, one module per part of the domain; import from here."""

from .checkins import *  # noqa: F403
from .demo_data import *  # noqa: F403
from .groups import *  # noqa: F403
from .health import *  # noqa: F403
from .imports import *  # noqa: F403
from .inbox import *  # noqa: F403
from .intake import *  # noqa: F403
from .invitations import *  # noqa: F403
from .media import *  # noqa: F403
from .messaging import *  # noqa: F403
from .photos import *  # noqa: F403
from .privacy import *  # noqa: F403
from .progress import *  # noqa: F403
from .records import *  # noqa: F403
from .saved_views import *  # noqa: F403
from .waivers import *  # noqa: F403
