"""``GET /api/manager/audit/`` (managers and admins): the audit log, newest first."""
from __future__ import annotations

from cornice import Service

from core.audit import queries
from core.audit.schemas import AuditEntryOut, AuditQuery
from core.audit.serialize import entry_json
from core.openapi import responds
from core.pagination import paginate
from core.validation import In, validate

audit_svc = Service("manager_audit", "/api/manager/audit/", description="The audit log (managers)")
SERVICES = [audit_svc]


@audit_svc.get(schema=In(querystring=AuditQuery), validators=(validate,), permission="manage")
@responds(200, AuditEntryOut, paginated=True)
def list_entries(request):
    """The audit log, newest first (managers and admins).

    Every staff write and account security event, with its actor, target, changed fields,
    request id and client address; ``?action=`` and ``?actor=`` narrow it."""
    query = request.validated["querystring"]
    action, actor = query.get("action"), query.get("actor")
    return paginate(request, queries.count_entries(request.db, action, actor),
                    lambda offset, limit: queries.page_of_entries(request.db, action, actor, offset, limit),
                    lambda rows: [entry_json(e) for e in rows])
