"""Segment pages: list with counts (bounded queries), builder, live count, delete refused in use."""

import json

import pytest
from django.urls import reverse

from marketing.models import Campaign, Segment
from tests.factories import ClientFactory, OrganizationFactory, SegmentFactory

pytestmark = pytest.mark.django_db
LEADS = [{"field": "status", "op": "is", "value": "lead"}]


@pytest.fixture
def page(client, owner):
    client.force_login(owner)
    return client


def test_empty_list_says_what_to_do(page):
    res = page.get(reverse("marketing:segments"))
    assert res.status_code == 200
    assert "Build your first segment" in res.content.decode()


def test_list_shows_counts_with_bounded_queries(page, org, django_assert_max_num_queries):
    ClientFactory(organization=org, status="lead")
    ClientFactory(organization=OrganizationFactory(), status="lead")
    SegmentFactory(organization=org, name="Leads", rules=LEADS)
    with django_assert_max_num_queries(20):
        res = page.get(reverse("marketing:segments"))
    body = res.content.decode()
    assert "Leads" in body and "Status is Lead" in body
    SegmentFactory.create_batch(4, organization=org)
    # one count per segment on the page (page size 20), nothing more per row
    with django_assert_max_num_queries(24):
        page.get(reverse("marketing:segments"))


def test_build_and_save_a_segment(page, org, owner):
    res = page.get(reverse("marketing:segment_create"))
    assert res.status_code == 200 and b"segment-editor" in res.content
    res = page.post(reverse("marketing:segment_create"), {"name": "Leads", "match": "all", "rules": json.dumps(LEADS)})
    assert res.status_code == 302
    segment = Segment.objects.get(organization=org)
    assert segment.rules == LEADS and segment.created_by == owner
    res = page.post(
        reverse("marketing:segment_edit", args=[segment.pk]),
        {"name": "Leads and actives", "match": "any", "rules": json.dumps(LEADS)},
    )
    assert res.status_code == 302
    segment.refresh_from_db()
    assert segment.name == "Leads and actives" and segment.match == "any"


def test_bad_rules_show_the_error_and_save_nothing(page, org):
    res = page.post(
        reverse("marketing:segment_create"),
        {"name": "Bad", "match": "all", "rules": json.dumps([{"field": "status", "op": "is", "value": "vip"}])},
    )
    assert res.status_code == 400
    assert "Choose one of" in res.content.decode()
    res = page.post(reverse("marketing:segment_create"), {"name": "Bad", "match": "all", "rules": "{nope"})
    assert res.status_code == 400
    assert not Segment.objects.exists()


def test_live_count(page, org):
    ClientFactory(organization=org, status="lead", first_name="Ada", last_name="Byron")
    ClientFactory(organization=org, status="active")
    url = reverse("marketing:segment_count")
    data = page.post(url, {"rules": json.dumps(LEADS), "match": "all"}).json()
    assert data == {"count": 1, "sample": ["Ada Byron"]}
    res = page.post(url, {"rules": json.dumps([{"field": "nope", "op": "is"}]), "match": "all"})
    assert res.status_code == 400 and "unknown field" in res.json()["error"]


def test_delete_and_refusal_while_a_campaign_uses_it(page, org):
    used, unused = SegmentFactory(organization=org), SegmentFactory(organization=org)
    Campaign.objects.create(organization=org, name="Spring offer", segment=used)
    assert "Spring offer" in page.get(reverse("marketing:segment_delete", args=[used.pk])).content.decode()
    res = page.post(reverse("marketing:segment_delete", args=[used.pk]), follow=True)
    assert "Spring offer" in res.content.decode()
    assert Segment.objects.filter(pk=used.pk).exists()
    page.post(reverse("marketing:segment_delete", args=[unused.pk]))
    assert not Segment.objects.filter(pk=unused.pk).exists()


def test_another_business_segment_is_a_404(page):
    segment = SegmentFactory(organization=OrganizationFactory())
    assert page.get(reverse("marketing:segment_edit", args=[segment.pk])).status_code == 404
    assert page.post(reverse("marketing:segment_delete", args=[segment.pk])).status_code == 404
