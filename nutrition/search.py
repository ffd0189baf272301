"""Food search: what the food pickers, the library page and the API call."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Food


def search_foods(
    *,
    organization,
    query: str = "",
    food_group: str | None = None,
    branded: bool | None = None,
    limit: int = 25,
) -> list[Food]:
    """Foods the business sees matching `query`, best match first, common foods before
    obscure ones."""
    foods: QuerySet[Food] = Food.objects.for_org(organization).filter(is_archived=False)
    if food_group:
        foods = foods.filter(food_group=food_group)
    if branded is not None:
        foods = foods.filter(is_branded=branded)
    for word in query.lower().split():
        foods = foods.filter(search_text__contains=word)
    return list(foods.order_by("-popularity", "name", "id").prefetch_related("portions")[:limit])
