"""Booking: package credits (ledger); services, availability and bookings build on it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgOwned


class CreditGrant(OrgOwned):
    """Session credits given to a client (bought package, membership period, goodwill).

    What is left of a grant is its quantity plus the signed deltas of its entries;
    a client's balance is what is left of their unexpired grants.
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="credit_grants", verbose_name=_("client")
    )
    quantity = models.PositiveIntegerField(_("credits"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    source_ref = models.CharField(
        _("source"), max_length=120, help_text=_("What granted it, e.g. 'payment:pi_123'; a source grants once.")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit grant")
        verbose_name_plural = _("credit grants")
        ordering = ["expires_at", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "source_ref"], name="credit_grant_once_per_source"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} credits for {self.client}"


class CreditEntry(OrgOwned):
    """One movement on a grant: a booking consumes (−1), an in-policy cancel returns (+1),
    a late cancel or no-show forfeits (0, recorded), expiry and adjustments as they come."""

    class Kind(models.TextChoices):
        CONSUME = "consume", _("Used by a booking")
        RETURN = "return", _("Returned (cancelled in time)")
        FORFEIT = "forfeit", _("Forfeited (late cancel or no-show)")
        ADJUST = "adjust", _("Adjusted by the coach")

    grant = models.ForeignKey(CreditGrant, on_delete=models.CASCADE, related_name="entries")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="credit_entries")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    delta = models.IntegerField(_("change"))
    reference = models.CharField(_("reference"), max_length=120, blank=True, help_text=_("e.g. 'booking:42'"))
    idempotency_key = models.CharField(max_length=160)
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "idempotency_key"], name="credit_entry_once"),
            models.CheckConstraint(condition=Q(delta__gte=-1000) & Q(delta__lte=1000), name="credit_entry_delta_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.delta:+d}"
