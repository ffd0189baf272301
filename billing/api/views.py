from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from booking.models import CreditGrant
from booking.selectors import grants_with_remaining
from mecto.api_base import (
    ClientReadOnlyViewSet,
    ClientViewSet,
    ErrorSerializer,
    OrgReadOnlyViewSet,
    OrgViewSet,
    TenantAPIView,
)
from mecto.permissions import HasCapability, IsClient, IsOrgMember

from .. import pdf, selectors, services, stripe_gateway, stripe_services
from ..models import Coupon, CouponRedemption, CreditNote, Invoice, Payment, PaymentLink, Plan, Purchase, Subscription
from .access import PlanGrantsMixin
from .serializers import (
    BillingSettingsSerializer,
    CatalogPlanSerializer,
    CheckoutSerializer,
    CouponRedemptionSerializer,
    CouponSerializer,
    CreditNoteSerializer,
    InvoiceCreateSerializer,
    InvoiceSerializer,
    MembershipCancelSerializer,
    MembershipStartSerializer,
    MyCreditSerializer,
    MyInvoiceSerializer,
    MyMembershipSerializer,
    MyPackageSerializer,
    PaymentLinkCreatedSerializer,
    PaymentLinkCreateSerializer,
    PaymentLinkSerializer,
    PaymentSerializer,
    PlanSerializer,
    PurchaseQuoteRequestSerializer,
    PurchaseQuoteSerializer,
    PurchaseRequestSerializer,
    RecordPaymentSerializer,
    RefundSerializer,
    ReminderSerializer,
    RevenueSerializer,
    StripeStatusSerializer,
    SubscriptionSerializer,
    UrlSerializer,
)

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class CouponRedemptionPageSerializer(serializers.Serializer):
    """A page of a coupon's uses (the API's usual page)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CouponRedemptionSerializer(many=True)


PDF = OpenApiResponse(OpenApiTypes.BINARY, description="The PDF (application/pdf).")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- Coaches ---------------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="Plans (packages, services, memberships)"),
    retrieve=extend_schema(summary="A plan", responses={200: PlanSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Create a plan", responses={201: PlanSerializer, **ERRORS}),
    update=extend_schema(summary="Replace a plan", responses={200: PlanSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a plan", responses={200: PlanSerializer, **ERRORS}),
    destroy=extend_schema(
        summary="Stop selling a plan (archived; what clients bought stays)", responses={204: None, **ERRORS}
    ),
)
class PlanViewSet(PlanGrantsMixin, OrgViewSet):
    queryset = Plan.objects.all()
    serializer_class = PlanSerializer
    required_capability = "billing.view"
    write_capability = "billing.manage"
    filterset_fields = ["kind", "is_active", "sold_online"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "price_minor", "created_at"]

    def perform_create(self, serializer):
        serializer.instance = services.create_plan(
            organization=self.organization, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_plan(
            plan=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.archive_plan(plan=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Invoices",
        description="Filter by `status` and `client`; search by number or name; `overdue=1`: open invoices past "
        "their due date only.",
        parameters=[OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Only overdue invoices.")],
    ),
    retrieve=extend_schema(
        summary="An invoice with its lines", responses={200: InvoiceSerializer, 404: ErrorSerializer}
    ),
)
class InvoiceViewSet(mixins.CreateModelMixin, OrgReadOnlyViewSet):
    queryset = Invoice.objects.all()
    serializer_class = InvoiceSerializer
    required_capability = "billing.view"
    write_capability = "billing.manage"
    filterset_fields = ["status", "client"]
    search_fields = ["number", "client__first_name", "client__last_name", "client__email"]
    ordering_fields = ["issued_at", "due_at", "total_minor"]

    def get_queryset(self):
        qs = (
            super()
            .get_queryset()
            .select_related("client", "subscription")
            .prefetch_related("lines")
            .order_by("-issued_at", "-id")
        )
        if self.action == "list" and self.request.query_params.get("overdue") in ("1", "true"):
            qs = qs.overdue()
        return qs

    def get_serializer_class(self):
        return InvoiceCreateSerializer if self.action == "create" else InvoiceSerializer

    @extend_schema(
        summary="Invoice a client: a plan (package or service) or custom lines",
        request=InvoiceCreateSerializer,
        responses={201: InvoiceSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        serializer = InvoiceCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("plan"):
            invoice = services.sell_plan(
                client=data["client"],
                plan=data["plan"],
                quantity=data["quantity"],
                actor=request.user,
                issue=data["issue"],
                coupon_code=data["coupon_code"],
            )
        else:
            invoice = services.create_invoice(
                client=data["client"],
                lines=[services.LineInput(**line) for line in data["lines"]],
                memo=data["memo"],
                actor=request.user,
                issue=data["issue"],
                coupon_code=data["coupon_code"],
            )
        invoice = self.get_queryset().get(pk=invoice.pk)
        return Response(InvoiceSerializer(invoice).data, status=status.HTTP_201_CREATED)

    def _fresh(self, invoice):
        return Response(InvoiceSerializer(self.get_queryset().get(pk=invoice.pk)).data)

    @extend_schema(
        summary="Issue a draft (numbered, emailed)", request=None, responses={200: InvoiceSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        return self._fresh(services.issue_invoice(invoice=self.get_object(), actor=request.user))

    @extend_schema(summary="Void an unpaid invoice", request=None, responses={200: InvoiceSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        return self._fresh(services.void_invoice(invoice=self.get_object(), actor=request.user))

    @extend_schema(
        summary="Record a payment received by hand (cash, transfer, card terminal)",
        request=RecordPaymentSerializer,
        responses={201: PaymentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        invoice = self.get_object()
        serializer = RecordPaymentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = services.record_payment(invoice=invoice, actor=request.user, **serializer.validated_data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Send a payment link for this invoice to the client",
        request=None,
        responses={201: PaymentLinkCreatedSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="payment-link")
    def payment_link(self, request, pk=None):
        invoice = self.get_object()
        if invoice.client is None:
            raise services.BillingError("The client of this invoice was deleted.")
        link, url = services.create_payment_link(client=invoice.client, invoice=invoice, actor=request.user)
        link.url = url
        return Response(PaymentLinkCreatedSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Email the invoice (or receipt) to the client again", request=None, responses={202: None, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        services.send_invoice(invoice=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Remind the client of an overdue invoice (at most once a day)",
        description="Emails a payment reminder with a fresh pay link. `sent` is false when the invoice was "
        "already reminded today (in the business's time zone): no second email goes out.",
        request=None,
        responses={202: ReminderSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        sent = services.send_payment_reminder(invoice=self.get_object(), actor=request.user)
        return Response(ReminderSerializer({"sent": sent}).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="The invoice as a PDF", responses={(200, "application/pdf"): PDF, 404: ErrorSerializer})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        invoice = self.get_object()
        invoice = selectors.invoice_detail_queryset(organization=self.organization).get(pk=invoice.pk)
        return _pdf(pdf.invoice_pdf(invoice), f"{invoice.number or 'draft'}.pdf")


@extend_schema_view(
    list=extend_schema(
        summary="Coupons (discount codes)",
        description="Filter by `is_active` and `duration`; search by code. `redemptions_count` is how often each "
        "was used.",
    ),
    retrieve=extend_schema(summary="A coupon", responses={200: CouponSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Create a coupon",
        description="Give `percent_off` (0.01–100, two decimals) or `amount_off_minor` (the business's currency), "
        "a `duration` (once, repeating with `duration_periods`, forever), and optional limits: `plans`, "
        "`max_redemptions`, `per_client_limit`, `expires_at`.",
        request=CouponSerializer,
        responses={201: CouponSerializer, **ERRORS},
    ),
    update=extend_schema(summary="Replace a coupon", responses={200: CouponSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change a coupon (its discount is fixed once used)", responses={200: CouponSerializer, **ERRORS}
    ),
    destroy=extend_schema(
        summary="Archive a coupon (no further use; discounted memberships keep it)", responses={204: None, **ERRORS}
    ),
)
class CouponViewSet(OrgViewSet):
    queryset = Coupon.objects.all()
    serializer_class = CouponSerializer
    required_capability = "billing.view"
    write_capability = "billing.manage"
    filterset_fields = ["is_active", "duration"]
    search_fields = ["code", "description"]
    ordering_fields = ["code", "created_at", "times_redeemed"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("plans")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.create_coupon(
            organization=self.organization, actor=self.request.user, plans=data.pop("plans", None), **data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_coupon(
            coupon=serializer.instance, actor=self.request.user, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        services.archive_coupon(coupon=instance, actor=self.request.user)

    @extend_schema(
        summary="Each use of a coupon: client, invoice or membership, amount off",
        responses={200: CouponRedemptionPageSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["get"])
    def redemptions(self, request, pk=None):
        coupon = self.get_object()
        qs = (
            CouponRedemption.objects.for_org(self.organization)
            .filter(coupon=coupon)
            .select_related("client", "invoice", "subscription")
        )
        page = self.paginate_queryset(qs)
        if page is not None:
            return self.get_paginated_response(CouponRedemptionSerializer(page, many=True).data)
        return Response(CouponRedemptionSerializer(qs, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Payments received and card attempts that failed"),
    retrieve=extend_schema(summary="A payment", responses={200: PaymentSerializer, 404: ErrorSerializer}),
)
class PaymentViewSet(OrgReadOnlyViewSet):
    queryset = Payment.objects.all()
    serializer_class = PaymentSerializer
    required_capability = "billing.view"
    write_capability = "billing.manage"
    filterset_fields = ["method", "status", "client", "invoice"]
    ordering_fields = ["received_at", "amount_minor"]

    def get_queryset(self):
        return super().get_queryset().select_related("invoice").order_by("-received_at", "-id")

    @extend_schema(
        summary="Refund a payment (card payments through Stripe); issues a credit note",
        request=RefundSerializer,
        responses={201: CreditNoteSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        payment = self.get_object()
        serializer = RefundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.refund_payment(payment=payment, actor=request.user, **serializer.validated_data)
        return Response(CreditNoteSerializer(note).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Credit notes (refunds)"),
    retrieve=extend_schema(summary="A credit note", responses={200: CreditNoteSerializer, 404: ErrorSerializer}),
)
class CreditNoteViewSet(OrgReadOnlyViewSet):
    queryset = CreditNote.objects.all()
    serializer_class = CreditNoteSerializer
    required_capability = "billing.view"
    filterset_fields = ["client", "invoice"]

    def get_queryset(self):
        return super().get_queryset().select_related("invoice")

    @extend_schema(summary="The credit note as a PDF", responses={(200, "application/pdf"): PDF, 404: ErrorSerializer})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        note = self.get_object()
        return _pdf(pdf.credit_note_pdf(note), f"{note.number}.pdf")


@extend_schema_view(
    list=extend_schema(summary="Memberships", description="Filter by `status`, `client`, `plan`, `collection`."),
    retrieve=extend_schema(summary="A membership", responses={200: SubscriptionSerializer, 404: ErrorSerializer}),
)
class SubscriptionViewSet(mixins.CreateModelMixin, OrgReadOnlyViewSet):
    queryset = Subscription.objects.all()
    serializer_class = SubscriptionSerializer
    required_capability = "billing.view"
    write_capability = "billing.manage"
    filterset_fields = ["status", "client", "plan", "collection"]
    ordering_fields = ["started_at", "current_period_end"]

    def get_queryset(self):
        return super().get_queryset().select_related("client", "plan")

    def get_serializer_class(self):
        return MembershipStartSerializer if self.action == "create" else SubscriptionSerializer

    @extend_schema(
        summary="Start a membership paid by hand (invoiced each period)",
        request=MembershipStartSerializer,
        responses={201: SubscriptionSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        serializer = MembershipStartSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        subscription = services.start_membership(actor=request.user, **serializer.validated_data)
        return Response(SubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End a membership (at the end of the period and minimum term, or now)",
        request=MembershipCancelSerializer,
        responses={200: SubscriptionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        serializer = MembershipCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = services.cancel_membership(
            subscription=self.get_object(), actor=request.user, immediately=serializer.validated_data["immediately"]
        )
        return Response(SubscriptionSerializer(self.get_queryset().get(pk=subscription.pk)).data)

    @extend_schema(
        summary="Undo a scheduled cancellation", request=None, responses={200: SubscriptionSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        subscription = services.resume_membership(subscription=self.get_object(), actor=request.user)
        return Response(SubscriptionSerializer(self.get_queryset().get(pk=subscription.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="Payment links sent to clients"),
    retrieve=extend_schema(summary="A payment link", responses={200: PaymentLinkSerializer, 404: ErrorSerializer}),
    destroy=extend_schema(summary="Revoke a payment link", responses={204: None, **ERRORS}),
)
class PaymentLinkViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, OrgReadOnlyViewSet):
    queryset = PaymentLink.objects.all()
    serializer_class = PaymentLinkSerializer
    required_capability = "billing.view"
    write_capability = "billing.manage"
    filterset_fields = ["client", "plan", "invoice"]

    def get_queryset(self):
        return super().get_queryset().select_related("invoice")

    def get_serializer_class(self):
        return PaymentLinkCreateSerializer if self.action == "create" else PaymentLinkSerializer

    @extend_schema(
        summary="Send a client a link to buy a plan or pay an invoice",
        request=PaymentLinkCreateSerializer,
        responses={201: PaymentLinkCreatedSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        serializer = PaymentLinkCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        link, url = services.create_payment_link(
            client=data["client"],
            plan=data.get("plan"),
            invoice=data.get("invoice"),
            message=data.get("message", ""),
            send=data.get("send", True),
            actor=request.user,
        )
        link.url = url
        return Response(PaymentLinkCreatedSerializer(link).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.revoke_payment_link(link=instance, actor=self.request.user)


class RevenueView(TenantAPIView):
    """The revenue report of the request's business."""

    tenant_exempt = "Aggregates of the request's own organisation only."
    permission_classes = [IsAuthenticated, IsOrgMember, HasCapability]
    required_capability = "billing.view"
    serializer_class = RevenueSerializer

    @extend_schema(
        summary="Revenue: MRR, memberships, revenue by month, outstanding and overdue invoices",
        responses={200: RevenueSerializer, 403: ErrorSerializer},
    )
    def retrieve(self, request):
        summary = selectors.revenue_summary(organization=request.tenant.organization)
        return Response(RevenueSerializer(summary).data)


class StripeAccountView(TenantAPIView):
    """The business's Stripe connection (Connect)."""

    tenant_exempt = "Reads and changes only the request's own organisation's billing settings."
    permission_classes = [IsAuthenticated, IsOrgMember, HasCapability]
    required_capability = "billing.settings"
    serializer_class = StripeStatusSerializer

    def _status(self, organization):
        row = services.billing_settings(organization)
        return {
            "available": stripe_gateway.is_configured(),
            "connected": row.stripe_connected,
            "account_id": row.stripe_account_id,
            "charges_enabled": row.stripe_charges_enabled,
            "details_submitted": row.stripe_details_submitted,
            "payouts_enabled": row.stripe_payouts_enabled,
        }

    @extend_schema(summary="Stripe connection status", responses={200: StripeStatusSerializer, 403: ErrorSerializer})
    def retrieve(self, request):
        return Response(StripeStatusSerializer(self._status(request.tenant.organization)).data)

    @extend_schema(
        summary="Start or continue Stripe onboarding; returns the Stripe link to open",
        request=None,
        responses={200: UrlSerializer, **ERRORS},
    )
    def onboarding(self, request):
        url = stripe_services.start_onboarding(organization=request.tenant.organization, actor=request.user)
        return Response(UrlSerializer({"url": url}).data)


class BillingSettingsView(TenantAPIView):
    """The business's billing settings: its details and tax defaults on invoices."""

    tenant_exempt = "Reads and changes only the request's own organisation's billing settings."
    permission_classes = [IsAuthenticated, IsOrgMember, HasCapability]
    required_capability = "billing.settings"
    serializer_class = BillingSettingsSerializer

    @extend_schema(summary="Billing settings", responses={200: BillingSettingsSerializer, 403: ErrorSerializer})
    def retrieve(self, request):
        row = services.billing_settings(request.tenant.organization)
        return Response(BillingSettingsSerializer(row).data)

    @extend_schema(
        summary="Change billing settings (business details, tax defaults, numbering)",
        request=BillingSettingsSerializer,
        responses={200: BillingSettingsSerializer, **ERRORS},
    )
    def partial_update(self, request):
        organization = request.tenant.organization
        serializer = BillingSettingsSerializer(services.billing_settings(organization), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        row = services.update_billing_settings(
            organization=organization, actor=request.user, **serializer.validated_data
        )
        return Response(BillingSettingsSerializer(row).data)


# --- The client's own (/me/...) ---------------------------------------------------------------------------------
class MyPlansView(TenantAPIView):
    """Plans on sale at the client's business (a catalogue, not client-owned rows)."""

    tenant_exempt = "Lists the signed-in client's own organisation's plans on sale."
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = CatalogPlanSerializer
    queryset = Plan.objects.none()  # for the schema; the list comes from the selector
    pagination_class = None
    filter_backends: list = []

    @extend_schema(summary="Plans I can buy", responses={200: CatalogPlanSerializer(many=True), 403: ErrorSerializer})
    def list(self, request):
        plans = selectors.plans_on_sale(organization=request.tenant.organization)
        return Response(CatalogPlanSerializer(plans, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="My invoices and receipts"),
    retrieve=extend_schema(summary="One of my invoices", responses={200: MyInvoiceSerializer, 404: ErrorSerializer}),
)
class MyInvoiceViewSet(ClientReadOnlyViewSet):
    queryset = Invoice.objects.exclude(status=Invoice.Status.DRAFT)
    serializer_class = MyInvoiceSerializer
    lookup_field = "public_id"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("lines").order_by("-issued_at", "-id")

    @extend_schema(summary="My invoice as a PDF", responses={(200, "application/pdf"): PDF, 404: ErrorSerializer})
    @action(detail=True, methods=["get"], url_name="pdf")
    def pdf(self, request, public_id=None):
        invoice = self.get_object()
        invoice = (
            self.get_queryset().select_related("client", "organization").prefetch_related("payments", "credit_notes")
        ).get(pk=invoice.pk)
        return _pdf(pdf.invoice_pdf(invoice), f"{invoice.number}.pdf")

    @extend_schema(
        summary="Pay what is due on this invoice by card; returns the Checkout URL",
        request=None,
        responses={200: CheckoutSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, public_id=None):
        invoice = self.get_object()
        portal = settings.SITE_URL + reverse("billing:portal")
        url = stripe_services.checkout_for_invoice(
            invoice=invoice, success_url=f"{portal}?checkout=success", cancel_url=f"{portal}?checkout=cancelled"
        )
        return Response(CheckoutSerializer({"checkout_url": url}).data)


@extend_schema_view(
    list=extend_schema(summary="My memberships"),
    retrieve=extend_schema(
        summary="One of my memberships", responses={200: MyMembershipSerializer, 404: ErrorSerializer}
    ),
)
class MyMembershipViewSet(ClientReadOnlyViewSet):
    queryset = Subscription.objects.select_related("plan")
    serializer_class = MyMembershipSerializer
    lookup_field = "public_id"

    @extend_schema(
        summary="End my membership at the end of the period (never inside the minimum term)",
        request=None,
        responses={200: MyMembershipSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, public_id=None):
        subscription = services.cancel_membership(subscription=self.get_object(), actor=request.user)
        return Response(MyMembershipSerializer(self.get_queryset().get(pk=subscription.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="Packages and services I bought"),
    retrieve=extend_schema(summary="A package I bought", responses={200: MyPackageSerializer, 404: ErrorSerializer}),
)
class MyPackageViewSet(ClientReadOnlyViewSet):
    queryset = Purchase.objects.select_related("plan", "invoice")
    serializer_class = MyPackageSerializer
    lookup_field = "public_id"


@extend_schema_view(
    list=extend_schema(
        summary="My session credits by grant: what is left of each and until when (soonest expiry first)",
        description="The ledger's movements and the balance are at /api/v1/me/credits/ (booking).",
    )
)
class MyCreditGrantViewSet(mixins.ListModelMixin, ClientViewSet):
    queryset = CreditGrant.objects.all()
    serializer_class = MyCreditSerializer

    def get_queryset(self):
        # The selector scopes to the signed-in client (and their organisation) like the base class.
        return grants_with_remaining(client=self.request.tenant.client)


class MyPurchaseView(TenantAPIView):
    """Buy a plan: returns the Stripe Checkout URL to open."""

    tenant_exempt = "Starts a checkout for the signed-in client only, for a plan of their own organisation."
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = PurchaseRequestSerializer

    @extend_schema(
        summary="Start buying a plan; returns the Checkout URL",
        request=PurchaseRequestSerializer,
        responses={201: CheckoutSerializer, **ERRORS},
    )
    def create(self, request):
        serializer = PurchaseRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = request.tenant.client
        plan = get_object_or_404(
            selectors.plans_on_sale(organization=client.organization), public_id=serializer.validated_data["plan"]
        )
        portal = settings.SITE_URL + reverse("billing:portal")
        url = stripe_services.checkout_for_plan(
            client=client,
            plan=plan,
            success_url=f"{portal}?checkout=success",
            cancel_url=f"{portal}?checkout=cancelled",
            coupon_code=serializer.validated_data["coupon_code"],
        )
        return Response(CheckoutSerializer({"checkout_url": url}).data, status=status.HTTP_201_CREATED)


class MyPurchaseQuoteView(TenantAPIView):
    """Check a coupon code for a plan before paying: the price, the discount and the total."""

    tenant_exempt = "Prices a plan of the signed-in client's own organisation for that client only."
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = PurchaseQuoteRequestSerializer

    @extend_schema(
        summary="Check a coupon code for a plan; returns the discounted price",
        description="A code that cannot be used is a 400 whose `errors.coupon_code` says why (unknown, "
        "archived, expired, used up, not for this plan, already used by me). Nothing is reserved.",
        request=PurchaseQuoteRequestSerializer,
        responses={200: PurchaseQuoteSerializer, **ERRORS},
    )
    def create(self, request):
        serializer = PurchaseQuoteRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = request.tenant.client
        plan = get_object_or_404(
            selectors.plans_on_sale(organization=client.organization), public_id=serializer.validated_data["plan"]
        )
        quote = services.quote_coupon(
            organization=client.organization,
            code=serializer.validated_data["coupon_code"],
            client=client,
            plan=plan,
        )
        return Response(PurchaseQuoteSerializer(quote).data)


class MyBillingPortalView(TenantAPIView):
    """Stripe's customer portal for the signed-in client: cards and card invoices."""

    tenant_exempt = "Opens the portal of the signed-in client's own Stripe customer only."
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = UrlSerializer

    @extend_schema(
        summary="Open Stripe's customer portal to manage my cards",
        request=None,
        responses={200: UrlSerializer, **ERRORS},
    )
    def create(self, request):
        url = stripe_services.customer_portal_url(
            client=request.tenant.client, return_url=settings.SITE_URL + reverse("billing:portal")
        )
        return Response(UrlSerializer({"url": url}).data)
