"""Health data a client's phone sends (Apple Health, Health Connect): raw samples as received,
and one figure per client, kind and local day built from them. Values are stored in SI
units: a count of steps, seconds of sleep, beats per minute, kilograms and kilojoules."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgOwned

__all__ = ["HealthKind", "HealthSample", "HealthDay"]


class HealthKind(models.TextChoices):
    STEPS = "steps", _("Steps")
    SLEEP = "sleep", _("Sleep")
    RESTING_HR = "resting_hr", _("Resting heart rate")
    AVERAGE_HR = "average_hr", _("Average heart rate")
    WEIGHT = "weight", _("Weight")
    ACTIVE_ENERGY = "active_energy", _("Active energy")


class HealthSample(OrgOwned):
    """One reading from a phone's health store, as sent: identified by the app's own id
    (`external_id`, unique per client), so sending it again changes nothing and sending a
    new value for it replaces the old one."""

    class SleepStage(models.TextChoices):
        ASLEEP = "asleep", _("Asleep")
        LIGHT = "light", _("Light / core")
        DEEP = "deep", _("Deep")
        REM = "rem", _("REM")
        AWAKE = "awake", _("Awake")
        IN_BED = "in_bed", _("In bed")

    # Stages that count as sleep in the day's total (awake and in-bed time do not).
    ASLEEP_STAGES = (SleepStage.ASLEEP, SleepStage.LIGHT, SleepStage.DEEP, SleepStage.REM)

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="health_samples", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=HealthKind.choices)
    external_id = models.CharField(_("id in the app"), max_length=100)
    value = models.DecimalField(
        _("value (SI)"),
        max_digits=12,
        decimal_places=3,
        help_text=_("Steps, seconds of sleep, beats per minute, kg or kJ."),
    )
    unit = models.CharField(_("unit as sent"), max_length=8)
    stage = models.CharField(_("sleep stage"), max_length=8, choices=SleepStage.choices, blank=True)
    start_at = models.DateTimeField(_("start"))
    end_at = models.DateTimeField(_("end"))
    source = models.CharField(_("source"), max_length=60, blank=True, help_text=_("e.g. Apple Health"))
    device = models.CharField(_("device"), max_length=120, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("health sample")
        verbose_name_plural = _("health samples")
        ordering = ["-start_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "external_id"], name="health_sample_once_per_client"),
        ]
        indexes = [models.Index(fields=["client", "kind", "start_at"], name="health_sample_client_kind_time")]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_kind_display()} {self.start_at:%Y-%m-%d %H:%M}: {self.value}"


class HealthDay(OrgOwned):
    """A client's figure of one kind for one day in their time zone, rebuilt from the samples
    whenever one of that day's samples changes. `value` is the day's figure: the total for
    steps, active energy and sleep (sleep counts for the day the client woke up), the average
    for heart rates (with the lowest and highest), the last reading of the day for weight."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="health_days", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=HealthKind.choices)
    day = models.DateField(_("day"))
    value = models.DecimalField(_("value (SI)"), max_digits=14, decimal_places=3)
    minimum = models.DecimalField(_("lowest"), max_digits=12, decimal_places=3, null=True, blank=True)
    maximum = models.DecimalField(_("highest"), max_digits=12, decimal_places=3, null=True, blank=True)
    sample_count = models.PositiveIntegerField(_("samples"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("health day")
        verbose_name_plural = _("health days")
        ordering = ["-day", "kind"]
        constraints = [models.UniqueConstraint(fields=["client", "kind", "day"], name="health_day_once")]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_kind_display()} {self.day}: {self.value}"
