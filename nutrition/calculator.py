"""The targets calculator: Mifflin–St Jeor resting energy, an activity factor, a goal
adjustment, protein per kilogram, a fat share and carbohydrate as the rest.

Pure arithmetic on plain values, so pages, the API and tests share it; `inputs_for(client)`
reads the client's profile and latest weight. Every step is kept in words and numbers
(in the client's units) so the coach can check it and explain it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.localization import IMPERIAL, cm_to_display, kg_to_display, length_unit, weight_unit

ACTIVITY_LEVELS: list[tuple[str, Decimal, str]] = [
    ("sedentary", Decimal("1.2"), gettext_lazy("Sedentary: desk job, little exercise")),
    ("light", Decimal("1.375"), gettext_lazy("Lightly active: exercise 1–3 days a week")),
    ("moderate", Decimal("1.55"), gettext_lazy("Moderately active: exercise 3–5 days a week")),
    ("very", Decimal("1.725"), gettext_lazy("Very active: hard exercise 6–7 days a week")),
    ("extra", Decimal("1.9"), gettext_lazy("Extremely active: physical job and hard training")),
]
ACTIVITY_FACTORS = {key: factor for key, factor, _label in ACTIVITY_LEVELS}
GOALS = [
    ("lose", gettext_lazy("Lose weight")),
    ("maintain", gettext_lazy("Maintain weight")),
    ("gain", gettext_lazy("Gain weight")),
]
PROTEIN_PRESETS = [Decimal("1.6"), Decimal("1.8"), Decimal("2.0"), Decimal("2.2")]
FIBRE_PER_1000_KCAL = Decimal("14")  # the Institute of Medicine's adequate intake


class CalculatorError(ValueError):
    """Inputs that cannot make targets (named for the field they come from)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class Inputs:
    sex: str = ""  # "male" or "female"
    age: int | None = None
    weight_kg: Decimal | None = None
    height_cm: Decimal | None = None
    weight_on: date | None = None  # when the weight was logged
    unit_system: str = "metric"


@dataclass
class Settings:
    activity: str = "moderate"
    goal: str = "maintain"
    adjustment_percent: Decimal | None = Decimal("15")  # used when adjustment_kcal is None
    adjustment_kcal: int | None = None
    protein_g_per_kg: Decimal = Decimal("1.8")
    fat_percent: Decimal = Decimal("30")


@dataclass
class Result:
    inputs: Inputs
    settings: Settings
    missing: list[str] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)  # {"key", "label", "text", "value"}
    resting_kcal: Decimal | None = None
    total_kcal: Decimal | None = None
    targets: dict = field(default_factory=dict)  # energy_kcal, protein_g, carbohydrate_g, fat_g, fibre_g

    @property
    def is_complete(self) -> bool:
        return not self.missing and bool(self.targets)

    @property
    def working(self) -> str:
        return "\n".join(step["text"] for step in self.steps)


def number(value, places: int = 0) -> str:
    """A number in the project's format, with thousands grouped ("1,790", "82.5")."""
    value = Decimal(value)
    if places == 0:
        value = value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    else:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP).normalize()
        if value == value.to_integral():
            value = value.quantize(Decimal("1"))
        places = max(0, -value.as_tuple().exponent)
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _weight(kg: Decimal, units: str) -> str:
    text = f"{number(kg, 1)} kg"
    if units == IMPERIAL:
        text += f" ({number(kg_to_display(kg, units), 1)} {weight_unit(units)})"
    return text


def _height(cm: Decimal, units: str) -> str:
    text = f"{number(cm, 1)} cm"
    if units == IMPERIAL:
        text += f" ({number(cm_to_display(cm, units), 1)} {length_unit(units)})"
    return text


def inputs_for(client, *, today: date | None = None) -> Inputs:
    """The client's sex, age, height and latest logged weight."""
    from clients.selectors import latest_measurement

    entry = latest_measurement(client=client, key="weight")
    age = None
    if client.date_of_birth:
        today = today or date.today()
        born = client.date_of_birth
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return Inputs(
        sex=client.sex if client.sex in ("male", "female") else "",
        age=age,
        weight_kg=Decimal(entry.value) if entry else None,
        weight_on=entry.recorded_on if entry else None,
        height_cm=Decimal(client.height_cm) if client.height_cm else None,
        unit_system=client.unit_system,
    )


def missing_inputs(inputs: Inputs) -> list[str]:
    missing = []
    if inputs.sex not in ("male", "female"):
        missing.append(_("Sex (male or female): the formula differs by sex. Set it in the client's details."))
    if inputs.age is None:
        missing.append(_("Age: add the client's date of birth."))
    if inputs.height_cm is None:
        missing.append(_("Height: add it in the client's details."))
    if inputs.weight_kg is None:
        missing.append(_("Weight: no weight logged. Log one on the Progress tab."))
    return missing


def _check(settings: Settings) -> None:
    if settings.activity not in ACTIVITY_FACTORS:
        raise CalculatorError(_("Choose an activity level."), "activity")
    if settings.goal not in dict(GOALS):
        raise CalculatorError(_("Choose lose, maintain or gain."), "goal")
    if not Decimal("1.6") <= Decimal(settings.protein_g_per_kg) <= Decimal("2.2"):
        raise CalculatorError(_("Protein is between 1.6 and 2.2 g per kg of body weight."), "protein_g_per_kg")
    if not Decimal("15") <= Decimal(settings.fat_percent) <= Decimal("50"):
        raise CalculatorError(_("Fat is between 15 % and 50 % of energy."), "fat_percent")
    if settings.goal != "maintain":
        if settings.adjustment_kcal is not None:
            if not 0 <= settings.adjustment_kcal <= 1500:
                raise CalculatorError(_("Adjust by 0 to 1,500 kcal a day."), "adjustment_kcal")
        elif settings.adjustment_percent is None or not 0 <= Decimal(settings.adjustment_percent) <= 30:
            raise CalculatorError(_("Adjust by 0 % to 30 %."), "adjustment_percent")


def resting_energy(*, sex: str, age: int, weight_kg: Decimal, height_cm: Decimal) -> Decimal:
    """Mifflin–St Jeor (1990): 10 × kg + 6.25 × cm − 5 × age + 5 (men) or − 161 (women)."""
    constant = Decimal(5) if sex == "male" else Decimal(-161)
    return Decimal(10) * Decimal(weight_kg) + Decimal("6.25") * Decimal(height_cm) - 5 * Decimal(age) + constant


def calculate(inputs: Inputs, settings: Settings | None = None) -> Result:
    """Targets and their working. Missing profile inputs are listed, not guessed; settings out
    of range raise CalculatorError."""
    settings = settings or Settings()
    _check(settings)
    result = Result(inputs=inputs, settings=settings, missing=missing_inputs(inputs))
    if result.missing:
        return result
    units = inputs.unit_system
    sex_constant = "+ 5" if inputs.sex == "male" else "− 161"
    resting = resting_energy(sex=inputs.sex, age=inputs.age, weight_kg=inputs.weight_kg, height_cm=inputs.height_cm)
    result.resting_kcal = resting
    result.steps.append(
        {
            "key": "resting",
            "label": _("Resting energy (Mifflin–St Jeor)"),
            "value": resting,
            "text": _("Resting energy 10 × %(weight)s + 6.25 × %(height)s − 5 × %(age)s %(constant)s = %(kcal)s kcal")
            % {
                "weight": _weight(inputs.weight_kg, units),
                "height": _height(inputs.height_cm, units),
                "age": inputs.age,
                "constant": sex_constant,
                "kcal": number(resting, 2 if resting != resting.to_integral() else 0),
            },
        }
    )
    factor = ACTIVITY_FACTORS[settings.activity]
    activity_label = {k: label for k, _f, label in ACTIVITY_LEVELS}[settings.activity]
    total = resting * factor
    result.total_kcal = total
    result.steps.append(
        {
            "key": "activity",
            "label": _("Daily energy use"),
            "value": total,
            "text": _("Daily energy use %(resting)s kcal × %(factor)s (%(activity)s) = %(kcal)s kcal")
            % {
                "resting": number(resting),
                "factor": number(factor, 3),
                "activity": activity_label,
                "kcal": number(total),
            },
        }
    )
    if settings.goal == "maintain":
        energy = total
        text = _("Goal: maintain weight, so the energy target is %(kcal)s kcal") % {"kcal": number(energy)}
    else:
        sign = -1 if settings.goal == "lose" else 1
        if settings.adjustment_kcal is not None:
            change = Decimal(settings.adjustment_kcal)
            how = _("%(kcal)s kcal") % {"kcal": number(change)}
        else:
            change = total * Decimal(settings.adjustment_percent) / 100
            how = _("%(percent)s %% (%(kcal)s kcal)") % {
                "percent": number(settings.adjustment_percent, 1),
                "kcal": number(change),
            }
        energy = total + sign * change
        words = _("lose weight: %(total)s kcal − %(how)s") if sign < 0 else _("gain weight: %(total)s kcal + %(how)s")
        text = _("Goal: %(goal)s = %(kcal)s kcal") % {
            "goal": words % {"total": number(total), "how": how},
            "kcal": number(energy),
        }
    energy = energy.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    result.steps.append({"key": "goal", "label": _("Energy target"), "value": energy, "text": text})

    protein = (Decimal(settings.protein_g_per_kg) * inputs.weight_kg).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    result.steps.append(
        {
            "key": "protein",
            "label": _("Protein"),
            "value": protein,
            "text": _("Protein %(per_kg)s g per kg × %(weight)s = %(grams)s g (%(kcal)s kcal at 4 kcal per g)")
            % {
                "per_kg": number(settings.protein_g_per_kg, 1),
                "weight": _weight(inputs.weight_kg, units),
                "grams": number(protein),
                "kcal": number(protein * 4),
            },
        }
    )
    fat = (energy * Decimal(settings.fat_percent) / 100 / 9).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    result.steps.append(
        {
            "key": "fat",
            "label": _("Fat"),
            "value": fat,
            "text": _("Fat %(percent)s %% of %(energy)s kcal ÷ 9 kcal per g = %(grams)s g")
            % {"percent": number(settings.fat_percent, 1), "energy": number(energy), "grams": number(fat)},
        }
    )
    rest_kcal = energy - protein * 4 - fat * 9
    if rest_kcal < 0:
        raise CalculatorError(
            _("Protein and fat alone come to more than the energy target: lower the protein or the fat share."),
            "fat_percent",
        )
    carbs = (rest_kcal / 4).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    result.steps.append(
        {
            "key": "carbohydrate",
            "label": _("Carbohydrate"),
            "value": carbs,
            "text": _("Carbohydrate the rest: (%(energy)s − %(protein)s − %(fat)s kcal) ÷ 4 kcal per g = %(grams)s g")
            % {
                "energy": number(energy),
                "protein": number(protein * 4),
                "fat": number(fat * 9),
                "grams": number(carbs),
            },
        }
    )
    fibre = (energy / 1000 * FIBRE_PER_1000_KCAL).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    result.steps.append(
        {
            "key": "fibre",
            "label": _("Fibre"),
            "value": fibre,
            "text": _("Fibre 14 g per 1,000 kcal = %(grams)s g") % {"grams": number(fibre)},
        }
    )
    result.targets = {
        "energy_kcal": int(energy),
        "protein_g": protein,
        "carbohydrate_g": carbs,
        "fat_g": fat,
        "fibre_g": fibre,
    }
    return result


def macro_energy_check(*, energy_kcal, protein_g, carbohydrate_g, fat_g, tolerance: Decimal = Decimal("0.10")):
    """Declared energy next to the energy of the macros (4/4/9 kcal per g): (from_macros,
    differs) where `differs` is True when they disagree by more than 10 % of the declared."""
    if None in (protein_g, carbohydrate_g, fat_g):
        return None, False
    from_macros = Decimal(protein_g) * 4 + Decimal(carbohydrate_g) * 4 + Decimal(fat_g) * 9
    if not energy_kcal:
        return from_macros, False
    return from_macros, abs(from_macros - Decimal(energy_kcal)) > Decimal(energy_kcal) * tolerance
