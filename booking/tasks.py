from celery import shared_task


@shared_task(name="booking.send_reminders")
def send_reminders() -> int:
    from .services import send_due_reminders

    return send_due_reminders()


@shared_task(name="booking.release_unpaid")
def release_unpaid() -> int:
    from .services import release_unpaid_bookings

    return release_unpaid_bookings()


@shared_task(name="booking.generate_class_sessions")
def generate_class_sessions() -> int:
    """Keep every timetable class's occurrences eight weeks ahead."""
    from .services import generate_all_class_sessions

    return generate_all_class_sessions()


@shared_task(name="booking.expire_waitlist_offers")
def expire_waitlist_offers() -> int:
    """Lapse waitlist offers whose hold ended and offer the place to the next in line."""
    from .services import expire_waitlist_offers as expire

    return expire()
