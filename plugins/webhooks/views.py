"""The /api/webhooks/ services (docs/api.md › Outbound webhooks), for managers and admins.

Thin views: validate, call one function of :mod:`plugins.webhooks.endpoints`, serialize.
"""
from __future__ import annotations

from cornice import Service
from pyramid.response import Response
from sqlalchemy import func, select

from core import audit
from core.openapi import responds
from core.pagination import paginate
from core.validation import In, validate
from plugins.webhooks import endpoints
from plugins.webhooks.models import WebhookDelivery, WebhookEndpoint
from plugins.webhooks.schemas import (
    WebhookDeliveryOut,
    WebhookDeliveryPath,
    WebhookDeliveryQuery,
    WebhookEndpointIn,
    WebhookEndpointOut,
    WebhookEndpointPatchIn,
    WebhookEndpointPath,
    WebhookEndpointWithSecretOut,
    WebhookListQuery,
)
from plugins.webhooks.serialize import deliveries_json, endpoint_json
from plugins.webhooks.settings import delivery_config

endpoints_svc = Service("webhooks_endpoints", "/api/webhooks/", description="Webhook endpoints (managers)")
endpoint_svc = Service("webhooks_endpoint", "/api/webhooks/{id}/", description="One webhook endpoint")
rotate_svc = Service("webhooks_rotate_secret", "/api/webhooks/{id}/rotate-secret/",
                     description="Replace an endpoint's signing secret")
ping_svc = Service("webhooks_ping", "/api/webhooks/{id}/ping/", description="Send a ping event to an endpoint")
deliveries_svc = Service("webhooks_deliveries", "/api/webhooks/{id}/deliveries/",
                         description="An endpoint's delivery log")
redeliver_svc = Service("webhooks_redeliver", "/api/webhooks/deliveries/{id}/redeliver/",
                        description="Attempt a delivery again")
SERVICES = [endpoints_svc, endpoint_svc, rotate_svc, ping_svc, deliveries_svc, redeliver_svc]


AUDITED = ("url", "events", "description", "is_active")  # never the secret


def _config(request):
    return delivery_config(request.settings)


def _one_delivery(request, delivery) -> dict:
    return deliveries_json(request.db, [delivery])[0]


@endpoints_svc.get(schema=In(querystring=WebhookListQuery), validators=(validate,), permission="manage")
@responds(200, WebhookEndpointOut, paginated=True)
def list_endpoints(request):
    """Every endpoint, oldest first (secrets are never listed)."""
    count = request.db.scalar(select(func.count(WebhookEndpoint.id)))
    return paginate(request, count, lambda offset, limit: request.db.execute(
        select(WebhookEndpoint).order_by(WebhookEndpoint.id).offset(offset).limit(limit)).scalars().all(),
        lambda rows: [endpoint_json(e) for e in rows])


@endpoints_svc.post(schema=In(body=WebhookEndpointIn), validators=(validate,), permission="manage")
@responds(201, WebhookEndpointWithSecretOut, description="The endpoint with its secret (shown only now)")
def create_endpoint(request):
    """Subscribe a URL to events; the answer carries the signing secret, shown only here."""
    body = request.validated["body"]
    endpoint = endpoints.create(request.db, _config(request), url=body["url"], event_types=body["events"],
                                description=body["description"], is_active=body["is_active"],
                                created_by=request.user.id)
    audit.record_request(request, "webhook.created", ("webhook_endpoint", endpoint.id), audit.snapshot(endpoint, *AUDITED))
    request.response.status = 201
    return endpoint_json(endpoint, with_secret=True)


@endpoint_svc.get(schema=In(path=WebhookEndpointPath), validators=(validate,), permission="manage")
@responds(200, WebhookEndpointOut)
def get_endpoint(request):
    """One endpoint, without its secret."""
    return endpoint_json(endpoints.get(request.db, request.validated["path"]["id"]))


@endpoint_svc.patch(schema=In(path=WebhookEndpointPath, body=WebhookEndpointPatchIn), validators=(validate,),
                    permission="manage")
@responds(200, WebhookEndpointOut)
def change_endpoint(request):
    """Change what the body names: url (checked again), events, description, is_active."""
    endpoint = endpoints.get(request.db, request.validated["path"]["id"], lock=True)
    before = audit.snapshot(endpoint, *AUDITED)
    endpoint = endpoints.update(request.db, _config(request), endpoint, request.validated["body"])
    audit.record_request(request, "webhook.updated", ("webhook_endpoint", endpoint.id), audit.diff(before,
                         audit.snapshot(endpoint, *AUDITED)))
    return endpoint_json(endpoint)


@endpoint_svc.delete(schema=In(path=WebhookEndpointPath), validators=(validate,), permission="manage")
@responds(204, None)
def delete_endpoint(request):
    """Remove the endpoint with its deliveries and their log."""
    endpoint = endpoints.get(request.db, request.validated["path"]["id"], lock=True)
    audit.record_request(request, "webhook.deleted", ("webhook_endpoint", endpoint.id), {"url": endpoint.url})
    endpoints.remove(request.db, endpoint)
    return Response(status=204)


@rotate_svc.post(schema=In(path=WebhookEndpointPath), validators=(validate,), permission="manage")
@responds(200, WebhookEndpointWithSecretOut, description="The endpoint with its new secret (shown only now)")
def rotate_secret(request):
    """A new secret; attempts from now on are signed with it only."""
    endpoint = endpoints.get(request.db, request.validated["path"]["id"], lock=True)
    audit.record_request(request, "webhook.secret_rotated", ("webhook_endpoint", endpoint.id))
    return endpoint_json(endpoints.rotate_secret(request.db, endpoint), with_secret=True)


@ping_svc.post(schema=In(path=WebhookEndpointPath), validators=(validate,), permission="manage")
@responds(202, WebhookDeliveryOut, description="The ping's delivery, queued for the worker")
def ping_endpoint(request):
    """Queue a ``ping`` event for this endpoint only; an inactive endpoint → 409."""
    delivery = endpoints.ping(request.db, endpoints.get(request.db, request.validated["path"]["id"]))
    audit.record_request(request, "webhook.pinged", ("webhook_endpoint", delivery.endpoint_id), {"delivery_id": delivery.id})
    request.response.status = 202
    return _one_delivery(request, delivery)


@deliveries_svc.get(schema=In(path=WebhookEndpointPath, querystring=WebhookDeliveryQuery), validators=(validate,),
                    permission="manage")
@responds(200, WebhookDeliveryOut, paginated=True)
def list_deliveries(request):
    """The endpoint's deliveries, newest first, each with its attempt log; ``?status=``."""
    endpoint = endpoints.get(request.db, request.validated["path"]["id"])
    where = [WebhookDelivery.endpoint_id == endpoint.id]
    status = request.validated["querystring"].get("status")
    if status:
        where.append(WebhookDelivery.status == status)
    count = request.db.scalar(select(func.count(WebhookDelivery.id)).where(*where))
    return paginate(request, count, lambda offset, limit: request.db.execute(
        select(WebhookDelivery).where(*where).order_by(WebhookDelivery.id.desc()).offset(offset).limit(limit)
    ).scalars().all(), lambda rows: deliveries_json(request.db, list(rows)))


@redeliver_svc.post(schema=In(path=WebhookDeliveryPath), validators=(validate,), permission="manage")
@responds(202, WebhookDeliveryOut, description="The delivery, due again now with a fresh retry schedule")
def redeliver(request):
    """Attempt the delivery again (same webhook-id); an attempt in flight → 409."""
    delivery = endpoints.get_delivery(request.db, request.validated["path"]["id"], lock=True)
    audit.record_request(request, "webhook.redelivered", ("webhook_delivery", delivery.id), {"endpoint_id": delivery.endpoint_id})
    request.response.status = 202
    return _one_delivery(request, endpoints.redeliver(request.db, delivery))
