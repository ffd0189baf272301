"""Billing's figure on the clients list (`clients.list_figures`): open invoices past due."""

from django.db.models import OuterRef

from clients import list_figures

from .models import Invoice


def overdue_invoices(*, now, user):
    return list_figures.count_of(Invoice.objects.overdue(at=now).filter(client=OuterRef("pk")))


def register() -> None:
    from mecto.demo import register_demo_remover

    from .demo import remove_demo_books

    list_figures.register("overdue_invoices", overdue_invoices)
    register_demo_remover(remove_demo_books)
