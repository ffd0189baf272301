"""Consent proof and "new message" emails move to the sending mechanism.

Each ConsentRecord becomes a Consent row for the client's address at the time of the
migration; each group of MessageNotification rows (one conversation, one recipient)
becomes one sent message in the log that names the newest message it covered, so no
message is emailed about again. Reversible: the rows are rebuilt from the log.
"""

from django.db import migrations

from mecto.comms.addresses import normalise


def forwards(apps, schema_editor):
    ConsentRecord = apps.get_model("clients", "ConsentRecord")
    MessageNotification = apps.get_model("clients", "MessageNotification")
    Consent = apps.get_model("mecto", "Consent")
    OutboundMessage = apps.get_model("mecto", "OutboundMessage")

    consents = []
    for record in ConsentRecord.objects.select_related("client", "organization").iterator():
        raw = record.client.email if record.channel == "email" else record.client.phone
        consents.append(
            Consent(
                organization_id=record.organization_id,
                channel=record.channel,
                address=normalise(record.channel, raw, time_zone=record.organization.time_zone),
                granted=record.granted,
                method=record.method,
                client_id=record.client_id,
                recorded_by_id=record.recorded_by_id,
                recorded_at=record.recorded_at,
            )
        )
    Consent.objects.bulk_create(consents, batch_size=500)

    groups = {}
    for row in MessageNotification.objects.select_related("message", "recipient").iterator():
        key = (row.message.thread_id, row.recipient_id)
        groups.setdefault(key, []).append(row)
    messages = []
    for (thread_id, recipient_id), rows in groups.items():
        rows.sort(key=lambda r: r.message_id)
        latest = rows[-1]
        messages.append(
            OutboundMessage(
                organization_id=latest.organization_id,
                channel="email",
                category="transactional",
                topic="messages",
                to_address=(latest.recipient.email or "").lower(),
                client_id=latest.message.client_id,
                subject="New message",
                composer="clients.new_message",
                context={
                    "thread_id": thread_id,
                    "recipient_id": recipient_id,
                    "message_ids": [r.message_id for r in rows],
                    "last_message_id": latest.message_id,
                },
                idempotency_key=f"new-message:{recipient_id}:{thread_id}:{latest.message_id}",
                status="sent",
                status_detail="Sent before the message log existed.",
                attempts=1,
                created_at=latest.sent_at,
                send_after=latest.sent_at,
                sent_at=latest.sent_at,
            )
        )
    OutboundMessage.objects.bulk_create(messages, batch_size=500, ignore_conflicts=True)


def backwards(apps, schema_editor):
    ConsentRecord = apps.get_model("clients", "ConsentRecord")
    MessageNotification = apps.get_model("clients", "MessageNotification")
    Client = apps.get_model("clients", "Client")
    Message = apps.get_model("clients", "Message")
    Consent = apps.get_model("mecto", "Consent")
    OutboundMessage = apps.get_model("mecto", "OutboundMessage")

    known_clients = set(Client.objects.values_list("pk", flat=True))
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                organization_id=c.organization_id,
                client_id=c.client_id,
                channel=c.channel,
                granted=c.granted,
                method=c.method,
                recorded_by_id=c.recorded_by_id,
                recorded_at=c.recorded_at,
            )
            for c in Consent.objects.filter(client_id__isnull=False).iterator()
            if c.client_id in known_clients
        ],
        batch_size=500,
    )
    rows = []
    for sent in OutboundMessage.objects.filter(topic="messages", status__in=["sent", "delivered"]).iterator():
        ids = (sent.context or {}).get("message_ids") or []
        for message_id in Message.objects.filter(pk__in=ids).values_list("pk", flat=True):
            rows.append(
                MessageNotification(
                    organization_id=sent.organization_id,
                    message_id=message_id,
                    recipient_id=sent.context["recipient_id"],
                )
            )
    MessageNotification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0012_intake_submission_review"),
        ("mecto", "0003_comms"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="ConsentRecord"),
        migrations.DeleteModel(name="MessageNotification"),
    ]
