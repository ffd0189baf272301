"""Factories of the clients app, registered for the cross-tenant checker."""

import factory

from clients.models import (
    ConsentRecord,
    IntakeForm,
    IntakeQuestion,
    IntakeRequest,
    IntakeSection,
    IntakeSubmission,
    Note,
    StatusChange,
    Tag,
)
from tests.factories import ClientFactory, OrganizationFactory, register


@register
class IntakeFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeForm

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Form {n}")


@register
class IntakeSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeSection

    organization = factory.SubFactory(OrganizationFactory)
    form = factory.SubFactory(IntakeFormFactory, organization=factory.SelfAttribute("..organization"))
    title = "Section"


@register
class IntakeQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeQuestion

    organization = factory.SubFactory(OrganizationFactory)
    form = factory.SubFactory(IntakeFormFactory, organization=factory.SelfAttribute("..organization"))
    section = factory.SubFactory(
        IntakeSectionFactory,
        organization=factory.SelfAttribute("..organization"),
        form=factory.SelfAttribute("..form"),
    )
    key = factory.Sequence(lambda n: f"question_{n}")
    label = "How are you?"
    kind = IntakeQuestion.Kind.TEXT


@register
class IntakeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeRequest

    organization = factory.SubFactory(OrganizationFactory)
    form = factory.SubFactory(IntakeFormFactory, organization=factory.SelfAttribute("..organization"))
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))


@register
class IntakeSubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeSubmission

    organization = factory.SubFactory(OrganizationFactory)
    form = factory.SubFactory(IntakeFormFactory, organization=factory.SelfAttribute("..organization"))
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    answers = factory.LazyFunction(lambda: {"goal": "strength"})


@register
class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"tag {n}")


@register
class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    body = "Prefers morning sessions."


@register
class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    from_status = "lead"
    to_status = "active"


@register
class ConsentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    channel = "email"
    granted = True
    method = "Signed paper form"
