"""Billing notices move to the sending mechanism.

A dunning reminder or expiring-package notice becomes a sent message in the log under
the key the beat jobs use now, so none goes again; a past-due notice sets the invoice's
`past_due_at` (the step happened) and becomes the coach's message. Reversible: Notice
rows are rebuilt from the log and the invoices.
"""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Notice = apps.get_model("billing", "Notice")
    Invoice = apps.get_model("billing", "Invoice")
    OutboundMessage = apps.get_model("mecto", "OutboundMessage")

    rows = []
    for notice in Notice.objects.select_related("client").iterator():
        if notice.kind == "past_due" and notice.invoice_id:
            Invoice.objects.filter(pk=notice.invoice_id, past_due_at__isnull=True).update(past_due_at=notice.sent_at)
        if notice.kind == "dunning_reminder" and notice.invoice_id:
            composer, params = "billing.dunning", {"invoice_id": notice.invoice_id, "day": notice.step}
        else:
            composer, params = "", {}
        rows.append(
            OutboundMessage(
                organization_id=notice.organization_id,
                channel="email",
                category="transactional",
                topic="billing",
                to_address=(notice.client.email if notice.client else "").lower(),
                client_id=notice.client_id,
                subject=notice.get_kind_display() if hasattr(notice, "get_kind_display") else notice.kind,
                composer=composer,
                context=params,
                idempotency_key=notice.key,
                status="sent",
                status_detail="Sent before the message log existed.",
                attempts=1,
                created_at=notice.sent_at,
                send_after=notice.sent_at,
                sent_at=notice.sent_at,
            )
        )
    OutboundMessage.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def backwards(apps, schema_editor):
    Notice = apps.get_model("billing", "Notice")
    Invoice = apps.get_model("billing", "Invoice")
    Purchase = apps.get_model("billing", "Purchase")
    OutboundMessage = apps.get_model("mecto", "OutboundMessage")

    notices = []
    for message in OutboundMessage.objects.filter(topic="billing", status__in=["sent", "delivered"]).iterator():
        key = message.idempotency_key
        if key.startswith("dunning:"):
            _prefix, public_id, day = key.split(":")
            invoice = Invoice.objects.filter(public_id=public_id).first()
            if invoice:
                notices.append(
                    Notice(
                        organization_id=message.organization_id,
                        key=key,
                        kind="dunning_reminder",
                        client_id=invoice.client_id,
                        invoice=invoice,
                        subscription_id=invoice.subscription_id,
                        step=int(day),
                    )
                )
        elif key.startswith("expiring:"):
            purchase = Purchase.objects.filter(public_id=key.split(":", 1)[1]).first()
            if purchase:
                notices.append(
                    Notice(
                        organization_id=message.organization_id,
                        key=key,
                        kind="package_expiring",
                        client_id=purchase.client_id,
                        purchase=purchase,
                    )
                )
    for invoice in Invoice.objects.filter(past_due_at__isnull=False):
        notices.append(
            Notice(
                organization_id=invoice.organization_id,
                key=f"past_due:{invoice.public_id}",
                kind="past_due",
                client_id=invoice.client_id,
                invoice=invoice,
                subscription_id=invoice.subscription_id,
                step=7,
            )
        )
    Notice.objects.bulk_create(notices, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_invoices_outlive_deleted_clients"),
        ("mecto", "0003_comms"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="past_due_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the last payment reminder went unpaid.",
                null=True,
                verbose_name="reminders ran out",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Notice"),
    ]
