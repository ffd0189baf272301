"""The client list reads what it prints, in the order of an index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Client
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_client_list_reads_no_user_rows(coach_api, org, django_assert_max_num_queries):
    coach = UserFactory()
    for _ in range(3):
        ClientFactory(organization=org, coach=coach)
    with CaptureQueriesContext(connection) as ctx:
        response = coach_api.get("/api/v1/clients/", {"scope": "all"})
    assert response.status_code == 200
    assert {row["coach"] for row in response.data["results"]} == {coach.pk}
    sql = "\n".join(q["sql"] for q in ctx.captured_queries if "clients_client" in q["sql"])
    assert '"accounts_user"."password"' not in sql
    for _ in range(20):
        ClientFactory(organization=org, coach=coach)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert coach_api.get("/api/v1/clients/", {"scope": "all"}).status_code == 200


def test_client_page_selector_leaves_out_the_coach_password(org):
    from clients.selectors import client_list

    ClientFactory(organization=org, coach=UserFactory(full_name="Casey Coach"))
    with CaptureQueriesContext(connection) as ctx:
        rows = list(client_list(organization=org))
        assert str(rows[0].coach) == "Casey Coach"
    assert len(ctx.captured_queries) == 2  # clients with coaches, their tags
    assert '"accounts_user"."password"' not in ctx.captured_queries[0]["sql"]


def test_an_index_matches_the_default_order():
    index = next(i for i in Client._meta.indexes if i.name == "client_org_name")
    assert index.fields == ["organization", "first_name", "last_name", "id"]
