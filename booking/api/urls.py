from django.urls import path
from rest_framework.routers import SimpleRouter

from . import classes, views

router = SimpleRouter()
router.register("booking/services", views.ServiceTypeViewSet, basename="booking-service")
router.register("booking/coaches", views.CoachProfileViewSet, basename="booking-coach")
router.register("booking/availability-rules", views.AvailabilityRuleViewSet, basename="booking-availability-rule")
router.register("booking/exceptions", views.AvailabilityExceptionViewSet, basename="booking-exception")
router.register("booking/sessions", views.SessionViewSet, basename="booking-session")
router.register("booking/bookings", views.BookingViewSet, basename="booking-booking")
router.register("booking/recurring", views.RecurringSeriesViewSet, basename="booking-recurring")
router.register("booking/credit-grants", views.CreditGrantViewSet, basename="booking-credit-grant")
router.register("booking/credit-entries", views.CreditEntryViewSet, basename="booking-credit-entry")
router.register("booking/classes", classes.GroupClassViewSet, basename="booking-class")
router.register("booking/class-sessions", classes.ClassSessionViewSet, basename="booking-class-session")
router.register("me/classes", classes.MyClassesView, basename="me-class")
router.register("me/class-waitlist", classes.MyWaitlistViewSet, basename="me-class-waitlist")
router.register("me/booking/services", views.MyServicesView, basename="me-booking-service")
router.register("me/bookings", views.MyBookingsViewSet, basename="me-booking")
router.register("me/credits", views.MyCreditsViewSet, basename="me-credit")

urlpatterns = [
    path("booking/calendar/", views.CalendarFeedView.as_view({"get": "retrieve"}), name="booking-calendar"),
    path(
        "booking/policy/",
        views.PolicyView.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="booking-policy",
    ),
    *router.urls,
]
