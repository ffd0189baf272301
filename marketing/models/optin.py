"""Double opt-in for marketing email: the versioned wording of the box on public pages,
and the confirmation requests a ticked box starts."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.optin import SOURCE_BOOKING, SOURCE_INTAKE
from mecto.tenancy import OrgOwned

OPT_IN_VALID_FOR = timedelta(days=7)
# Short enough that the consent record's "how" carries the whole text beside the source.
WORDING_MAX_LENGTH = 160


class ConsentWording(OrgOwned):
    """One version of the text beside the box. Versions are never edited: a new text is a
    new version, so the text a person saw stays on record."""

    version = models.PositiveIntegerField(_("version"))
    text = models.CharField(_("text shown"), max_length=WORDING_MAX_LENGTH)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("marketing consent wording")
        verbose_name_plural = _("marketing consent wordings")
        ordering = ["organization", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "version"], name="one_consent_wording_per_version")
        ]

    def __str__(self) -> str:
        return f"v{self.version}: {self.text}"


class OptInRequest(OrgOwned):
    """A box ticked on a public page: a confirmation email was sent to `email`. Consent is
    recorded only when the link in it is confirmed (a POST, never a GET)."""

    class Source(models.TextChoices):
        PUBLIC_INTAKE = SOURCE_INTAKE, _("Public intake form")
        PUBLIC_BOOKING = SOURCE_BOOKING, _("Public booking page")

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+", verbose_name=_("client"))
    email = models.EmailField(_("email"))
    # Only the SHA-256 of the link's token is stored; a resend makes a new link.
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    wording = models.ForeignKey(
        ConsentWording, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("wording")
    )
    wording_text = models.CharField(_("text shown"), max_length=WORDING_MAX_LENGTH)
    source = models.CharField(_("source"), max_length=40, choices=Source.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    send_count = models.PositiveSmallIntegerField(_("emails sent"), default=1)
    expires_at = models.DateTimeField(_("link valid until"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_ip = models.GenericIPAddressField(_("confirmed from IP address"), null=True, blank=True)
    confirmed_user_agent = models.CharField(_("confirmed with browser"), max_length=300, blank=True)
    consent = models.ForeignKey(
        "mecto.Consent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("consent record"),
    )

    class Meta:
        verbose_name = _("email opt-in request")
        verbose_name_plural = _("email opt-in requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"], name="optin_latest_per_client")]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_source_display()})"

    @property
    def is_expired(self) -> bool:
        return self.confirmed_at is None and self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return self.confirmed_at is None and not self.is_expired
