from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from mecto.api_base import INT_ID

from . import checkins, health, inbox, me, messaging, photos, privacy, progress, videos, waivers
from .views import (
    ClientViewSet,
    ConsentViewSet,
    IntakeFormViewSet,
    IntakeQuestionViewSet,
    IntakeSectionViewSet,
    IntakeSubmissionViewSet,
    NoteViewSet,
    SavedClientViewViewSet,
    StatusHistoryViewSet,
    TagViewSet,
)

CLIENT = rf"clients/(?P<client_pk>{INT_ID})"
FORM = rf"clients/intake-forms/(?P<form_pk>{INT_ID})"

router = SimpleRouter()
# Business-wide resources first, so their paths are never read as a client id.
router.register("clients/tags", TagViewSet, basename="client-tag")
router.register("clients/saved-views", SavedClientViewViewSet, basename="client-saved-view")
router.register("clients/intake-forms", IntakeFormViewSet, basename="intake-form")
router.register("clients/metrics", progress.MetricViewSet, basename="client-metric")
router.register("clients/checkin-forms", checkins.CheckInFormViewSet, basename="checkin-form")
router.register(
    rf"clients/checkin-forms/(?P<form_pk>{INT_ID})/questions",
    checkins.CheckInQuestionViewSet,
    basename="checkin-question",
)
router.register("clients/checkins", checkins.CheckInViewSet, basename="checkin")
router.register("clients/waivers", waivers.WaiverDocumentViewSet, basename="waiver-document")
router.register("clients/waiver-signatures", waivers.WaiverSignatureViewSet, basename="waiver-signature")
router.register("clients/threads", messaging.ThreadViewSet, basename="client-thread")
router.register(
    rf"clients/threads/(?P<thread_pk>{INT_ID})/messages", messaging.ThreadMessageViewSet, basename="thread-message"
)
router.register("inbox/threads", inbox.InboxThreadViewSet, basename="inbox-thread")
router.register("inbox/snippets", inbox.SnippetViewSet, basename="inbox-snippet")
router.register("inbox/bulk-send", inbox.BulkSendViewSet, basename="inbox-bulk-send")
router.register("groups", inbox.GroupViewSet, basename="group")
router.register(rf"groups/(?P<group_pk>{INT_ID})/members", inbox.GroupMemberViewSet, basename="group-member")
router.register(rf"groups/(?P<group_pk>{INT_ID})/posts", inbox.GroupPostViewSet, basename="group-post")
router.register(f"{FORM}/sections", IntakeSectionViewSet, basename="intake-section")
router.register(f"{FORM}/questions", IntakeQuestionViewSet, basename="intake-question")
router.register(f"{CLIENT}/notes", NoteViewSet, basename="client-note")
router.register(f"{CLIENT}/status-history", StatusHistoryViewSet, basename="client-status-history")
router.register(f"{CLIENT}/consents", ConsentViewSet, basename="client-consent")
router.register(f"{CLIENT}/intake-submissions", IntakeSubmissionViewSet, basename="client-intake-submission")
router.register(f"{CLIENT}/progress-entries", progress.ProgressEntryViewSet, basename="client-progress-entry")
router.register(f"{CLIENT}/photos", photos.ClientPhotoViewSet, basename="client-photo")
router.register(f"{CLIENT}/form-check-videos", videos.ClientVideoViewSet, basename="client-form-check-video")
router.register(f"{CLIENT}/checkin-schedules", checkins.CheckInScheduleViewSet, basename="client-checkin-schedule")
router.register(f"{CLIENT}/data-exports", privacy.ClientDataExportViewSet, basename="client-data-export")
router.register(f"{CLIENT}/health/daily", health.ClientHealthDayViewSet, basename="client-health-day")
router.register("clients", ClientViewSet, basename="client")
router.register("me/photos", photos.MyPhotoViewSet, basename="me-photo")
router.register("me/form-check-videos", videos.MyVideoViewSet, basename="me-form-check-video")
router.register("me/threads", messaging.MyThreadViewSet, basename="me-thread")
router.register("me/messages", messaging.MyMessageViewSet, basename="me-message")
router.register("me/groups", inbox.MyGroupViewSet, basename="me-group")
router.register("me/group-posts", inbox.MyGroupPostViewSet, basename="me-group-post")
router.register("me/progress", progress.MyProgressViewSet, basename="me-progress")
router.register("me/checkins", checkins.MyCheckInViewSet, basename="me-checkin")
router.register("me/waivers", waivers.MyWaiverViewSet, basename="me-waiver")
router.register("me/data-exports", privacy.MyDataExportViewSet, basename="me-data-export")
router.register("me/health/daily", health.MyHealthDayViewSet, basename="me-health-day")

urlpatterns = [
    path("me/profile/", me.MyProfileView.as_view({"get": "retrieve", "patch": "partial_update"}), name="me-profile"),
    path("me/intake/", me.MyIntakeView.as_view({"get": "retrieve", "post": "create"}), name="me-intake"),
    path("me/metrics/", progress.MyMetricsView.as_view({"get": "list"}), name="me-metrics"),
    path("me/health/samples/", health.MyHealthSamplesView.as_view({"post": "create"}), name="me-health-samples"),
    path(
        "me/health/samples/delete/",
        health.MyHealthSamplesView.as_view({"post": "delete_many"}),
        name="me-health-samples-delete",
    ),
    path(
        "me/erasure-request/",
        privacy.MyErasureRequestView.as_view({"get": "retrieve", "post": "create", "delete": "destroy"}),
        name="me-erasure-request",
    ),
    re_path(
        rf"^{CLIENT}/erasure-request/$",
        privacy.ClientErasureRequestView.as_view({"get": "retrieve", "post": "create", "delete": "destroy"}),
        name="client-erasure-request",
    ),
    *router.urls,
]
