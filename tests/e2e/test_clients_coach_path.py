"""A coach, as a new user would: adds a client, shares the intake link, a prospect fills it
in (a lead appears with the health flag), logs a metric, sees the chart, messages."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from accounts.services import sign_up_business
from clients.models import Client, IntakeForm, ProgressEntry

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-and-unusual-passphrase"


def _log_in(page, email):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))


def test_coach_adds_client_gets_a_lead_from_intake_logs_progress_and_sees_chart(
    page, browser, live_server, screenshot_dir
):
    user, org = sign_up_business(email="cora@example.com", password=PASSWORD, business_name="Cora Coaching")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    _log_in(page, "cora@example.com")

    # An empty list says what to do; add a client by hand.
    page.goto("/clients/")
    expect(page.get_by_role("heading", name="No clients yet")).to_be_visible()
    page.get_by_role("link", name="Add your first client").click()
    page.get_by_label("First name").fill("Maya")
    page.get_by_label("Last name").fill("Ng")
    page.get_by_label("Email", exact=True).fill("maya@example.com")
    page.get_by_label("Tags").fill("online, hybrid")
    page.get_by_role("button", name="Save client").click()
    page.wait_for_url(re.compile(r"/clients/\d+/$"))
    expect(page.get_by_role("heading", name=re.compile("Maya Ng"))).to_be_visible()
    expect(page.get_by_role("button", name="Invite to the client portal")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/clients-overview.png", full_page=True)

    # Share the public intake link; a prospect fills it in on a phone.
    page.goto("/clients/intake-forms/")
    link = page.locator("input[readonly]").first.input_value()
    assert "/intake/" in link
    form = IntakeForm.objects.for_org(org).get(is_default=True)
    assert link.endswith(f"/intake/{form.public_token}/")
    prospect = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone = prospect.new_page()
    phone.goto(link.replace("http://localhost:8000", live_server.url))
    expect(phone.get_by_role("heading", name="Welcome questionnaire")).to_be_visible()
    phone.get_by_label("First name").fill("Leo")
    phone.get_by_label("Last name").fill("Park")
    phone.locator("#id_email").fill("leo@example.com")
    phone.get_by_label("Build muscle").check()
    phone.get_by_label("Beginner: less than 6 months").check()
    phone.get_by_label("How many days a week can you train?").fill("3")
    phone.get_by_label("45 min").check()
    phone.get_by_label("Dumbbells").check()
    phone.get_by_label("Knee").check()
    for fieldset in phone.locator("fieldset.choice-group").all():
        legend = fieldset.locator("legend").inner_text()
        if "chest" in legend:
            fieldset.get_by_label("Yes").check()
        elif fieldset.get_by_label("No").count():
            fieldset.get_by_label("No").check()
    phone.screenshot(path=f"{screenshot_dir}/intake-public-phone.png", full_page=True)
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_url(re.compile(r"/intake/thanks/"))
    prospect.close()

    lead = Client.objects.for_org(org).get(email="leo@example.com")
    assert lead.status == "lead" and lead.needs_medical_clearance

    # The lead appears in the list with the clearance flag; filters work with htmx.
    page.goto("/clients/")
    page.get_by_label("Status").select_option("lead")
    page.wait_for_url(re.compile(r"status=lead"))
    page.get_by_label("Search clients").fill("park")
    page.wait_for_url(re.compile(r"q=park"))
    row = page.locator("#client-results tbody tr")
    assert row.count() == 1 and "Leo Park" in row.first.inner_text() and "Clearance" in row.first.inner_text()
    page.screenshot(path=f"{screenshot_dir}/clients-list.png", full_page=True)
    row.first.get_by_role("link", name="Leo Park").click()
    expect(page.get_by_text("Medical clearance needed.")).to_be_visible()
    page.get_by_role("link", name="Intake").click()
    expect(page.get_by_text("Build muscle")).to_be_visible()
    # Log a measurement and a wellbeing metric, then see the chart.
    page.get_by_role("link", name="Progress").click()
    page.get_by_label("Date").fill("2026-01-05")
    page.get_by_label("Weight (kg)").fill("82.5")
    page.get_by_label("Mood (1–10)").select_option("6")
    page.get_by_role("button", name="Save progress").click()
    page.get_by_label("Date").fill("2026-02-05")
    page.get_by_label("Weight (kg)").fill("80.1")
    page.get_by_label("Mood (1–10)").select_option("8")
    page.get_by_role("button", name="Save progress").click()
    page.get_by_role("combobox", name="Metric").select_option(label="Weight")
    page.get_by_label("Target").fill("78")
    page.get_by_role("button", name="Save target").click()
    assert ProgressEntry.objects.filter(client=lead).count() == 4
    canvas = page.locator("#chart-weight")
    canvas.wait_for()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-weight'))")
    assert page.evaluate("() => Chart.getChart(document.getElementById('chart-weight')).data.datasets.length") == 2
    page.screenshot(path=f"{screenshot_dir}/clients-progress.png", full_page=True)

    # Message the client; the conversation updates without a reload.
    page.get_by_role("link", name="Messages").click()
    page.get_by_label("Message", exact=True).fill("Welcome Leo! Let's get your clearance sorted first.")
    page.get_by_role("button", name="Send").click()
    page.locator(".message").first.wait_for()
    assert "Welcome Leo" in page.locator("#conversation").inner_text()
    page.screenshot(path=f"{screenshot_dir}/clients-messages.png", full_page=True)
