from celery import shared_task


@shared_task(name="automation.advance_runs")
def advance_runs() -> int:
    """Every minute: move automation runs whose wait is over."""
    from .engine import advance_due_runs

    return advance_due_runs()


@shared_task(name="automation.scan_birthdays")
def scan_birthdays() -> int:
    """Every hour: start birthday automations where it is the client's birthday (their zone)."""
    from .engine import scan_birthdays as scan

    return scan()
