from celery import shared_task


@shared_task(name="booking.send_reminders")
def send_reminders() -> int:
    from .services import send_due_reminders

    return send_due_reminders()


@shared_task(name="booking.release_unpaid")
def release_unpaid() -> int:
    from .services import release_unpaid_bookings

    return release_unpaid_bookings()
