"""In the browser: a coach creates a package, invoices it, sends the client a payment link,
the client opens it, and the coach records the cash payment; the books and the client's
portal show it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from billing.models import Invoice
from booking.selectors import credit_balance
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, email):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/(dashboard|portal)/"))


def test_coach_sends_a_payment_link_and_records_a_manual_payment(page, browser, live_server, screenshot_dir, settings):
    settings.STRIPE_SECRET_KEY = ""  # a business that takes cash and transfers
    owner = MembershipFactory(role="owner").user
    org = owner.memberships.get().organization
    client_user = UserFactory(email="chloe@example.com")
    chloe = ClientFactory(
        organization=org, first_name="Chloe", last_name="Client", email=client_user.email, user=client_user
    )

    _login(page, owner.email)
    page.get_by_role("link", name="Billing").first.click()
    page.screenshot(path=f"{screenshot_dir}/billing-empty.png", full_page=True)

    # Invoice wording: bank details for transfers.
    page.get_by_role("link", name="Settings").last.click()
    page.get_by_label("Invoice footer").fill(
        "Pay by transfer to Northside Strength, sort code 12-34-56, account 12345678"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Billing settings saved.")).to_be_visible()

    # A 10-session package.
    page.get_by_role("link", name="Plans", exact=True).click()
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Name").fill("10 PT sessions")
    page.get_by_label("Kind").select_option("membership")
    expect(page.get_by_label("Billed")).to_be_visible()
    expect(page.get_by_label("Valid for (days)")).to_be_hidden()
    page.get_by_label("Kind").select_option("package")
    expect(page.get_by_label("Billed")).to_be_hidden()
    expect(page.get_by_label("Free trial (days)")).to_be_hidden()
    page.get_by_label(re.compile(r"Price \(")).fill("500.00")
    page.get_by_label("Sessions included").fill("10")
    page.get_by_label("Valid for (days)").fill("90")
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("cell", name="10 PT sessions")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/billing-plans.png", full_page=True)

    # A custom charge: lines are added and removed in the page; saved as a draft.
    page.get_by_role("link", name="Invoices").click()
    page.get_by_role("link", name="New custom charge").click()
    page.get_by_label("Client", exact=False).first.select_option(label="Chloe Client")
    page.get_by_role("button", name="Add a line").click()
    page.get_by_role("button", name="Add a line").click()
    lines = page.locator("[data-line]:visible")
    expect(lines).to_have_count(3)
    for i, (what, price) in enumerate([("Nutrition plan", "80.00"), ("Typo", "1.00"), ("Bands", "5.50")]):
        lines.nth(i).get_by_label("Description").fill(what)
        lines.nth(i).get_by_label(re.compile(r"Unit price")).fill(price)
    lines.nth(1).get_by_role("button", name="Remove this line").click()
    expect(lines).to_have_count(2)
    expect(lines.nth(1).locator("legend")).to_have_text("Line 2")
    page.get_by_role("button", name="Create invoice").click()
    expect(page.get_by_text("This is a draft")).to_be_visible()
    draft = Invoice.objects.get(status="draft")
    assert [line.description for line in draft.lines.all()] == ["Nutrition plan", "Bands"]
    assert draft.total_minor == 8550

    # Invoice the package to Chloe: a draft to check, then issued and emailed.
    page.get_by_role("link", name="Invoices").click()
    page.get_by_role("link", name="Invoice a package").click()
    page.get_by_label("Client").select_option(label="Chloe Client")
    page.get_by_label("Package or service").select_option(label="10 PT sessions")
    page.get_by_role("button", name="Create invoice").click()
    expect(page.get_by_role("link", name="Preview the PDF")).to_be_visible()
    page.get_by_role("button", name="Issue and email").click()
    expect(page.get_by_role("heading", name=re.compile("Invoice INV-00001"))).to_be_visible()

    # Send the payment link.
    page.get_by_label("Message").fill("Here is the link for your sessions. See you Monday!")
    page.get_by_role("button", name="Email payment link").click()
    expect(page.get_by_text("The payment link was emailed to chloe@example.com")).to_be_visible()
    link = page.get_by_label("Payment link").input_value()
    assert "/pay/" in link and link in mail.outbox[-1].body
    page.screenshot(path=f"{screenshot_dir}/billing-invoice-open.png", full_page=True)

    # Chloe opens the link (no login) and sees what to pay and how.
    guest = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone = guest.new_page()
    phone.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(phone.get_by_role("heading", name=re.compile("Invoice INV-00001"))).to_be_visible()
    expect(phone.get_by_text("£500.00").first).to_be_visible()
    expect(phone.get_by_text("sort code 12-34-56")).to_be_visible()
    expect(phone.get_by_text("See you Monday!")).to_be_visible()
    expect(phone.get_by_role("link", name="Download the invoice (PDF)")).to_be_visible()
    expect(phone.get_by_role("link", name="Sign up")).to_have_count(0)
    phone.screenshot(path=f"{screenshot_dir}/billing-pay-link-phone.png", full_page=True)
    guest.close()

    # She pays cash at the session; the coach records it.
    page.reload()
    expect(page.get_by_label(re.compile(r"Amount \(GBP\)"))).to_have_value("500.00")
    page.get_by_label("Paid by").select_option("cash")
    page.get_by_label("Reference").fill("Receipt book #42")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("The payment was recorded.")).to_be_visible()
    expect(page.locator(".page-head .badge", has_text="Paid")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/billing-invoice-paid.png", full_page=True)

    invoice = Invoice.objects.get(number="INV-00001")
    assert invoice.status == "paid" and invoice.payments.get().reference == "Receipt book #42"
    assert credit_balance(client=chloe) == 10
    assert any(m.subject.startswith("Receipt INV-00001") for m in mail.outbox)

    # The overview counts it and draws the chart.
    page.get_by_role("link", name="Overview").click()
    expect(page.locator('[data-figure="received"]')).to_have_text("£500.00")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('revenue-chart'))")
    page.screenshot(path=f"{screenshot_dir}/billing-overview.png", full_page=True)

    # Chloe sees the receipt and her sessions in her portal.
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    _login(page, chloe.email)
    page.get_by_role("link", name="Billing", exact=True).click()
    expect(page.locator('[data-figure="balance"]')).to_have_text("10")
    expect(page.get_by_role("cell", name="INV-00001")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/billing-portal.png", full_page=True)
