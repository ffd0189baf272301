"""Reminders and reminder opt-outs move to the sending mechanism.

Each Reminder row becomes a message in the log with the key the reminder job uses now,
so no reminder that went out goes again; each opt-out becomes a topic opt-out for the
client's address. Reversible: the rows are rebuilt from the log and the suppressions.
"""

from django.db import migrations

from mecto.comms.addresses import normalise


def _key(booking_id, channel, offset, start):
    return f"booking-reminder:{booking_id}:{channel}:{offset}:{int(start.timestamp())}"


def forwards(apps, schema_editor):
    Reminder = apps.get_model("booking", "Reminder")
    ReminderOptOut = apps.get_model("booking", "ReminderOptOut")
    OutboundMessage = apps.get_model("mecto", "OutboundMessage")
    Suppression = apps.get_model("mecto", "Suppression")

    rows = []
    for reminder in Reminder.objects.select_related("booking__client", "organization").iterator():
        client = reminder.booking.client
        raw = client.email if reminder.channel == "email" else client.phone
        rows.append(
            OutboundMessage(
                organization_id=reminder.organization_id,
                channel=reminder.channel,
                category="transactional",
                topic="reminders",
                to_address=normalise(reminder.channel, raw, time_zone=reminder.organization.time_zone) or raw,
                client_id=client.pk,
                subject="Reminder",
                idempotency_key=_key(
                    reminder.booking_id, reminder.channel, reminder.offset_minutes, reminder.session_start
                ),
                status="sent" if reminder.status == "sent" else "suppressed",
                status_detail="Sent before the message log existed.",
                provider_id=reminder.provider_id,
                attempts=1,
                created_at=reminder.created_at,
                send_after=reminder.created_at,
                sent_at=reminder.created_at if reminder.status == "sent" else None,
            )
        )
    OutboundMessage.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)

    suppressions = []
    for opt_out in ReminderOptOut.objects.select_related("client", "organization").iterator():
        raw = opt_out.client.email if opt_out.channel == "email" else opt_out.client.phone
        address = normalise(opt_out.channel, raw, time_zone=opt_out.organization.time_zone)
        if address:
            suppressions.append(
                Suppression(
                    organization_id=opt_out.organization_id,
                    channel=opt_out.channel,
                    address=address,
                    reason="topic_opt_out",
                    topic="reminders",
                    source="reminder stop link",
                    created_at=opt_out.created_at,
                )
            )
    Suppression.objects.bulk_create(suppressions, batch_size=500, ignore_conflicts=True)


def backwards(apps, schema_editor):
    Reminder = apps.get_model("booking", "Reminder")
    ReminderOptOut = apps.get_model("booking", "ReminderOptOut")
    Booking = apps.get_model("booking", "Booking")
    Client = apps.get_model("clients", "Client")
    OutboundMessage = apps.get_model("mecto", "OutboundMessage")
    Suppression = apps.get_model("mecto", "Suppression")

    reminders = []
    for message in OutboundMessage.objects.filter(idempotency_key__startswith="booking-reminder:").iterator():
        _prefix, booking_id, channel, offset, _start = message.idempotency_key.split(":")
        booking = Booking.objects.filter(pk=int(booking_id)).select_related("session").first()
        if booking is None:
            continue
        reminders.append(
            Reminder(
                organization_id=message.organization_id,
                booking=booking,
                channel=channel,
                offset_minutes=int(offset),
                session_start=booking.session.start_at,
                status="sent" if message.status in ("sent", "delivered") else "skipped",
                provider_id=message.provider_id,
            )
        )
    Reminder.objects.bulk_create(reminders, batch_size=500, ignore_conflicts=True)
    opt_outs = []
    rows = Suppression.objects.filter(reason="topic_opt_out", topic="reminders").exclude(organization=None)
    for row in rows.select_related("organization"):
        field = "email" if row.channel == "email" else "phone"
        for client in Client.objects.filter(organization_id=row.organization_id).exclude(**{field: ""}):
            address = normalise(row.channel, getattr(client, field), time_zone=row.organization.time_zone)
            if address == row.address:
                opt_outs.append(ReminderOptOut(organization_id=row.organization_id, client=client, channel=row.channel))
    ReminderOptOut.objects.bulk_create(opt_outs, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0007_service_tax_rate"),
        ("mecto", "0003_comms"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Reminder"),
        migrations.DeleteModel(name="ReminderOptOut"),
    ]
