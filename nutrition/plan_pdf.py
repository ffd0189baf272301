"""A meal plan and its shopping list as an A4 PDF, drawn with ReportLab the way invoices are
(pure Python: the same output in the web process and the worker, no system libraries)."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mecto.language import recipient_language
from mecto.localization import format_date

from .plan_nutrition import servings_label

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
            pdfmetrics.registerFont(TTFont("MectoPlanSans", regular))
            pdfmetrics.registerFont(TTFont("MectoPlanSans-Bold", bold))
            return "MectoPlanSans", "MectoPlanSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _macros(rows) -> str:
    parts = []
    for row in rows:
        if row["value"] is None:
            continue
        value = f"{'≥ ' if row['at_least'] else ''}{row['value']} {row['unit']}"
        if row.get("target"):
            value += f" / {row['target']}"
        parts.append(f"{row['label']} {value}")
    return " · ".join(parts)


def meal_plan_pdf(*, plan, days, groups, start, end) -> bytes:
    """The plan's days as a printable PDF, in its client's language (a template: the business's)."""
    language = recipient_language(organization=plan.organization, client_id=plan.client_id)
    with translation.override(language):
        return _meal_plan_pdf(plan=plan, days=days, groups=groups, start=start, end=end)


def _meal_plan_pdf(*, plan, days, groups, start, end) -> bytes:
    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=8, textColor=colors.HexColor("#555555"))
    h1 = ParagraphStyle("h1", parent=body, fontName=bold, fontSize=16, leading=20, spaceAfter=4)
    h2 = ParagraphStyle("h2", parent=body, fontName=bold, fontSize=12, leading=16, spaceBefore=8, spaceAfter=2)
    h3 = ParagraphStyle("h3", parent=body, fontName=bold, fontSize=10, leading=13, spaceBefore=4)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=plan.name,
    )
    story = [Paragraph(escape(plan.name), h1)]
    if plan.client_id:
        story.append(Paragraph(escape(plan.client.full_name), small))
    if plan.description:
        story.append(Paragraph(escape(plan.description), body))
    for day in days:
        block = [Paragraph(escape(day.name), h2), Paragraph(escape(_macros(day.rows)), small)]
        for meal in day.meals.all():
            block.append(Paragraph(escape(str(meal.label)), h3))
            rows = []
            for item in meal.items.all():
                if item.recipe_id:
                    amount = servings_label(item.servings)
                elif item.portion_id:
                    amount = f"{item.amount.normalize():f} × {item.portion.description} ({item.grams.normalize():f} g)"
                else:
                    amount = f"{item.grams.normalize():f} g"
                energy = item.totals.amounts.get("energy_kcal")
                rows.append(
                    [
                        Paragraph(escape(str(item.recipe or item.food)), body),
                        Paragraph(escape(amount), body),
                        Paragraph("" if energy is None else f"{round(energy)} kcal", body),
                    ]
                )
            if rows:
                table = Table(rows, colWidths=[95 * mm, 55 * mm, 28 * mm])
                table.setStyle(
                    TableStyle(
                        [
                            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dddddd")),
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ]
                    )
                )
                block.append(table)
            else:
                block.append(Paragraph(_("Nothing planned."), small))
        story.append(KeepTogether(block))
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(
            escape(_("Shopping list, %(start)s to %(end)s") % {"start": format_date(start), "end": format_date(end)}),
            h2,
        )
    )
    for group in groups:
        story.append(Paragraph(escape(group.name), h3))
        rows = [
            [
                Paragraph("☐", body),
                Paragraph(escape(line.food.name), body),
                Paragraph(escape(line.weight), body),
                Paragraph(escape(line.household), small),
            ]
            for line in group.lines
        ]
        table = Table(rows, colWidths=[7 * mm, 95 * mm, 28 * mm, 48 * mm])
        table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dddddd"))]))
        story.append(table)
    if not groups:
        story.append(Paragraph(_("Nothing to buy for these dates."), small))
    doc.build(story)
    return buffer.getvalue()
