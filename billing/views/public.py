"""Pages and endpoints without a login: what a payment link opens, and Stripe's signed webhook."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from mecto.branding import brand_for
from mecto.errors import DomainError
from mecto.language import speak_for
from mecto.localization import format_money

from .. import pdf, selectors, services, stripe_services, webhooks
from ..models import PaymentLink
from ._common import _pdf_response


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(View):
    """Stripe's events for every connected account: signed, stored once, applied once."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            data = webhooks.verify(request.body, request.headers.get("Stripe-Signature"))
        except webhooks.InvalidWebhook:
            return JsonResponse({"detail": "Invalid signature or payload.", "errors": {}}, status=400)
        event = webhooks.record(data)
        webhooks.process(event.pk)
        return JsonResponse({"received": True})


class PayView(View):
    """What a payment link opens: the invoice or plan, and a button to pay by card."""

    def _link(self, token) -> PaymentLink:
        link = selectors.payment_link_for_token(token)
        if link is None or not link.organization.is_active:
            raise Http404
        speak_for(self.request, link.organization, client_id=link.client_id)
        return link

    def _context(self, link, token):
        row = services.billing_settings(link.organization)
        usable = link.revoked_at is None and link.expires_at > timezone.now()
        brand = brand_for(link.organization)
        return {
            "link": link,
            "token": token,
            "seller": selectors.seller_lines(organization=link.organization, brand_name=brand.name),
            "invoice": link.invoice,
            "plan": link.plan,
            "status": link.status,
            "usable": usable,
            "takes_card_payments": row.takes_card_payments,
            "footer": row.invoice_footer,
            "amount": format_money(link.invoice.amount_due_minor, link.invoice.currency) if link.invoice else "",
            "brand": brand,
        }

    def get(self, request, token):
        link = self._link(token)
        services.mark_link_opened(link)
        return render(request, "billing/pay.html", self._context(link, token))

    def post(self, request, token):
        link = self._link(token)
        context = self._context(link, token)
        if not context["usable"] or context["status"] == "paid":
            return render(request, "billing/pay.html", context, status=400)
        success = settings.SITE_URL + reverse("billing:pay_done", args=[token])
        cancel = settings.SITE_URL + reverse("billing:pay", args=[token])
        try:
            if link.invoice_id:
                url = stripe_services.checkout_for_invoice(
                    invoice=link.invoice, success_url=success, cancel_url=cancel, payment_link=link
                )
            else:
                url = stripe_services.checkout_for_plan(
                    client=link.client, plan=link.plan, success_url=success, cancel_url=cancel, payment_link=link
                )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "billing/pay.html", context, status=400)
        return redirect(url)


class PayPdfView(View):
    """The invoice of a payment link as a PDF, while the link works (no login)."""

    def get(self, request, token):
        link = selectors.payment_link_for_token(token)
        if (
            link is None
            or not link.organization.is_active
            or not link.invoice_id
            or link.revoked_at is not None
            or link.expires_at <= timezone.now()
        ):
            raise Http404
        invoice = selectors.invoice_detail_queryset(organization=link.organization).get(pk=link.invoice_id)
        return _pdf_response(pdf.invoice_pdf(invoice), f"{invoice.number}.pdf")


class PayDoneView(View):
    def get(self, request, token):
        link = selectors.payment_link_for_token(token)
        if link is None:
            raise Http404
        return render(request, "billing/pay_done.html", {"link": link, "brand": brand_for(link.organization)})
