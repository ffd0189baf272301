"""Factories of the clients app, registered for the cross-tenant checker."""

import datetime
import io
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from clients.models import (
    CheckIn,
    CheckInForm,
    CheckInQuestion,
    CheckInSchedule,
    ClientImport,
    ClientTag,
    FormCheckReply,
    FormCheckVideo,
    Group,
    GroupMember,
    GroupPost,
    IntakeForm,
    IntakeQuestion,
    IntakeRequest,
    IntakeSection,
    IntakeSubmission,
    Message,
    Metric,
    MetricTarget,
    Note,
    PortalInvitation,
    ProgressEntry,
    ProgressPhoto,
    Reaction,
    SavedClientView,
    Snippet,
    StatusChange,
    Tag,
    Thread,
    ThreadRead,
    WaiverDocument,
    WaiverSignature,
    WaiverVersion,
    new_public_token,
)
from mecto.comms.models import Consent
from mecto.crypto import hash_token
from tests.factories import ClientFactory, OrganizationFactory, register
from tests.video_bytes import mp4


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
class PortalInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortalInvitation

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    email = factory.SelfAttribute("client.email")
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + PortalInvitation.TTL)


@register
class IntakeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeRequest

    organization = factory.SubFactory(OrganizationFactory)
    form = factory.SubFactory(IntakeFormFactory, organization=factory.SelfAttribute("..organization"))
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    token_hash = factory.LazyFunction(lambda: hash_token(new_public_token()))


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
class ConsentFactory(factory.django.DjangoModelFactory):
    """Consent proof is kept by the sending mechanism, per address, naming the client."""

    class Meta:
        model = Consent
        exclude = ["client"]

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    client_id = factory.LazyAttribute(lambda o: o.client.pk)
    address = factory.LazyAttribute(lambda o: o.client.email)
    channel = "email"
    granted = True
    method = "Signed paper form"


@register
class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    organization = factory.SubFactory(OrganizationFactory)
    key = factory.Sequence(lambda n: f"metric_{n}")
    name = factory.Sequence(lambda n: f"Metric {n}")
    kind = Metric.Kind.NUMBER
    unit = "steps"


@register
class ProgressEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressEntry

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    metric = factory.SubFactory(MetricFactory, organization=factory.SelfAttribute("..organization"))
    recorded_on = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    value = Decimal("7500")


@register
class MetricTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricTarget

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    metric = factory.SubFactory(MetricFactory, organization=factory.SelfAttribute("..organization"))
    value = Decimal("10000")


def jpeg_bytes(width=120, height=160, color=(200, 80, 40)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


@register
class ProgressPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressPhoto

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    taken_on = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    pose = ProgressPhoto.Pose.FRONT
    image = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="photo.jpg"))
    thumbnail = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(60, 80), name="thumb.jpg"))
    width = 120
    height = 160
    size_bytes = 1000


@register
class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    subject = "Check-in"


@register
class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    thread = factory.SubFactory(
        ThreadFactory, organization=factory.SelfAttribute("..organization"), client=factory.SelfAttribute("..client")
    )
    body = "How did the session feel?"


@register
class ClientTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientTag

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    tag = factory.SubFactory(TagFactory, organization=factory.SelfAttribute("..organization"))


@register
class ThreadReadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThreadRead

    organization = factory.SubFactory(OrganizationFactory)
    thread = factory.SubFactory(ThreadFactory, organization=factory.SelfAttribute("..organization"))
    user = factory.SubFactory("tests.factories.UserFactory")
    last_read_at = factory.LazyFunction(timezone.now)


@register
class ClientImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientImport

    organization = factory.SubFactory(OrganizationFactory)
    file = factory.LazyFunction(lambda: ContentFile(b"First name,Email\nAna,ana@example.com\n", name="import.csv"))
    original_name = "clients.csv"
    headers = factory.LazyFunction(lambda: ["First name", "Email"])
    mapping = factory.LazyFunction(lambda: {"0": "first_name", "1": "email"})
    total_rows = 1


# --- Check-ins and waivers ------------------------------------------------------------------------
@register
class CheckInFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckInForm

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Check-in {n}")


@register
class CheckInQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckInQuestion

    organization = factory.SubFactory(OrganizationFactory)
    form = factory.SubFactory(CheckInFormFactory, organization=factory.SelfAttribute("..organization"))
    key = factory.Sequence(lambda n: f"question_{n}")
    label = "How was your week?"
    kind = CheckInQuestion.Kind.SCALE


@register
class CheckInScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckInSchedule

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    form = factory.SubFactory(CheckInFormFactory, organization=factory.SelfAttribute("..organization"))


@register
class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    form = factory.SubFactory(CheckInFormFactory, organization=factory.SelfAttribute("..organization"))
    status = CheckIn.Status.SUBMITTED
    due_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    overdue_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    submitted_at = factory.LazyFunction(timezone.now)


@register
class WaiverDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaiverDocument

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Waiver {n}")


@register
class WaiverVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaiverVersion

    organization = factory.SubFactory(OrganizationFactory)
    document = factory.SubFactory(WaiverDocumentFactory, organization=factory.SelfAttribute("..organization"))
    version = factory.Sequence(lambda n: n + 1)
    title = factory.SelfAttribute("document.title")
    body = "I train at my own risk."
    text_hash = factory.Sequence(lambda n: f"{n:064x}")
    published_at = factory.LazyFunction(timezone.now)


@register
class WaiverSignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaiverSignature

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    version = factory.SubFactory(WaiverVersionFactory, organization=factory.SelfAttribute("..organization"))
    document = factory.SelfAttribute("version.document")
    version_number = factory.SelfAttribute("version.version")
    text_hash = factory.SelfAttribute("version.text_hash")
    method = WaiverSignature.Method.TYPED
    typed_name = "Ada Lovelace"


# --- Data rights -----------------------------------------------------------------------------------
from clients.models import DataExport, ErasureAudit, ErasureRequest  # noqa: E402


@register
class DataExportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataExport

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))


@register
class ErasureRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ErasureRequest

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    grace_until = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


@register
class ErasureAuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ErasureAudit

    organization = factory.SubFactory(OrganizationFactory)
    client_reference = factory.Sequence(lambda n: f"{n:010x}")
    requested_at = factory.LazyFunction(timezone.now)


# --- Health data from phones ------------------------------------------------------------------------
from clients.models import HealthDay, HealthSample  # noqa: E402


@register
class HealthSampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthSample

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    kind = "steps"
    external_id = factory.Sequence(lambda n: f"sample-{n}")
    value = 1000
    unit = "count"
    start_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    end_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    source = "Apple Health"


@register
class HealthDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthDay

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    kind = "steps"
    day = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    value = 8000
    sample_count = 1


@register
class SavedClientViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedClientView

    organization = factory.SubFactory(OrganizationFactory)
    owner = factory.SubFactory("tests.factories.UserFactory")
    name = factory.Sequence(lambda n: f"View {n}")
    query = factory.LazyFunction(lambda: {"sort": "adherence"})
    is_shared = True


@register
class SnippetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Snippet

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Reply {n}")
    body = "Log your sets in the app after each session."


@register
class GroupFactory(factory.django.DjangoModelFactory):
    """`client=` makes that client a member (the cross-tenant checker builds a client's rows so)."""

    class Meta:
        model = Group
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")

    @factory.post_generation
    def client(self, create, extracted, **kwargs):
        if create and extracted is not None:
            GroupMember.objects.create(organization=self.organization, group=self, client=extracted)


@register
class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    organization = factory.SubFactory(OrganizationFactory)
    group = factory.SubFactory(GroupFactory, organization=factory.SelfAttribute("..organization"))
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))


@register
class GroupPostFactory(factory.django.DjangoModelFactory):
    """A member's post (with `client=`, that client joins the group) or a coach's."""

    class Meta:
        model = GroupPost
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    group = factory.SubFactory(GroupFactory, organization=factory.SelfAttribute("..organization"))
    body = "Day 3 done!"

    @factory.post_generation
    def join(self, create, extracted, **kwargs):
        if create and self.client_id:
            GroupMember.objects.get_or_create(
                group=self.group, client_id=self.client_id, defaults={"organization": self.organization}
            )


@register
class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reaction

    organization = factory.SubFactory(OrganizationFactory)
    post = factory.SubFactory(GroupPostFactory, organization=factory.SelfAttribute("..organization"))
    user = factory.SubFactory("tests.factories.UserFactory")
    kind = "like"


@register
class FormCheckVideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormCheckVideo

    organization = factory.SubFactory(OrganizationFactory)
    client = factory.SubFactory(ClientFactory, organization=factory.SelfAttribute("..organization"))
    file = factory.LazyFunction(lambda: ContentFile(mp4(seconds=12), name="clip.mp4"))
    container = FormCheckVideo.Container.MP4
    duration_ms = 12_000
    width = 320
    height = 240
    size_bytes = factory.LazyAttribute(lambda o: o.file.size)
    original_name = "squat.mp4"


@register
class FormCheckReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormCheckReply

    organization = factory.SubFactory(OrganizationFactory)
    video = factory.SubFactory(FormCheckVideoFactory, organization=factory.SelfAttribute("..organization"))
    message = factory.SubFactory(
        MessageFactory,
        organization=factory.SelfAttribute("..organization"),
        client=factory.SelfAttribute("..video.client"),
        body="Nice depth; keep your chest up.",
    )
