"""Model serializers build their fields once per class (mecto/serializer_fields.py)."""

from rest_framework import serializers

from accounts.models import Organization
from mecto.serializer_fields import _built


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug"]
        extra_kwargs = {"slug": {"read_only": True}}


class BuildsFromContext(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name"]

    def build_field(self, *args, **kwargs):
        return super().build_field(*args, **kwargs)


def test_fields_are_built_once_and_each_serializer_gets_its_own():
    first, second = OrganizationSerializer(), OrganizationSerializer()
    assert list(first.fields) == ["id", "name", "slug"]
    assert OrganizationSerializer in _built
    assert first.fields["name"] is not second.fields["name"]
    assert first.fields["name"].parent is first and second.fields["name"].parent is second
    assert first.fields["slug"].read_only and not second.fields["name"].read_only
    assert first.fields["name"].max_length == second.fields["name"].max_length == 120


def test_a_copy_changed_by_one_serializer_leaves_the_others():
    first = OrganizationSerializer()
    first.fields.pop("name")
    assert "name" in OrganizationSerializer().fields


def test_a_class_that_builds_its_own_fields_is_not_cached():
    assert list(BuildsFromContext().fields) == ["id", "name"]
    assert BuildsFromContext not in _built


def test_cached_fields_answer_as_freshly_built_ones():
    from django.utils import timezone

    organization = Organization(id=7, name="North", slug="north", created_at=timezone.now())
    cached = OrganizationSerializer(organization).data
    fresh = BuildsFromContext(organization).data
    assert cached == {"id": 7, "name": "North", "slug": "north"}
    assert fresh == {"id": 7, "name": "North"}
