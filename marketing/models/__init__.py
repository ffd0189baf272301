"""Marketing models, one module per concern; every model is importable from here."""

from .campaigns import CampaignRecipient, campaign_message_key
from .core import Campaign, MessageTemplate, Segment

__all__ = ["Campaign", "CampaignRecipient", "MessageTemplate", "Segment", "campaign_message_key"]
