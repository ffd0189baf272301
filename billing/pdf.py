"""Invoice and credit note PDFs in the business's brand, drawn with ReportLab.

ReportLab is pure Python (no system libraries such as Cairo/Pango for WeasyPrint, and no
headless browser), so PDFs render the same in the web process and the worker, quickly
and deterministically. Text uses DejaVu Sans when the system has it (wide Unicode
coverage) and ReportLab's bundled Vera otherwise.
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache
from pathlib import Path

import reportlab
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from mecto.branding import brand_for
from mecto.language import recipient_language
from mecto.localization import format_date, format_money, zone

from .models import CreditNote, Invoice
from .selectors import seller_lines

logger = logging.getLogger(__name__)

_FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    (
        str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"),
        str(Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf"),
    ),
]


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    for regular, bold in _FONT_CANDIDATES:
        if Path(regular).exists() and Path(bold).exists():
            pdfmetrics.registerFont(TTFont("MectoSans", regular))
            pdfmetrics.registerFont(TTFont("MectoSans-Bold", bold))
            return "MectoSans", "MectoSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _colour(value: str, fallback: str = "#15803d"):
    try:
        return colors.HexColor(value or fallback)
    except (ValueError, TypeError):
        return colors.HexColor(fallback)


def _styles(brand):
    regular, bold = _fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=13, textColor=_colour(brand.text, "#0b0b0b"))
    return {
        "base": base,
        "muted": ParagraphStyle("muted", parent=base, textColor=colors.HexColor("#4b5563"), fontSize=8.5),
        "brand": ParagraphStyle(
            "brand", parent=base, fontName=bold, fontSize=18, leading=22, textColor=_colour(brand.primary)
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=bold,
            fontSize=14,
            leading=18,
            alignment=TA_RIGHT,
            textColor=_colour(brand.accent, "#1d4ed8"),
        ),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "bold": ParagraphStyle("bold", parent=base, fontName=bold),
        "bold_right": ParagraphStyle("bold_right", parent=base, fontName=bold, alignment=TA_RIGHT),
    }


def _date(value, tz: str) -> str:
    return format_date(value.astimezone(zone(tz))) if value else "—"


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _logo(brand):
    """The brand's logo when it is a PNG or JPEG this deployment stores (media or static
    files); never fetched over the network while a PDF renders."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.files.storage import default_storage

    url = brand.logo_url or ""
    if not url.lower().endswith((".png", ".jpg", ".jpeg")):
        return None
    try:
        if url.startswith(settings.MEDIA_URL):
            with default_storage.open(url[len(settings.MEDIA_URL) :]) as handle:
                data = io.BytesIO(handle.read())
        elif url.startswith(settings.STATIC_URL) and (path := finders.find(url[len(settings.STATIC_URL) :])):
            data = io.BytesIO(Path(path).read_bytes())
        else:
            return None
        reader = ImageReader(data)
        width, height = reader.getSize()
        logo = Image(data, width=14 * mm * width / height, height=14 * mm)
        logo.hAlign = "LEFT"
        return logo
    except (OSError, ValueError, ZeroDivisionError):
        logger.warning("Could not draw the logo %s", url)
        return None


def _header(brand, organization, title: str, facts: list[tuple[str, str]], s) -> list:
    left = [Paragraph(_esc(brand.name), s["brand"])]
    left += [
        Paragraph(_esc(line), s["muted"]) for line in seller_lines(organization=organization, brand_name=brand.name)
    ]
    if (logo := _logo(brand)) is not None:
        left.insert(0, logo)
    right = [Paragraph(_esc(title), s["title"])]
    right += [Paragraph(f"{_esc(label)}: <b>{_esc(value)}</b>", s["right"]) for label, value in facts]
    table = Table([[left, right]], colWidths=[95 * mm, 80 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [
        table,
        Spacer(1, 4 * mm),
        HRFlowable(width="100%", thickness=2, color=_colour(brand.primary)),
        Spacer(1, 5 * mm),
    ]


def _bill_to(invoice: Invoice, s) -> list:
    lines = [Paragraph(_("Bill to"), s["muted"]), Paragraph(_esc(invoice.bill_to_name), s["bold"])]
    if invoice.bill_to_email:
        lines.append(Paragraph(_esc(invoice.bill_to_email), s["base"]))
    return [*lines, Spacer(1, 6 * mm)]


def _table_style(brand, header_rows: int = 1) -> TableStyle:
    regular, bold = _fonts()
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), regular),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("FONTNAME", (0, 0), (-1, header_rows - 1), bold),
            ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), _colour(brand.primary_contrast, "#ffffff")),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), _colour(brand.primary)),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, colors.HexColor("#d1d5db")),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
    )


def _totals(rows: list[tuple[str, str]], s, emphasise_last: bool = True) -> Table:
    data = []
    for i, (label, value) in enumerate(rows):
        style = s["bold_right"] if emphasise_last and i == len(rows) - 1 else s["right"]
        data.append(["", Paragraph(_esc(label), style), Paragraph(_esc(value), style)])
    table = Table(data, colWidths=[85 * mm, 50 * mm, 40 * mm])
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table


def _rate(rate) -> str:
    return f"{rate.normalize():f}%"


def _tax_summary(summary, money, brand, s) -> list:
    """Net, tax and gross per tax rate, as tax authorities ask an invoice to show them."""
    if not summary:
        return []
    rows = [[_("Tax summary"), _("Net"), _("Tax"), _("Gross")]]
    rows += [[_rate(row.rate), money(row.net), money(row.tax), money(row.total)] for row in summary]
    table = Table(rows, colWidths=[40 * mm, 30 * mm, 30 * mm, 30 * mm], hAlign="RIGHT")
    table.setStyle(_table_style(brand))
    return [Spacer(1, 4 * mm), table]


def _build(story: list, *, title: str, subject: str, author: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        subject=subject,
        author=author,
        creator=author,
    )
    doc.build(story)
    return buffer.getvalue()


def _in_client_language(document):
    """A document is written in its client's language (theirs, else the business's default)."""
    return translation.override(recipient_language(organization=document.organization, client_id=document.client_id))


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice (or receipt, once paid) as a PDF, in the client's language."""
    with _in_client_language(invoice):
        return _invoice_pdf(invoice)


def _invoice_pdf(invoice: Invoice) -> bytes:
    organization = invoice.organization
    brand = brand_for(organization)
    tz = organization.time_zone
    s = _styles(brand)
    money = lambda amount: format_money(amount, invoice.currency)  # noqa: E731
    title = _("Receipt") if invoice.status == Invoice.Status.PAID else _("Invoice")
    if invoice.status == Invoice.Status.VOID:
        title = _("Invoice (void)")
    facts = [(_("Number"), invoice.number or _("Draft")), (_("Issued"), _date(invoice.issued_at, tz))]
    if invoice.status == Invoice.Status.OPEN:
        facts.append((_("Due"), _date(invoice.due_at, tz)))
    if invoice.paid_at:
        facts.append((_("Paid"), _date(invoice.paid_at, tz)))
    if invoice.period_start and invoice.period_end:
        facts.append((_("Period"), f"{_date(invoice.period_start, tz)} – {_date(invoice.period_end, tz)}"))
    story = _header(brand, organization, title, facts, s) + _bill_to(invoice, s)

    rows = [[_("Description"), _("Qty"), _("Unit price"), _("Rate"), _("Net"), _("Tax"), _("Gross")]]
    for line in invoice.lines.all():
        rows.append(
            [
                Paragraph(
                    _esc(line.description)
                    + (
                        "<br/>" + _esc(_("less %(amount)s discount") % {"amount": money(line.discount_minor)})
                        if line.discount_minor
                        else ""
                    ),
                    s["base"],
                ),
                str(line.quantity),
                money(line.unit_price_minor),
                _rate(line.tax_rate),
                money(line.net_minor),
                money(line.tax_minor),
                money(line.total_minor),
            ]
        )
    widths = [52 * mm, 10 * mm, 24 * mm, 14 * mm, 25 * mm, 24 * mm, 25 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_table_style(brand))
    story += [table, Spacer(1, 4 * mm)]

    totals = [(_("Subtotal (excl. tax)"), money(invoice.subtotal_minor)), (_("Tax"), money(invoice.tax_minor))]
    if invoice.discount_minor:
        totals.insert(0, (_("Discount (before tax)"), "−" + money(invoice.discount_minor)))
    totals.append((_("Total"), money(invoice.total_minor)))
    story.append(_totals(totals, s))
    story += _tax_summary(invoice.tax_summary, money, brand, s)
    if invoice.amount_paid_minor or invoice.status == Invoice.Status.OPEN:
        settle = [(_("Paid"), money(invoice.amount_paid_minor))]
        if invoice.amount_refunded_minor:
            settle.append((_("Refunded"), money(invoice.amount_refunded_minor)))
        if invoice.status == Invoice.Status.OPEN:
            settle.append((_("Amount due"), money(invoice.amount_due_minor)))
        story.append(_totals(settle, s, emphasise_last=invoice.status == Invoice.Status.OPEN))

    payments = [p for p in invoice.payments.all() if p.status == p.Status.SUCCEEDED]
    if payments:
        story += [Spacer(1, 5 * mm), Paragraph(_("Payments"), s["bold"]), Spacer(1, 1 * mm)]
        prows = [[_("Date"), _("Method"), _("Reference"), _("Amount")]]
        for p in payments:
            prows.append([_date(p.received_at, tz), p.get_method_display(), p.reference or "—", money(p.amount_minor)])
        ptable = Table(prows, colWidths=[35 * mm, 45 * mm, 60 * mm, 35 * mm])
        ptable.setStyle(_table_style(brand))
        story.append(ptable)
    notes = list(invoice.credit_notes.all())
    if notes:
        story += [Spacer(1, 4 * mm), Paragraph(_("Credit notes"), s["bold"])]
        for note in notes:
            story.append(
                Paragraph(f"{_esc(note.number)} · {_date(note.issued_at, tz)} · {money(note.amount_minor)}", s["base"])
            )
    story += _bank_details(invoice, organization, s)
    story += _footer(invoice.memo, organization, brand, s)
    return _build(
        story,
        title=f"{title} {invoice.number or ''}".strip(),
        subject=f"{invoice.number} {invoice.bill_to_name}",
        author=brand.name,
    )


def credit_note_pdf(note: CreditNote) -> bytes:
    """A credit note as a PDF, in the client's language."""
    with _in_client_language(note):
        return _credit_note_pdf(note)


def _credit_note_pdf(note: CreditNote) -> bytes:
    organization = note.organization
    brand = brand_for(organization)
    tz = organization.time_zone
    s = _styles(brand)
    facts = [
        (_("Number"), note.number),
        (_("Issued"), _date(note.issued_at, tz)),
        (_("For invoice"), note.invoice.number),
    ]
    money = lambda amount: format_money(amount, note.currency)  # noqa: E731
    story = _header(brand, organization, _("Credit note"), facts, s) + _bill_to(note.invoice, s)
    rows = [[_("Description"), _("Net"), _("Tax"), _("Gross")]]
    rows.append(
        [
            Paragraph(
                _esc(note.reason or _("Refund of invoice %(number)s") % {"number": note.invoice.number}), s["base"]
            ),
            money(note.net_minor),
            money(note.tax_minor),
            money(note.amount_minor),
        ]
    )
    table = Table(rows, colWidths=[85 * mm, 30 * mm, 30 * mm, 30 * mm])
    table.setStyle(_table_style(brand))
    story += [table, Spacer(1, 4 * mm)]
    story.append(
        _totals(
            [
                (_("Net credited"), money(note.net_minor)),
                (_("of which tax"), money(note.tax_minor)),
                (_("Total credited"), money(note.amount_minor)),
            ],
            s,
        )
    )
    story += _tax_summary(note.tax_summary, money, brand, s)
    story += _footer("", organization, brand, s)
    return _build(
        story,
        title=f"{_('Credit note')} {note.number}",
        subject=f"{note.number} {note.invoice.bill_to_name}",
        author=brand.name,
    )


def _bank_details(invoice, organization, s) -> list:
    """How to pay an open invoice by transfer, when the business takes no card payments."""
    from .services import payment_instructions

    bank = payment_instructions(organization, reference=invoice.number) if invoice.status == "open" else None
    if bank is None:
        return []
    rows = [
        (_("Account holder"), bank.account_holder),
        (_("IBAN / account number"), bank.account_number),
        (_("Sort code / BIC"), bank.bank_code),
        (_("Reference"), bank.reference),
    ]
    out = [Spacer(1, 4 * mm), Paragraph(_("Pay by bank transfer"), s["bold"])]
    out += [Paragraph(f"{_esc(label)}: {_esc(value)}", s["base"]) for label, value in rows if value]
    return out


def _footer(memo: str, organization, brand, s) -> list:
    """The memo, the invoice footer of the billing settings, then the brand's footer and the
    address questions go to (its reply-to), under a rule in the accent colour."""
    from .services import billing_settings

    out = [Spacer(1, 8 * mm)]
    if memo:
        out += [Paragraph(_esc(memo), s["base"]), Spacer(1, 3 * mm)]
    lines = billing_settings(organization).invoice_footer.splitlines()
    if brand.footer:
        lines += ([""] if lines else []) + brand.footer.splitlines()
    if brand.reply_to:
        lines.append(_("Questions: %(address)s") % {"address": brand.reply_to})
    if lines:
        out.append(HRFlowable(width="100%", thickness=0.5, color=_colour(brand.accent, "#d1d5db")))
        out.append(Spacer(1, 2 * mm))
        for line in lines:
            out.append(Paragraph(_esc(line) or "&nbsp;", s["muted"]))
    out.append(Spacer(1, 2 * mm))
    out.append(Paragraph(_("Generated %(date)s") % {"date": _date(timezone.now(), organization.time_zone)}, s["muted"]))
    return out
