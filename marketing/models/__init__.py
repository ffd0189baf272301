"""Marketing models, one module per concern; every model is importable from here."""

from .campaigns import CampaignRecipient, campaign_message_key
from .core import Campaign, MessageTemplate, Segment
from .optin import ConsentWording, OptInRequest
from .settings import SendingSettings, UnsubscribeToken

__all__ = [
    "Campaign",
    "CampaignRecipient",
    "ConsentWording",
    "MessageTemplate",
    "OptInRequest",
    "Segment",
    "SendingSettings",
    "UnsubscribeToken",
    "campaign_message_key",
]
