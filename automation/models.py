"""Automation rules and sequences land here; the events outbox they subscribe to is the
platform's (`mecto.events`, models in the `mecto` app)."""
