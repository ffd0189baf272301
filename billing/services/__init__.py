"""Every write about billing: plans, invoices, payments, refunds, memberships, links.

Stripe-facing flows (connect, checkout, sync) live in `stripe_services.py` and the
webhook in `webhooks.py`; both record what happened through the functions here, so a
manual payment and a card payment take the same path through the books.

One module per part of the domain; import from here.
"""

from ._common import *  # noqa: F403
from .access import *  # noqa: F403
from .commission import *  # noqa: F403
from .coupons import *  # noqa: F403
from .dunning import *  # noqa: F403
from .invoices import *  # noqa: F403
from .links import *  # noqa: F403
from .memberships import *  # noqa: F403
from .payments import *  # noqa: F403
from .plans import *  # noqa: F403
from .refunds import *  # noqa: F403
from .reminders import *  # noqa: F403
from .requests import *  # noqa: F403
from .settings import *  # noqa: F403
