from django.urls import path

app_name = "marketing"

urlpatterns: list = []

# Segments (marketing/views/segments.py)
from .views import segments as _segments  # noqa: E402

urlpatterns += [
    path("marketing/segments/", _segments.SegmentListView.as_view(), name="segments"),
    path("marketing/segments/new/", _segments.SegmentEditView.as_view(), name="segment_create"),
    path("marketing/segments/count/", _segments.SegmentCountView.as_view(), name="segment_count"),
    path("marketing/segments/<int:pk>/", _segments.SegmentEditView.as_view(), name="segment_edit"),
    path("marketing/segments/<int:pk>/delete/", _segments.SegmentDeleteView.as_view(), name="segment_delete"),
]
