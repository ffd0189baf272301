"""Every write about training: the exercise library, programs, assignment, logs and records.

One module per part of the domain; import from here."""

from ._common import *  # noqa: F403
from .assignment import *  # noqa: F403
from .drafts import *  # noqa: F403
from .library import *  # noqa: F403
from .logs import *  # noqa: F403
from .media import *  # noqa: F403
from .programs import *  # noqa: F403
from .sessions import *  # noqa: F403
from .settings import *  # noqa: F403
