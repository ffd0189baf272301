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
# Client data beyond the front desk's needs (see the role matrix in docs/platform.md):
# `clients.view_all` every coach's clients (without it: one's own), `clients.export` the CSV
# of the list, `clients.health` health screening (PAR-Q and intake answers, injuries, clearance).
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    OWNER: frozenset(
        _COMMON
        | {
            "clients.view_all",
            "clients.export",
            "clients.health",
            "billing.view",
            "billing.manage",
            "billing.settings",
            "org.manage",
            "members.manage",
            "integrations.manage",
            "booking.manage_others",
        }
    ),
    # Coaches cover for each other, so they may open every client (their own by default),
    # and they screen the health of the people they train.
    COACH: frozenset(
        _COMMON
        | {
            "clients.view_all",
            "clients.export",
            "clients.health",
            "billing.view",
            "billing.manage",
            "integrations.manage",
        }
    ),
    # Assistants run the front desk: they keep every coach's hours and find any client, but
    # see no billing, no health screening and export nothing.
    ASSISTANT: frozenset(_COMMON | {"clients.view_all", "booking.manage_others"}),
}


def role_can(role: str, capability: str) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


# Whose clients a member starts on (lists, dashboard cards, conversations); see mecto.scope.
MINE, ALL = "mine", "all"
VIEW_ALL = "clients.view_all"
DEFAULT_CLIENT_SCOPE = {OWNER: ALL, COACH: MINE, ASSISTANT: ALL}


def default_client_scope(role: str | None) -> str:
    return DEFAULT_CLIENT_SCOPE.get(role or "", MINE)
