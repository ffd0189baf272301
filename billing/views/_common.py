"""What the billing pages for coaches and for clients share: PDF responses and local dates."""

from __future__ import annotations

from django.http import HttpResponse


def _pdf_response(content: bytes, filename: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


def _local_date(value, request) -> str:
    from mecto.localization import format_date, zone

    return format_date(value.astimezone(zone(request.tenant.organization.time_zone))) if value else ""
