"""What the clients app keeps about a client (the profile with its health details, tags,
notes, intake answers, consents, waivers, measurements, health data from their phone,
photos, check-ins, messages), for
their export and erasure. Registered with mecto.privacy in AppConfig.ready(); the eraser
runs last and removes the client record itself."""

from django.db.models import Q

from mecto.privacy import Export, delete_rows, remove_files_on_commit, rows, section, stored_files


def export_client(client) -> Export:
    from .models import (
        CheckIn,
        CheckInSchedule,
        Client,
        ClientTag,
        FormCheckVideo,
        HealthDay,
        HealthSample,
        IntakeSubmission,
        MetricTarget,
        Note,
        ProgressEntry,
        ProgressPhoto,
        StatusChange,
        Thread,
        WaiverSignature,
    )
    from .models import Message as ClientMessage

    export = Export()
    # The client is the data subject: the profile goes out whole, health details included.
    section(export, "profile", Client.objects.filter(pk=client.pk))
    export.sections["tags"] = [
        {"tag": name} for name in ClientTag.objects.filter(client=client).values_list("tag__name", flat=True)
    ]
    section(export, "status_history", StatusChange.objects.filter(client=client).order_by("id"))
    section(export, "coach_notes", Note.objects.filter(client=client).order_by("id"))
    section(export, "intake_answers", IntakeSubmission.objects.filter(client=client).order_by("id"))
    export.sections["consents"] = rows(_consents(client).order_by("recorded_at", "id"))
    section(export, "waiver_signatures", WaiverSignature.objects.filter(client=client).order_by("id"))
    section(
        export,
        "measurements",
        ProgressEntry.objects.filter(client=client).order_by("id"),
        related=("metric__name", "metric__unit"),
    )
    section(
        export, "metric_targets", MetricTarget.objects.filter(client=client).order_by("id"), related=("metric__name",)
    )
    section(
        export,
        "progress_photos",
        ProgressPhoto.objects.filter(client=client).order_by("id"),
        files=("image",),
        folder="progress_photos",
    )
    # Health data from the phone: every sample as received (values in SI) and the daily figures.
    section(export, "health_samples", HealthSample.objects.filter(client=client).order_by("start_at", "id"))
    section(export, "health_days", HealthDay.objects.filter(client=client).order_by("day", "kind"))
    section(export, "checkin_schedules", CheckInSchedule.objects.filter(client=client).order_by("id"))
    section(export, "checkins", CheckIn.objects.filter(client=client).order_by("id"))
    section(export, "message_threads", Thread.objects.filter(client=client).order_by("id"))
    section(
        export,
        "messages",
        ClientMessage.objects.filter(client=client).order_by("id"),
        files=("attachment",),
        folder="message_attachments",
    )
    section(
        export,
        "form_check_videos",
        FormCheckVideo.objects.filter(client=client).order_by("id"),
        files=("file", "poster"),
        folder="form_check_videos",
    )
    return export


def _consents(client):
    """The sending mechanism's consent proof for this client (by id, or by their addresses)."""
    from mecto.comms.models import Consent

    addresses = [a for a in (client.email, client.phone) if a]
    return Consent.objects.filter(organization=client.organization).filter(
        Q(client_id=client.pk) | Q(address__in=addresses)
    )


def erase_client(client, *, request=None) -> dict[str, int]:
    """Remove the client record and everything that hangs from it (cascades), the files,
    what the sending mechanism holds for their addresses, and end their login."""
    from mecto.comms.models import OutboundMessage

    from .models import Client, DataExport, FormCheckVideo, Message, ProgressPhoto

    files = stored_files(ProgressPhoto.objects.filter(client=client), "image", "thumbnail")
    files += stored_files(DataExport.objects.filter(client=client).exclude(file=""), "file")
    files += stored_files(Message.objects.filter(client=client).exclude(attachment=""), "attachment")
    files += stored_files(FormCheckVideo.objects.filter(client=client), "file", "poster")
    remove_files_on_commit(files)
    addresses = [a for a in (client.email, client.phone) if a]
    # Suppressions of these addresses (unsubscribed, opted out of a topic, bounced, STOP) are
    # kept: an address and a reason, nothing else, and the only thing that stops the business
    # mailing this person again when the address comes back (an import, a new intake form).
    summary = delete_rows(
        {},
        _consents(client),
        OutboundMessage.objects.filter(organization=client.organization, to_address__in=addresses),
    )
    user = client.user
    delete_rows(summary, Client.objects.filter(pk=client.pk))
    if user is not None:
        summary.update(_end_login(user))
    return summary


def _end_login(user) -> dict[str, int]:
    """Every session and app token ends; an account no other business knows is disabled and
    stripped of its identity (kept as a row, so the audit can say who asked)."""
    from accounts.services import end_sessions

    from .models import Client

    ended = end_sessions(user=user)
    summary = {"usersessions.UserSession": ended} if ended else {}
    from accounts.models import Membership

    if Client.objects.filter(user=user).exists() or Membership.objects.filter(user=user).exists() or user.is_staff:
        return summary
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()
    user.email = f"erased-{user.pk}@invalid.invalid"
    user.full_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    summary["accounts.User (disabled, anonymised)"] = 1
    return summary
