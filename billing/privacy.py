"""What billing keeps about a client, for their export and erasure (registered in
AppConfig.ready()).

Erasure keeps invoices, their lines, payments and credit notes: tax and accounting law asks
the business to keep them for years. Their copies of the client's identity are replaced
(`bill_to_name` becomes "Erased client #<reference>", the billing email is cleared) and the
link to the client goes (the foreign keys are SET_NULL). Memberships, purchases, payment
links, Stripe customer links and the access ledger are deleted with the client.
"""

from django.utils.translation import gettext as _

from mecto.privacy import Export, delete_rows, section


def export_client(client) -> Export:
    from .models import AccessGrant, CreditNote, Invoice, InvoiceLine, Payment, Purchase, Subscription

    export = Export()
    section(export, "memberships", Subscription.objects.filter(client=client).order_by("id"))
    section(export, "invoices", Invoice.objects.filter(client=client).order_by("id"))
    section(export, "invoice_lines", InvoiceLine.objects.filter(invoice__client=client).order_by("id"))
    section(export, "payments", Payment.objects.filter(client=client).order_by("id"))
    section(export, "credit_notes", CreditNote.objects.filter(client=client).order_by("id"))
    section(export, "purchases", Purchase.objects.filter(client=client).order_by("id"))
    section(export, "access_grants", AccessGrant.objects.filter(client=client).order_by("id"))
    return export


def erase_client(client, *, request=None) -> dict[str, int]:
    from .models import AccessGrant, CreditNote, Invoice, Payment, PaymentLink, Purchase, StripeCustomer, Subscription

    reference = getattr(request, "client_reference", "") or str(client.pk)
    summary: dict[str, int] = {}
    kept = Invoice.objects.filter(client=client)
    anonymised = kept.update(
        bill_to_name=_("Erased client #%(ref)s") % {"ref": reference}, bill_to_email="", client=None
    )
    if anonymised:
        summary["billing.Invoice (kept, anonymised)"] = anonymised
    for model in (Payment, CreditNote):
        count = model.objects.filter(client=client).update(client=None)
        if count:
            summary[f"{model._meta.label} (kept)"] = count
    return delete_rows(
        summary,
        AccessGrant.objects.filter(client=client),
        PaymentLink.objects.filter(client=client),
        Purchase.objects.filter(client=client),
        StripeCustomer.objects.filter(client=client),
        Subscription.objects.filter(client=client),
    )
