"""Roles in a business and what each may do (no Django imports: models use this)."""

OWNER, COACH, ASSISTANT = "owner", "coach", "assistant"

# Capabilities are checked by name; an assistant sees no billing and no organisation settings.
_COMMON = {
    "clients.view",
    "clients.manage",
    "training.manage",
    "nutrition.manage",
    "booking.manage",
    "messages.send",
    "marketing.manage",
}
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    OWNER: frozenset(
        _COMMON
        | {
            "billing.view",
            "billing.manage",
            "billing.settings",
            "org.manage",
            "members.manage",
            "integrations.manage",
            "booking.manage_others",
        }
    ),
    COACH: frozenset(_COMMON | {"billing.view", "billing.manage", "integrations.manage"}),
    # Assistants run the front desk: they keep every coach's hours, but see no billing.
    ASSISTANT: frozenset(_COMMON | {"booking.manage_others"}),
}


def role_can(role: str, capability: str) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())
