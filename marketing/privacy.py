"""What marketing keeps about a client for their data export (registered with mecto.privacy in
AppConfig.ready()): the email opt-in requests. They go with the client row when it is erased."""

from mecto.privacy import Export, section


def export_opt_ins(client) -> Export:
    from .models import OptInRequest

    export = Export()
    section(
        export,
        "email_opt_in_requests",
        OptInRequest.objects.filter(client=client).order_by("id"),
        exclude=("organization", "token_hash"),
    )
    return export
