"""Writes of a client's food log: log a food or a quick add (one or several in one request),
change and delete entries, favourites, and the coach's comments on a day."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from ..models import FavouriteFood, Food, FoodLogEntry, FoodPortion, NutritionComment
from ..nutrients import NUTRIENT_FIELDS, for_grams, grams_of

register_event_type("nutrition.food_logged", gettext_lazy("A client logged food"))
register_event_type("nutrition.log_commented", gettext_lazy("A coach commented on a client's food log"))

MAX_GRAMS = Decimal(5000)
MAX_AMOUNT = Decimal(1000)
MAX_ITEMS = 50
QUICK_LIMITS = {
    "energy_kcal": Decimal(10000),
    "protein_g": Decimal(1000),
    "carbohydrate_g": Decimal(2000),
    "fat_g": Decimal(1000),
    "fibre_g": Decimal(200),
}
TRACKED = list(QUICK_LIMITS)


class FoodLogError(DomainError):
    pass


def _decimal(raw, *, field: str, low: Decimal, high: Decimal, message: str) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise FoodLogError(_("Enter a number."), field=field)
    if not value.is_finite() or not low <= value <= high:
        raise FoodLogError(message, field=field)
    return value


def _local_today(client) -> datetime.date:
    from mecto.localization import zone

    return timezone.now().astimezone(zone(client.time_zone)).date()


def _clean_day(client, day) -> datetime.date:
    if day in (None, ""):
        return _local_today(client)
    if not isinstance(day, datetime.date):
        try:
            day = datetime.date.fromisoformat(str(day))
        except ValueError:
            raise FoodLogError(_("Enter a date like 2026-03-31."), field="date")
    if day > _local_today(client) + datetime.timedelta(days=1):
        raise FoodLogError(_("Food cannot be logged for a day that has not come yet."), field="date")
    if day < datetime.date(2000, 1, 1):
        raise FoodLogError(_("Enter a date from this century."), field="date")
    return day


def _clean_meal(meal, meal_label) -> tuple[str, str]:
    meal = meal or FoodLogEntry.Meal.SNACK
    if meal not in FoodLogEntry.Meal.values:
        raise FoodLogError(_("Choose breakfast, lunch, dinner, snack or other."), field="meal")
    label = (meal_label or "").strip()
    if len(label) > 60:
        raise FoodLogError(_("Keep the meal name under 60 characters."), field="meal_label")
    return meal, label


def _round(amounts: dict) -> dict:
    return {k: None if v is None else Decimal(v).quantize(Decimal("0.01")) for k, v in amounts.items()}


def _food_amounts(organization, *, food, portion, amount, grams) -> dict:
    """What one food item is: its grams, portion label and the nutrients of that amount."""
    if not isinstance(food, Food):
        food = Food.objects.for_org(organization).filter(pk=food).first() if str(food).isdigit() else None
        if food is None:
            raise FoodLogError(_("Choose a food from the list."), field="food")
    elif not Food.objects.for_org(organization).filter(pk=food.pk).exists():
        raise FoodLogError(_("Choose a food from the list."), field="food")
    if portion not in (None, ""):
        if not isinstance(portion, FoodPortion):
            found = (
                FoodPortion.objects.for_org(organization).filter(pk=portion).first() if str(portion).isdigit() else None
            )
            portion = found
        if portion is None or portion.food_id != food.pk:
            raise FoodLogError(_("Choose one of this food's portions."), field="portion")
        amount = _decimal(
            amount,
            field="amount",
            low=Decimal("0.01"),
            high=MAX_AMOUNT,
            message=_("Enter an amount from 0.01 to 1,000 portions."),
        )
        if amount is None:
            raise FoodLogError(_("Say how many portions."), field="amount")
        grams = grams_of(portion=portion, amount=amount)
        label = f"{amount.normalize():f} × {Decimal(portion.amount).normalize():f} {portion.description}"
    else:
        portion, amount = None, None
        grams = _decimal(
            grams, field="grams", low=Decimal("0.1"), high=MAX_GRAMS, message=_("Enter from 0.1 to 5,000 g.")
        )
        if grams is None:
            raise FoodLogError(_("Say how much: a portion and an amount, or grams."), field="grams")
        label = f"{grams.normalize():f} g"
    if grams <= 0:
        raise FoodLogError(_("Enter an amount above zero."), field="amount")
    return {
        "food": food,
        "portion": portion,
        "amount": amount,
        "grams": grams,
        "name": food.name[:200],
        "portion_label": label[:160],
        "amounts": _round(for_grams(food, grams)),
    }


def _quick_amounts(quick: dict) -> dict:
    values = {}
    for name, high in QUICK_LIMITS.items():
        values[name] = _decimal(
            quick.get(name),
            field=name,
            low=Decimal(0),
            high=high,
            message=_("Enter a value from 0 to %(high)s.") % {"high": f"{high:,}"},
        )
    if all(v is None for v in values.values()):
        raise FoodLogError(_("Enter the calories or at least one macro."), field="energy_kcal")
    name = (quick.get("name") or "").strip() or _("Quick add")
    if len(name) > 200:
        raise FoodLogError(_("Keep the name under 200 characters."), field="name")
    amounts = dict.fromkeys(NUTRIENT_FIELDS)
    amounts.update(values)
    return {"name": name, "portion_label": "", "amounts": _round(amounts)}


def _recipe_amounts(organization, *, recipe, servings) -> dict:
    from ..models import Recipe
    from ..plan_nutrition import recipe_nutrition, recipes_with_ingredients, servings_label

    if not isinstance(recipe, Recipe):
        recipe = Recipe.objects.for_org(organization).filter(pk=recipe).first() if str(recipe).isdigit() else None
    if recipe is None or recipe.organization_id != organization.pk:
        raise FoodLogError(_("Choose one of your coach's recipes."), field="recipe")
    count = _decimal(
        1 if servings in (None, "") else servings,
        field="servings",
        low=Decimal("0.01"),
        high=Decimal(100),
        message=_("Enter from 0.01 to 100 servings."),
    )
    recipe = recipes_with_ingredients(Recipe.objects.filter(pk=recipe.pk)).get()
    per_serving = recipe_nutrition(recipe).per_serving.scaled(count)
    amounts = dict.fromkeys(NUTRIENT_FIELDS)
    amounts.update(per_serving.amounts)
    return {
        "recipe": recipe,
        "amount": count,
        "name": recipe.name[:200],
        "portion_label": servings_label(count),
        "amounts": _round(amounts),
    }


def _clean_uuid(raw) -> uuid.UUID:
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw))
    except (TypeError, ValueError, AttributeError):
        raise FoodLogError(_("Send a UUID generated by the app."), field="client_entry_id")


def _build(
    client, *, client_entry_id, day, meal, meal_label, food, portion, amount, grams, quick, note, actor, recipe=None
):
    organization = client.organization
    sources = sum(1 for given in (food not in (None, ""), bool(quick), recipe not in (None, "")) if given)
    if sources == 0:
        raise FoodLogError(_("Choose a food or a recipe, or quick-add calories and macros."), field="food")
    if sources > 1:
        raise FoodLogError(_("Log one food, recipe or quick add per entry."), field="food")
    if note and len(note) > 300:
        raise FoodLogError(_("Keep the note under 300 characters."), field="note")
    if quick:
        item = _quick_amounts(quick)
        kind = FoodLogEntry.Kind.QUICK
    elif recipe not in (None, ""):
        item = _recipe_amounts(organization, recipe=recipe, servings=amount)
        kind = FoodLogEntry.Kind.RECIPE
    else:
        item = _food_amounts(organization, food=food, portion=portion, amount=amount, grams=grams)
        kind = FoodLogEntry.Kind.FOOD
    amounts = item.pop("amounts")
    return FoodLogEntry(
        organization=organization,
        client=client,
        client_entry_id=client_entry_id,
        date=day,
        meal=meal,
        meal_label=meal_label,
        kind=kind,
        note=(note or "").strip(),
        logged_at=timezone.now(),
        logged_by=actor if getattr(actor, "pk", None) else None,
        nutrients={k: None if v is None else str(v) for k, v in amounts.items()},
        **{k: amounts[k] for k in TRACKED},
        **item,
    )


def _attach_photo(entry: FoodLogEntry, photo) -> None:
    from mecto.images import clean_image

    clean = clean_image(photo, field="photo")
    stem = uuid.uuid4().hex
    entry.photo.save(f"{stem}.jpg", ContentFile(clean.full), save=False)
    entry.photo_thumbnail.save(f"{stem}-thumb.jpg", ContentFile(clean.thumbnail), save=False)


def _emit_logged(client, entries: list[FoodLogEntry], actor) -> None:
    emit(
        client.organization,
        "nutrition.food_logged",
        {
            "client_id": client.pk,
            "date": entries[0].date.isoformat(),
            "entries": [str(e.public_id) for e in entries],
            "energy_kcal": str(sum((e.energy_kcal or 0 for e in entries), Decimal(0))),
        },
        actor=actor,
        client=client,
    )


def _store(client, fields: dict, photo, actor) -> tuple[FoodLogEntry, bool]:
    client_entry_id = _clean_uuid(fields.get("client_entry_id"))
    existing = FoodLogEntry.objects.filter(client=client, client_entry_id=client_entry_id).first()
    if existing is not None:
        return existing, False
    day = _clean_day(client, fields.get("date"))
    meal, meal_label = _clean_meal(fields.get("meal"), fields.get("meal_label"))
    entry = _build(
        client,
        client_entry_id=client_entry_id,
        day=day,
        meal=meal,
        meal_label=meal_label,
        food=fields.get("food"),
        portion=fields.get("portion"),
        amount=fields.get("amount"),
        grams=fields.get("grams"),
        quick=fields.get("quick"),
        note=fields.get("note") or "",
        actor=actor,
        recipe=fields.get("recipe"),
    )
    if photo is not None:
        _attach_photo(entry, photo)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # The same upload arrived twice at once: the other request stored it.
        existing = FoodLogEntry.objects.filter(client=client, client_entry_id=client_entry_id).first()
        if existing is None:
            raise
        return existing, False
    return entry, True


@transaction.atomic
def log_food(
    *,
    client,
    client_entry_id,
    date=None,
    meal: str = FoodLogEntry.Meal.SNACK,
    meal_label: str = "",
    food=None,
    portion=None,
    amount=None,
    grams=None,
    quick: dict | None = None,
    recipe=None,
    note: str = "",
    photo=None,
    actor=None,
) -> tuple[FoodLogEntry, bool]:
    """Log one food (a portion and an amount, or grams), a recipe (`amount` servings, default
    one) or a quick add. The nutrients are copied onto the entry now. The same
    `client_entry_id` again returns the first entry with created=False and changes nothing."""
    entry, created = _store(
        client,
        {
            "client_entry_id": client_entry_id,
            "date": date,
            "meal": meal,
            "meal_label": meal_label,
            "food": food,
            "portion": portion,
            "amount": amount,
            "grams": grams,
            "quick": quick,
            "recipe": recipe,
            "note": note,
        },
        photo,
        actor,
    )
    if created:
        _emit_logged(client, [entry], actor)
    return entry, created


@transaction.atomic
def log_meal(
    *, client, items: list[dict], date=None, meal: str | None = None, meal_label: str = "", actor=None
) -> list[tuple[FoodLogEntry, bool]]:
    """Log several items at once (a meal, or later a recipe's ingredients): all or none.

    Each item is what `log_food` takes (its own `client_entry_id`); `date`, `meal` and
    `meal_label` apply to items that do not say their own. An error names the item."""
    if not isinstance(items, list) or not items:
        raise FoodLogError(_("Add at least one food to the meal."), field="items")
    if len(items) > MAX_ITEMS:
        raise FoodLogError(_("A meal has at most %(n)d items.") % {"n": MAX_ITEMS}, field="items")
    results = []
    for index, raw in enumerate(items, start=1):
        fields = {"date": date, "meal": meal, "meal_label": meal_label, **dict(raw)}
        try:
            results.append(_store(client, fields, None, actor))
        except FoodLogError as exc:
            raise FoodLogError(
                _("Item %(n)d: %(message)s") % {"n": index, "message": exc.message}, field="items"
            ) from exc
    ids = [e.client_entry_id for e, _created in results]
    if len(set(ids)) != len(ids):
        raise FoodLogError(_("Each item needs its own client_entry_id."), field="items")
    created = [e for e, was_created in results if was_created]
    if created:
        _emit_logged(client, created, actor)
    return results


@transaction.atomic
def update_entry(
    *,
    entry: FoodLogEntry,
    actor=None,
    date=None,
    meal: str | None = None,
    meal_label: str | None = None,
    portion=None,
    amount=None,
    grams=None,
    quick: dict | None = None,
    note: str | None = None,
) -> FoodLogEntry:
    """Change an entry's day, meal or amount. A new amount of a food scales the nutrients
    copied at log time, so a later edit of the food still does not reach the entry."""
    entry = FoodLogEntry.objects.select_for_update().get(pk=entry.pk)
    client = entry.client
    if date is not None:
        entry.date = _clean_day(client, date)
    if meal is not None or meal_label is not None:
        entry.meal, entry.meal_label = _clean_meal(
            meal or entry.meal, entry.meal_label if meal_label is None else meal_label
        )
    if note is not None:
        if len(note) > 300:
            raise FoodLogError(_("Keep the note under 300 characters."), field="note")
        entry.note = note.strip()
    if entry.kind == FoodLogEntry.Kind.QUICK:
        if quick:
            merged = {**{k: entry.nutrients.get(k) for k in TRACKED}, "name": entry.name, **quick}
            item = _quick_amounts(merged)
            entry.name = item["name"]
            entry.nutrients = {k: None if v is None else str(v) for k, v in item["amounts"].items()}
            for k in TRACKED:
                setattr(entry, k, item["amounts"][k])
    elif entry.kind == FoodLogEntry.Kind.RECIPE:
        if amount not in (None, ""):
            count = _decimal(
                amount,
                field="amount",
                low=Decimal("0.01"),
                high=Decimal(100),
                message=_("Enter from 0.01 to 100 servings."),
            )
            factor = count / Decimal(entry.amount or 1)
            amounts = _round(
                {k: None if v is None else Decimal(v) * factor for k, v in (entry.nutrients or {}).items()}
            )
            from ..plan_nutrition import servings_label

            entry.amount, entry.portion_label = count, servings_label(count)
            entry.nutrients = {k: None if v is None else str(v) for k, v in amounts.items()}
            for k in TRACKED:
                setattr(entry, k, amounts.get(k))
    elif portion not in (None, "") or amount not in (None, "") or grams not in (None, ""):
        if entry.food is None:
            raise FoodLogError(_("This food was removed: delete the entry and log it again."), field="food")
        if portion in (None, "") and grams in (None, "") and entry.portion_id:
            portion = entry.portion
        item = _food_amounts(entry.organization, food=entry.food, portion=portion, amount=amount, grams=grams)
        factor = item["grams"] / Decimal(entry.grams) if entry.grams else None
        if factor is None:
            amounts = item["amounts"]
        else:
            amounts = _round(
                {k: None if v is None else Decimal(v) * factor for k, v in (entry.nutrients or {}).items()}
            )
        entry.portion, entry.amount, entry.grams = item["portion"], item["amount"], item["grams"]
        entry.portion_label = item["portion_label"]
        entry.nutrients = {k: None if v is None else str(v) for k, v in amounts.items()}
        for k in TRACKED:
            setattr(entry, k, amounts.get(k))
    entry.save()
    return entry


@transaction.atomic
def delete_entry(*, entry: FoodLogEntry, actor=None) -> None:
    names = [n for n in (entry.photo.name, entry.photo_thumbnail.name) if n]
    entry.delete()
    if names:
        from clients.services.photos import delete_files_on_commit

        delete_files_on_commit(names)


@transaction.atomic
def add_favourite(*, client, food) -> FavouriteFood:
    if not isinstance(food, Food) or not Food.objects.for_org(client.organization).filter(pk=food.pk).exists():
        raise FoodLogError(_("Choose a food from the list."), field="food")
    favourite, _created = FavouriteFood.objects.get_or_create(
        client=client, food=food, defaults={"organization": client.organization}
    )
    return favourite


@transaction.atomic
def remove_favourite(*, client, food) -> None:
    FavouriteFood.objects.filter(client=client, food=food).delete()


@transaction.atomic
def comment_on_day(*, client, day, body: str, actor) -> NutritionComment:
    """A coach's comment on the client's food log of a day: kept with the day and sent to the
    client's message thread (the most recent, or a new one)."""
    from django.utils.formats import date_format

    from clients.models import Thread
    from clients.services.messaging import send_message, start_thread

    body = (body or "").strip()
    if not body:
        raise FoodLogError(_("Write a comment."), field="body")
    if len(body) > 2000:
        raise FoodLogError(_("Keep a comment under 2,000 characters."), field="body")
    if not isinstance(day, datetime.date):
        try:
            day = datetime.date.fromisoformat(str(day))
        except ValueError:
            raise FoodLogError(_("Enter a date like 2026-03-31."), field="date")
    thread = Thread.objects.for_org(client.organization).filter(client=client).order_by("-last_message_at").first()
    if thread is None:
        thread = start_thread(client=client, subject=_("Nutrition"), actor=actor)
    message = send_message(
        thread=thread,
        sender=actor,
        body=_("About your food log of %(day)s: %(body)s") % {"day": date_format(day), "body": body},
    )
    comment = NutritionComment.objects.create(
        organization=client.organization, client=client, date=day, body=body, author=actor, message=message
    )
    emit(
        client.organization,
        "nutrition.log_commented",
        {"client_id": client.pk, "date": day.isoformat(), "comment_id": comment.pk},
        actor=actor,
        client=client,
    )
    return comment


@transaction.atomic
def log_planned_meal(*, client, meal, date=None, actor=None) -> list[tuple[FoodLogEntry, bool]]:
    """Log every item of a meal of the client's own meal plan on `date` (their today by default),
    all or none. Each item's entry id is derived from the item and the day, so tapping
    "I ate this" twice logs the meal once."""
    from ..models import Meal

    meal = Meal.objects.select_related("day__plan").filter(pk=getattr(meal, "pk", meal)).first()
    if meal is None or meal.day.plan.client_id != client.pk:
        raise FoodLogError(_("That meal is not in your meal plan."), field="meal")
    day = _clean_day(client, date)
    slot = meal.kind if meal.kind in FoodLogEntry.Meal.values else FoodLogEntry.Meal.OTHER
    items = []
    for item in meal.items.select_related("food", "portion", "recipe").order_by("position", "id"):
        entry_id = uuid.uuid5(uuid.NAMESPACE_URL, f"mecto:meal-item:{item.pk}:{day.isoformat()}")
        if item.recipe_id:
            items.append({"client_entry_id": entry_id, "recipe": item.recipe, "amount": item.servings})
        elif item.portion_id:
            items.append(
                {"client_entry_id": entry_id, "food": item.food, "portion": item.portion, "amount": item.amount}
            )
        else:
            items.append({"client_entry_id": entry_id, "food": item.food, "grams": item.grams})
    if not items:
        raise FoodLogError(_("Nothing is planned for this meal."), field="meal")
    return log_meal(
        client=client,
        items=items,
        date=day,
        meal=slot,
        meal_label=meal.name if slot == FoodLogEntry.Meal.OTHER else "",
        actor=actor,
    )
