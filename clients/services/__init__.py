"""Every write about clients, one module per part of the domain; import from here."""

from .intake import *  # noqa: F403
from .progress import *  # noqa: F403
from .records import *  # noqa: F403
