"""Invoice and credit note PDFs in the business's brand: its logo, primary and accent colours,
text colour, footer and the address questions go to."""

import re
from pathlib import Path

import pytest
from PIL import Image

from billing import pdf, selectors, services
from tests.platform.brand_helpers import harbour_brand

from .test_pdf import _drawing

pytestmark = pytest.mark.django_db
custom_brand_fixture = pytest.fixture(name="custom_brand")(harbour_brand)

# ReportLab's colour operators for the Harbour Lift colours (r g b, 0–1, fill "rg" / stroke "RG").
PRIMARY = b".486275 .176471 .070588"  # #7c2d12
ACCENT = b".427451 .156863 .85098"  # #6d28d9
TEXT = b".109804 .098039 .090196"  # #1c1917


@pytest.fixture
def plain_fonts(monkeypatch):
    """Helvetica keeps the text readable in the PDF (an embedded TrueType subset does not)."""
    monkeypatch.setattr(pdf, "_fonts", lambda: ("Helvetica", "Helvetica-Bold"))


@pytest.fixture
def logo(settings):
    folder = Path(settings.MEDIA_ROOT) / "brand"
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (300, 100), "#7c2d12").save(folder / "harbour-logo.png")


def _invoice(client_record):
    invoice = services.create_invoice(
        client=client_record,
        lines=[services.LineInput(description="Coaching block", unit_price_minor=6000, tax_rate="20")],
        issue=True,
        send_email=False,
    )
    return selectors.invoice_detail_queryset(organization=client_record.organization).get(pk=invoice.pk)


def _assert_branded(content: bytes) -> None:
    drawing = _drawing(content)
    assert b"/Subtype /Image" in content and b"/Width 300" in content  # the logo
    assert PRIMARY + b" rg" in drawing  # table header fill and the brand name
    assert ACCENT + b" rg" in drawing and ACCENT + b" RG" in drawing  # the title and the footer rule
    assert TEXT + b" rg" in drawing  # body text
    text = b"".join(re.findall(rb"\((.*?)\) Tj", drawing))  # the drawn strings, in order
    assert b"Harbour Lift Ltd12 Quay Street <Bristol>Questions: hello@harbourlift.example" in text
    assert b"/Author (Harbour Lift)" in content and b"/Creator (Harbour Lift)" in content
    assert b"Mecto" not in content


def test_an_invoice_pdf_wears_the_brand(client_record, custom_brand, plain_fonts, logo):
    services.update_billing_settings(organization=client_record.organization, invoice_footer="VAT GB123456789")
    content = pdf.invoice_pdf(_invoice(client_record))
    _assert_branded(content)
    drawing = _drawing(content)
    # The billing settings' footer comes first, then the brand's.
    assert drawing.index(b"(VAT GB123456789) Tj") < drawing.index(b"(Harbour Lift Ltd) Tj")


def test_a_credit_note_pdf_wears_the_brand(client_record, custom_brand, plain_fonts, logo):
    invoice = _invoice(client_record)
    services.record_payment(invoice=invoice, amount_minor=invoice.total_minor, method="cash")
    payment = invoice.payments.get()
    note = services.refund_payment(payment=payment, amount_minor=1000, reason="Missed session")
    _assert_branded(pdf.credit_note_pdf(note))
