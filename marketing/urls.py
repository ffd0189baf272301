from django.urls import path

from .views import templates

app_name = "marketing"

urlpatterns: list = []

# Message templates
urlpatterns += [
    path("marketing/templates/", templates.TemplateListView.as_view(), name="templates"),
    path("marketing/templates/new/", templates.TemplateEditView.as_view(), name="template_create"),
    path("marketing/templates/<int:pk>/", templates.TemplateEditView.as_view(), name="template_edit"),
    path("marketing/templates/<int:pk>/preview/", templates.TemplatePreviewView.as_view(), name="template_preview"),
    path("marketing/templates/<int:pk>/email/", templates.TemplateEmailFrameView.as_view(), name="template_email"),
    path("marketing/templates/<int:pk>/test/", templates.TemplateTestSendView.as_view(), name="template_test"),
    path("marketing/templates/<int:pk>/archive/", templates.TemplateArchiveView.as_view(), name="template_archive"),
]
