"""Connected accounts of coaches (Google, Microsoft, Zoom) with their OAuth tokens
encrypted at rest, and what calendar sync keeps: pushed events and pulled busy times."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.crypto import EncryptedTextField
from mecto.fields import LimitedTextField
from mecto.tenancy import OrgOwned, OrgQuerySet


class ConnectedAccountQuerySet(OrgQuerySet):
    def active(self):
        return self.filter(status=ConnectedAccount.Status.ACTIVE)

    def calendars(self):
        return self.active().filter(
            provider__in=[ConnectedAccount.Provider.GOOGLE, ConnectedAccount.Provider.MICROSOFT], calendar_sync=True
        )


class ConnectedAccount(OrgOwned):
    """A coach's account at a provider, connected through OAuth (allauth social account)."""

    class Provider(models.TextChoices):
        GOOGLE = "google", _("Google (Calendar, Meet)")
        MICROSOFT = "microsoft", _("Microsoft (Outlook, Teams)")
        ZOOM = "zoom", _("Zoom")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Connected")
        REVOKED = "revoked", _("Access revoked: reconnect")
        ERROR = "error", _("Failing")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connected_accounts", verbose_name=_("coach")
    )
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    social_account = models.ForeignKey(
        "socialaccount.SocialAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    account_email = models.CharField(_("account"), max_length=254, blank=True)
    access_token = EncryptedTextField(blank=True, max_length=8192, validators=[MaxLengthValidator(8192)])
    refresh_token = EncryptedTextField(blank=True, max_length=8192, validators=[MaxLengthValidator(8192)])
    expires_at = models.DateTimeField(_("access expires"), null=True, blank=True)
    scopes = LimitedTextField(_("granted scopes"), blank=True, max_length=5000)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    last_error = LimitedTextField(_("last error"), blank=True, max_length=10_000)
    calendar_sync = models.BooleanField(_("sync calendar"), default=True)
    calendar_id = models.CharField(_("calendar"), max_length=255, default="primary")
    last_synced_at = models.DateTimeField(_("last synced"), null=True, blank=True)
    created_at = models.DateTimeField(_("connected"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ConnectedAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("connected account")
        verbose_name_plural = _("connected accounts")
        ordering = ["organization", "user", "provider"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user", "provider"], name="connected_account_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} · {self.account_email or self.user}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def has_calendar(self) -> bool:
        return self.provider in (self.Provider.GOOGLE, self.Provider.MICROSOFT)


class CalendarEventLink(OrgOwned):
    """The event a session became in a connected calendar, so it is updated and removed with it."""

    connection = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE, related_name="event_links")
    session = models.ForeignKey("booking.Session", on_delete=models.CASCADE, related_name="calendar_links")
    external_id = models.CharField(_("event id"), max_length=1024)
    synced_sequence = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField(_("synced"), auto_now=True)

    class Meta:
        verbose_name = _("calendar event")
        verbose_name_plural = _("calendar events")
        constraints = [models.UniqueConstraint(fields=["connection", "session"], name="calendar_event_once")]

    def __str__(self) -> str:
        return f"{self.session_id} → {self.external_id[:24]}"


class ExternalBusyTime(OrgOwned):
    """A busy time in a coach's connected calendar (only when, never what): blocks slots."""

    connection = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE, related_name="busy_times")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(max_length=1024)
    start_at = models.DateTimeField(_("from"))
    end_at = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("busy time")
        verbose_name_plural = _("busy times")
        ordering = ["start_at"]
        indexes = [models.Index(fields=["organization", "coach", "start_at"], name="busy_time_lookup")]

    def __str__(self) -> str:
        return f"busy {self.start_at:%Y-%m-%d %H:%M}–{self.end_at:%H:%M}Z"


from .models_tokens import ApiToken  # noqa: E402, F401
from .models_webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
