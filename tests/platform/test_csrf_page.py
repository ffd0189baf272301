"""A refused form (stale or missing CSRF token) gets the project's page: nothing saved, what to do,
and no inline style for the content security policy to block."""

import pytest
from django.test import Client

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_stale_form_is_refused_on_a_page_that_says_what_to_do():
    coach = MembershipFactory(role="coach").user
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coach)
    response = browser.post("/clients/new/", {"first_name": "Ana", "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form has expired" in page and "Nothing was saved" in page
    assert ' style="' not in page  # Django's own page styles itself inline, which the CSP blocks
    assert page.count("<style") == page.count("<style nonce=")
    assert "CSRF verification failed" not in page
