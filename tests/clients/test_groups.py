"""Group threads: members post and react, coaches moderate, and nobody else sees a thing."""

import pytest
from django.urls import reverse

from clients import services
from clients.models import GroupMember, GroupPost, Reaction
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _member_client(org):
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email)


@pytest.fixture
def cohort(org, coach):
    ana, ben, outsider = _member_client(org), _member_client(org), _member_client(org)
    api = api_as(coach)
    created = api.post("/api/v1/groups/", {"name": "Spring cohort", "clients": [ana.pk, ben.pk]}, format="json")
    assert created.status_code == 201 and created.data["member_count"] == 2
    return {"id": created.data["id"], "ana": ana, "ben": ben, "outsider": outsider, "api": api}


def test_members_post_and_react_and_non_members_see_nothing(org, cohort):
    group_id, ana, ben, outsider = cohort["id"], cohort["ana"], cohort["ben"], cohort["outsider"]
    ana_api = api_as(ana.user)
    assert [g["name"] for g in ana_api.get("/api/v1/me/groups/").data["results"]] == ["Spring cohort"]
    post = ana_api.post("/api/v1/me/group-posts/", {"group": group_id, "body": "Day 1 done"}, format="json")
    assert post.status_code == 201
    post_id = post.data["id"]
    ben_api = api_as(ben.user)
    reacted = ben_api.post(f"/api/v1/me/group-posts/{post_id}/reactions/", {"kind": "fire"}, format="json")
    assert reacted.status_code == 200 and reacted.data["reactions"][0]["count"] == 1
    assert ben_api.post(f"/api/v1/me/group-posts/{post_id}/reactions/", {"kind": "nope"}).status_code == 400
    assert ben_api.delete(f"/api/v1/me/group-posts/{post_id}/reactions/?kind=fire").status_code == 200
    assert not Reaction.objects.exists()

    # Another client of the business, and another business, see nothing of it.
    other_business = MembershipFactory(role="owner").user
    for intruder, base in ((outsider.user, "/api/v1/me/"), (other_business, "/api/v1/")):
        api = api_as(intruder)
        if base == "/api/v1/me/":
            assert api.get("/api/v1/me/groups/").data["results"] == []
            assert api.get(f"/api/v1/me/groups/{group_id}/").status_code == 404
            assert api.get("/api/v1/me/group-posts/").data["results"] == []
            assert api.get(f"/api/v1/me/group-posts/{post_id}/").status_code == 404
            assert api.post(f"/api/v1/me/group-posts/{post_id}/reactions/", {"kind": "like"}).status_code == 404
            refused = api.post("/api/v1/me/group-posts/", {"group": group_id, "body": "hi"}, format="json")
            assert refused.status_code == 400 and "group" in refused.data["errors"]
        else:
            assert api.get(f"/api/v1/groups/{group_id}/").status_code == 404
            assert api.get(f"/api/v1/groups/{group_id}/posts/").status_code == 404
    assert GroupPost.objects.count() == 1


def test_coach_removes_posts_and_mutes_members(org, coach, cohort):
    group_id, ana, api = cohort["id"], cohort["ana"], cohort["api"]
    ana_api = api_as(ana.user)
    post_id = ana_api.post("/api/v1/me/group-posts/", {"group": group_id, "body": "Spam"}, format="json").data["id"]
    assert api.delete(f"/api/v1/groups/{group_id}/posts/{post_id}/").status_code == 204
    assert ana_api.get("/api/v1/me/group-posts/").data["results"] == []
    coach_view = api.get(f"/api/v1/groups/{group_id}/posts/").data["results"]
    assert coach_view[0]["removed_at"] is not None

    member = GroupMember.objects.get(group_id=group_id, client=ana)
    muted = api.patch(f"/api/v1/groups/{group_id}/members/{member.pk}/", {"is_muted": True}, format="json")
    assert muted.status_code == 200 and muted.data["is_muted"] is True
    refused = ana_api.post("/api/v1/me/group-posts/", {"group": group_id, "body": "Let me back"}, format="json")
    assert refused.status_code == 400 and "muted" in refused.data["detail"]
    assert ana_api.get("/api/v1/me/groups/").data["results"][0]["is_muted"] is True
    foreign = ClientFactory()
    added = api.post(f"/api/v1/groups/{group_id}/members/", {"client": foreign.pk}, format="json")
    assert added.status_code == 400 and "client" in added.data["errors"]
    assert api.post(f"/api/v1/groups/{group_id}/posts/", {"body": "Coach here"}, format="json").status_code == 201


def test_group_pages_for_coach_member_and_outsiders(org, coach, cohort, client):
    group_id, ana, outsider = cohort["id"], cohort["ana"], cohort["outsider"]
    group = GroupMember.objects.get(group_id=group_id, client=ana).group
    client.force_login(ana.user)
    portal = reverse("clients:portal_group", args=[group.public_id])
    assert client.post(portal, {"body": "From the portal"}).status_code == 302
    post = GroupPost.objects.get(body="From the portal")
    client.post(portal, {"action": "react", "post": post.pk, "kind": "clap"})
    assert Reaction.objects.filter(post=post, user=ana.user, kind="clap").exists()
    assert "Spring cohort" in client.get(reverse("clients:portal_groups")).content.decode()
    assert "From the portal" in client.get(portal).content.decode()

    client.force_login(outsider.user)
    assert client.get(portal).status_code == 404
    assert client.post(portal, {"body": "Let me in"}).status_code == 404
    assert "Spring cohort" not in client.get(reverse("clients:portal_groups")).content.decode()

    client.force_login(MembershipFactory(role="owner").user)
    assert client.get(reverse("clients:inbox_group", args=[group_id])).status_code == 404
    assert client.post(reverse("clients:inbox_group", args=[group_id]), {"body": "x"}).status_code == 404

    client.force_login(coach)
    page = reverse("clients:inbox_group", args=[group_id])
    client.post(page, {"action": "remove_post", "post": post.pk})
    post.refresh_from_db()
    assert post.removed_at is not None
    member = GroupMember.objects.get(group_id=group_id, client=ana)
    client.post(page, {"action": "mute", "member": member.pk})
    member.refresh_from_db()
    assert member.is_muted
    created = client.post(reverse("clients:inbox_groups"), {"name": "", "clients": [ana.pk]})
    assert created.status_code == 400 and b"errorlist" in created.content
    assert client.post(page, {"action": "post", "body": ""}).status_code == 400
    with pytest.raises(services.GroupError):
        services.post_to_group(group=group, author=ana.user, body="muted")
