"""What booking keeps about a client (bookings, recurring series, session credits), for their
export and erasure (registered with mecto.privacy in AppConfig.ready())."""

from mecto.privacy import Export, delete_rows, section


def export_client(client) -> Export:
    from .models import Booking, CreditEntry, CreditGrant, RecurringSeries

    export = Export()
    section(export, "bookings", Booking.objects.filter(client=client).order_by("id"))
    section(export, "recurring_bookings", RecurringSeries.objects.filter(client=client).order_by("id"))
    section(export, "session_credits", CreditGrant.objects.filter(client=client).order_by("id"))
    section(export, "session_credit_entries", CreditEntry.objects.filter(client=client).order_by("id"))
    return export


def erase_client(client, *, request=None) -> dict[str, int]:
    from .models import Booking, CreditEntry, CreditGrant, RecurringSeries

    return delete_rows(
        {},
        CreditEntry.objects.filter(client=client),
        Booking.objects.filter(client=client),
        RecurringSeries.objects.filter(client=client),
        CreditGrant.objects.filter(client=client),
    )
