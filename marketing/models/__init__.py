"""Marketing models, one module per concern; every model is importable from here."""

from .core import Campaign, MessageTemplate, Segment
from .settings import SendingSettings, UnsubscribeToken

__all__ = ["Campaign", "MessageTemplate", "Segment", "SendingSettings", "UnsubscribeToken"]
