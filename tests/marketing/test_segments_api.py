"""Segment API: CRUD, count, preview count, the field registry; validation and tenancy."""

import pytest

from marketing.models import Campaign, Segment
from tests.clients.factories import TagFactory
from tests.factories import ClientFactory, OrganizationFactory, SegmentFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/marketing/segments/"
LEADS = [{"field": "status", "op": "is", "value": "lead"}]


def test_create_list_retrieve_update_delete(owner_api, org):
    res = owner_api.post(URL, {"name": "Leads", "rules": LEADS}, format="json")
    assert res.status_code == 201, res.json()
    pk = res.json()["id"]
    assert res.json()["summary"] == "Status is Lead"
    assert owner_api.get(URL).json()["results"][0]["name"] == "Leads"
    res = owner_api.patch(f"{URL}{pk}/", {"match": "any", "name": "Leads or actives"}, format="json")
    assert res.status_code == 200 and res.json()["match"] == "any"
    assert owner_api.delete(f"{URL}{pk}/").status_code == 204
    assert not Segment.objects.filter(pk=pk).exists()


def test_bad_rules_are_a_400_and_nothing_is_saved(owner_api, org):
    for rules in (
        [{"field": "status", "op": "is", "value": "vip"}],
        [{"field": "nope", "op": "is"}],
        [{"field": "credits", "op": "gte", "value": "lots"}],
        "status",
    ):
        res = owner_api.post(URL, {"name": "Bad", "rules": rules}, format="json")
        assert res.status_code == 400, res.json()
        assert res.json()["errors"]
    assert not Segment.objects.exists()


def test_tag_of_another_business_is_refused(owner_api, org):
    tag = TagFactory(organization=OrganizationFactory())
    rules = [{"field": "tags", "op": "has_any", "value": [tag.pk]}]
    res = owner_api.post(URL, {"name": "Theirs", "rules": rules}, format="json")
    assert res.status_code == 400
    assert "tags of this business" in str(res.json())


def test_count_and_preview_count(owner_api, org):
    ClientFactory(organization=org, status="lead", first_name="Ada", last_name="Byron")
    ClientFactory(organization=org, status="active")
    ClientFactory(organization=OrganizationFactory(), status="lead")
    segment = SegmentFactory(organization=org, rules=LEADS)
    res = owner_api.get(f"{URL}{segment.pk}/count/")
    assert res.status_code == 200
    assert res.json()["count"] == 1 and res.json()["sample"][0]["name"] == "Ada Byron"
    res = owner_api.post(f"{URL}preview-count/", {"rules": [], "match": "all"}, format="json")
    assert res.json()["count"] == 2
    res = owner_api.post(f"{URL}preview-count/", {"rules": [{"field": "x", "op": "y"}]}, format="json")
    assert res.status_code == 400
    assert not Segment.objects.exclude(pk=segment.pk).exists()


def test_fields_registry(owner_api):
    res = owner_api.get(f"{URL}fields/")
    assert res.status_code == 200
    keys = {f["key"] for f in res.json()}
    assert {"status", "tags", "coach", "credits", "email_consent", "habit_adherence"} <= keys
    status = next(f for f in res.json() if f["key"] == "status")
    assert {"value": "lead", "label": "Lead"} in status["choices"]


def test_delete_refused_while_a_campaign_uses_it(owner_api, org):
    segment = SegmentFactory(organization=org)
    Campaign.objects.create(organization=org, name="Spring offer", segment=segment)
    res = owner_api.delete(f"{URL}{segment.pk}/")
    assert res.status_code == 400
    assert "Spring offer" in res.json()["detail"]
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_another_business_segment_is_a_404(owner_api):
    segment = SegmentFactory(organization=OrganizationFactory())
    assert owner_api.get(f"{URL}{segment.pk}/").status_code == 404
    assert owner_api.get(f"{URL}{segment.pk}/count/").status_code == 404


def test_list_query_count_does_not_grow(owner_api, org, django_assert_max_num_queries):
    SegmentFactory.create_batch(3, organization=org)
    with django_assert_max_num_queries(12):
        first = owner_api.get(URL)
    SegmentFactory.create_batch(10, organization=org)
    with django_assert_max_num_queries(12):
        second = owner_api.get(URL)
    assert len(second.json()["results"]) > len(first.json()["results"])
