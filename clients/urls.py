from django.urls import path

from .views import checkins, imports, intake, messages, photos, portal, privacy, progress, public, records, waivers

app_name = "clients"

# Mounted at the site root: every path carries its own prefix.
urlpatterns = [
    path("clients/", records.ClientListView.as_view(), name="list"),
    path("clients/export.csv", records.ClientExportView.as_view(), name="export"),
    path("clients/new/", records.ClientCreateView.as_view(), name="create"),
    path("clients/views/", records.SavedViewCreateView.as_view(), name="saved_view_create"),
    path("clients/views/<int:pk>/delete/", records.SavedViewDeleteView.as_view(), name="saved_view_delete"),
    path("clients/demo/remove/", records.RemoveDemoDataView.as_view(), name="remove_demo"),
    path("clients/import/", imports.ImportUploadView.as_view(), name="import"),
    path("clients/import/<int:pk>/", imports.ImportMappingView.as_view(), name="import_mapping"),
    path("clients/import/<int:pk>/progress/", imports.ImportProgressView.as_view(), name="import_progress"),
    path("clients/checkins/", checkins.CheckInQueueView.as_view(), name="checkin_queue"),
    path("clients/checkins/<int:pk>/", checkins.CheckInReviewView.as_view(), name="checkin_review"),
    path("clients/checkin-forms/", checkins.CheckInFormListView.as_view(), name="checkin_forms"),
    path("clients/checkin-forms/<int:pk>/", checkins.CheckInFormEditView.as_view(), name="checkin_form_edit"),
    path("clients/waivers/", waivers.WaiverListView.as_view(), name="waivers"),
    path("clients/waivers/<int:pk>/", waivers.WaiverDetailView.as_view(), name="waiver_detail"),
    path("clients/<int:pk>/", records.ClientDetailView.as_view(), name="detail"),
    path("clients/<int:pk>/checkins/", checkins.ClientCheckInsView.as_view(), name="client_checkins"),
    path("clients/<int:pk>/edit/", records.ClientEditView.as_view(), name="edit"),
    path("clients/<int:pk>/delete/", records.ClientDeleteView.as_view(), name="delete"),
    path("clients/<int:pk>/status/", records.ClientStatusView.as_view(), name="status"),
    path("clients/<int:pk>/consent/", records.ClientConsentView.as_view(), name="consent"),
    path("clients/<int:pk>/optin/resend/", records.ClientOptInResendView.as_view(), name="optin_resend"),
    path("clients/<int:pk>/clearance/", records.ClientClearanceView.as_view(), name="clearance"),
    path("clients/<int:pk>/notes/", records.ClientNotesView.as_view(), name="notes"),
    path("clients/<int:pk>/notes/<int:note_pk>/", records.NoteActionView.as_view(), name="note_action"),
    path("clients/<int:pk>/intake/", records.ClientIntakeView.as_view(), name="intake"),
    path(
        "clients/<int:pk>/intake/<int:submission_pk>/review/",
        records.IntakeReviewView.as_view(),
        name="intake_review",
    ),
    path("clients/<int:pk>/invite/", records.ClientInviteView.as_view(), name="invite"),
    path("clients/<int:pk>/progress/", progress.ClientProgressView.as_view(), name="progress"),
    path("clients/<int:pk>/progress/targets/", progress.ClientTargetView.as_view(), name="progress_target"),
    path(
        "clients/<int:pk>/progress/entries/<int:entry_pk>/delete/",
        progress.ProgressEntryDeleteView.as_view(),
        name="progress_entry_delete",
    ),
    path("clients/<int:pk>/photos/", photos.ClientPhotoUploadView.as_view(), name="photo_upload"),
    path("clients/<int:pk>/photos/compare/", photos.PhotoCompareView.as_view(), name="photo_compare"),
    path("clients/<int:pk>/photos/<int:photo_pk>/delete/", photos.ClientPhotoDeleteView.as_view(), name="photo_delete"),
    path("photos/<uuid:public_id>/<str:variant>/", photos.PhotoFileView.as_view(), name="photo_file"),
    path("clients/<int:pk>/messages/", messages.ClientMessagesView.as_view(), name="messages"),
    path("messages/attachments/<uuid:public_id>/", messages.AttachmentView.as_view(), name="attachment"),
    # The client's portal
    path("portal/messages/", portal.PortalMessagesView.as_view(), name="portal_messages"),
    path("portal/progress/", portal.PortalProgressView.as_view(), name="portal_progress"),
    path("portal/checkins/", checkins.PortalCheckInsView.as_view(), name="portal_checkins"),
    path("portal/checkins/<uuid:public_id>/", checkins.PortalCheckInView.as_view(), name="portal_checkin"),
    path("portal/waivers/", waivers.PortalWaiversView.as_view(), name="portal_waivers"),
    path("portal/progress/photos/", portal.PortalPhotoUploadView.as_view(), name="portal_photo_upload"),
    path(
        "portal/progress/entries/<int:pk>/delete/",
        portal.PortalEntryDeleteView.as_view(),
        name="portal_entry_delete",
    ),
    path("clients/metrics/", progress.MetricListView.as_view(), name="metrics"),
    path("clients/metrics/<int:pk>/", progress.MetricEditView.as_view(), name="metric_edit"),
    # Intake form builder
    path("clients/intake-forms/", intake.IntakeFormListView.as_view(), name="intake_forms"),
    path("clients/intake-forms/<int:pk>/", intake.IntakeFormEditView.as_view(), name="intake_form_edit"),
    path(
        "clients/intake-forms/<int:pk>/questions/<int:question_pk>/",
        intake.IntakeQuestionEditView.as_view(),
        name="intake_question_edit",
    ),
    path("clients/intake-forms/<int:pk>/reorder/", intake.IntakeReorderView.as_view(), name="intake_reorder"),
    # Public pages: addressed only by unguessable tokens
    path("intake/thanks/", public.intake_thanks, name="intake_thanks"),
    path("waivers/sign/<str:token>/", waivers.WaiverSignLinkView.as_view(), name="waiver_sign_link"),
    path("intake/<str:token>/", public.PublicIntakeView.as_view(), name="intake_public"),
    path("intake/r/<str:token>/", public.RequestedIntakeView.as_view(), name="intake_request"),
    # The client's data rights (export and erasure).
    path("clients/<int:pk>/data/", privacy.ClientDataView.as_view(), name="data"),
    path("clients/<int:pk>/data/status/", privacy.ClientDataStatusView.as_view(), name="data_status"),
    path("portal/data/", privacy.PortalDataView.as_view(), name="portal_data"),
    path("portal/data/status/", privacy.PortalDataStatusView.as_view(), name="portal_data_status"),
    path("data-exports/<str:token>/", privacy.DataExportDownloadView.as_view(), name="data_export_download"),
]
