from django.urls import path

from . import views, webhooks

app_name = "comms"

urlpatterns = [
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    # The providers' signed webhooks: provider-level, not scoped to a business.
    path("webhooks/sendgrid/events/", webhooks.sendgrid_events, name="sendgrid_events"),
    path("webhooks/twilio/status/", webhooks.twilio_status, name="twilio_status"),
    path("webhooks/twilio/inbound/", webhooks.twilio_inbound, name="twilio_inbound"),
]
