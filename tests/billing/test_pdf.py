"""Invoice and credit note PDFs in the business's brand."""

import base64
import re
import zlib

import pytest

from billing import pdf, selectors, services
from mecto import branding

pytestmark = pytest.mark.django_db


def _drawing(content: bytes) -> bytes:
    """The page drawing operators, decompressed from the PDF's Flate streams."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        for decode in (zlib.decompress, lambda s: zlib.decompress(base64.a85decode(s.strip().removesuffix(b"~>")))):
            try:
                out.append(decode(stream))
                break
            except (zlib.error, ValueError):
                continue
    return b"\n".join(out)


def _invoice(client_record, name="Nutrition plan"):
    invoice = services.create_invoice(
        client=client_record,
        lines=[services.LineInput(description=name, unit_price_minor=6000, tax_rate="20")],
        memo="Thank you for training with us",
        issue=True,
        send_email=False,
    )
    return selectors.invoice_detail_queryset(organization=client_record.organization).get(pk=invoice.pk)


def test_invoice_pdf_is_a_titled_a4_document(client_record):
    services.update_billing_settings(organization=client_record.organization, invoice_footer="VAT GB123456789")
    content = pdf.invoice_pdf(_invoice(client_record))
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert b"/Title (Invoice INV-00001)" in content
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in content  # A4


def test_a_paid_invoice_prints_as_a_receipt_and_unicode_names_render(client_record):
    client_record.first_name, client_record.last_name = "Zoë", "Łukasiewicz-Ørsted"
    client_record.save()
    invoice = _invoice(client_record, name="Séance coaching — 10 × 60′")
    services.record_payment(invoice=invoice, amount_minor=6000, method="card_terminal")
    invoice = selectors.invoice_detail_queryset(organization=client_record.organization).get(pk=invoice.pk)
    content = pdf.invoice_pdf(invoice)
    assert b"/Title (Receipt INV-00001)" in content


def test_the_brand_colour_and_name_are_used(client_record, monkeypatch):
    brand = branding.Brand(name="Northside Strength", primary="#1d4ed8")
    monkeypatch.setattr(branding, "_providers", [lambda org: brand])
    content = pdf.invoice_pdf(_invoice(client_record))
    assert b"/Author (Northside Strength)" in content
    assert b".113725 .305882 .847059 rg" in _drawing(content)  # #1d4ed8 fills the table header


def test_a_stored_logo_is_drawn_and_remote_ones_are_not_fetched(client_record, monkeypatch, settings):
    from pathlib import Path

    from PIL import Image

    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (200, 100), "#1d4ed8").save(Path(settings.MEDIA_ROOT) / "logo.png")
    brand = branding.Brand(name="Northside Strength", logo_url=f"{settings.MEDIA_URL}logo.png")
    monkeypatch.setattr(branding, "_providers", [lambda org: brand])
    content = pdf.invoice_pdf(_invoice(client_record))
    assert b"/Subtype /Image" in content and b"/Width 200" in content
    remote = branding.Brand(name="N", logo_url="https://cdn.example.com/logo.png")
    monkeypatch.setattr(branding, "_providers", [lambda org: remote])
    assert b"/Subtype /Image" not in pdf.invoice_pdf(_invoice(client_record))


def test_credit_note_pdf(client_record):
    invoice = _invoice(client_record)
    payment = services.record_payment(invoice=invoice, amount_minor=6000, method="cash")
    note = services.refund_payment(payment=payment, amount_minor=1000, reason="Goodwill")
    content = pdf.credit_note_pdf(note)
    assert content.startswith(b"%PDF-") and b"/Title (Credit note CN-00001)" in content


def test_the_seller_is_named_once_with_address_and_vat_number(client_record):
    org = client_record.organization
    assert selectors.seller_lines(organization=org, brand_name=org.name) == []
    services.update_billing_settings(
        organization=org, business_address="1 High Street\nLondon N1 1AA", tax_number="GB123456789"
    )
    assert selectors.seller_lines(organization=org, brand_name=org.name) == [
        "1 High Street",
        "London N1 1AA",
        "VAT / tax number: GB123456789",
    ]
    assert selectors.seller_lines(organization=org, brand_name="Northside")[0] == org.name
    content = pdf.invoice_pdf(_invoice(client_record))
    assert content.startswith(b"%PDF-")
