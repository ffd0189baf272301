from django.db.models import Q, QuerySet

from .models import Client


def client_list(*, organization, search: str = "", status: str = "", coach_id: int | None = None) -> QuerySet[Client]:
    qs = Client.objects.for_org(organization).select_related("coach")
    if search:
        qs = qs.filter(
            Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
            | Q(phone__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if coach_id:
        qs = qs.filter(coach_id=coach_id)
    return qs
