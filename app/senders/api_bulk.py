"""Items for senders, beyond one item: the list with filters and pages, bulk registration."""
from __future__ import annotations

from typing import Any

from flask import current_app, g, make_response, request, url_for

from app.errors import FieldError, Problem
from app.extensions import db
from app.models.types import utcnow
from app.senders import imports, item_queries
from app.senders.api_models import MAX_BULK_ITEMS, BulkRequest, BulkResult, ImportReport, ItemListQuery, ItemPage
from app.web.api_auth import sender_required
from app.web.apidoc import Answer, operation
from app.web.problems import ApiError, api_blueprint, json_body

bp = api_blueprint("sender_items_api", __name__)


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def _page_links(endpoint: str, page: int, per_page: int, total: int) -> dict:
    args: dict[str, Any] = request.args.to_dict(flat=False)
    args.pop("page", None)
    args["per_page"] = per_page
    last = max(1, -(-total // per_page))
    return {
        "next": url_for(endpoint, page=page + 1, **args) if page < last else None,
        "prev": url_for(endpoint, page=page - 1, **args) if page > 1 else None,
    }


@operation("listItems", tag="Items", summary="List, search and filter your items", auth="sender",
           query=ItemListQuery, answers={200: Answer("OK", ItemPage)}, problems=(422, 401, 403, 429))
@bp.get("/items")
@sender_required
def list_items():
    problem = Problem()
    filters = item_queries.parse_filters(request.args, problem)
    page, per_page = item_queries.parse_page(request.args, problem)
    problem.raise_if_any()
    items, total = item_queries.find_items(db.session, g.sender.id, filters, utcnow(), page=page, per_page=per_page)
    failed = item_queries.failed_alert_item_ids(db.session, [i.id for i in items])
    return {
        "items": [item_queries.summary_data(i, _base_url(), i.id in failed) for i in items],
        "page": page, "per_page": per_page, "total": total,
        **_page_links("sender_items_api.list_items", page, per_page, total),
    }


@operation("registerItemsBulk", tag="Items", summary="Register many items at once: all of them, or none",
           description="Every item is validated like POST /items. If any is invalid or already registered, "
                       "nothing is registered and the 422 answer lists `items[i].field` for each problem.",
           auth="sender", body=BulkRequest,
           answers={201: Answer("All registered", BulkResult, headers={"Location": {"schema": {"type": "string"}}})},
           problems=(400, 413, 422, 401, 403, 429), links={201: {"getImport": {"import_id": "$response.body#/import_id"}}})
@bp.post("/items/bulk")
@sender_required
def register_items_bulk():
    body = json_body()
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise ApiError(422, "Invalid request", "Send {\"items\": [ ... ]} with at least one item.", "validation-error",
                       field="items")
    if len(items) > MAX_BULK_ITEMS:
        raise ApiError(413, "Too many items", f"At most {MAX_BULK_ITEMS} items per request; split the batch.",
                       "too-many-items", field="items")
    rows = list(enumerate(items))
    done = imports.run(imports.bulk_register(db.session, g.sender, rows, now=utcnow(), source="api"))
    report = done.report
    if report is None:
        raise RuntimeError("a finished import has a report")
    if report.status == "rejected":
        raise BulkRejected(report)
    response = make_response({"import_id": report.id, "status": report.status, "registered": report.total_rows,
                              "tracking_numbers": list(done.tracking_numbers)}, 201)
    response.headers["Location"] = url_for("sender_items_api.get_import", import_id=report.id)
    return response


class BulkRejected(ApiError):
    def __init__(self, report):
        super().__init__(422, "Invalid request",
                         f"Nothing was registered: {report.rejected_rows} of {report.total_rows} items are invalid.",
                         "bulk-rejected")
        self.errors = [FieldError("items" if e["field"] == "batch" else f"items[{e['row']}].{e['field']}",
                                  e["message"]) for e in report.errors]


@operation("getImport", tag="Items", summary="The report of a bulk import (API or CSV)", auth="sender",
           answers={200: Answer("OK", ImportReport)}, problems=(404, 401, 403, 429))
@bp.get("/imports/<int(max=2147483647):import_id>")
@sender_required
def get_import(import_id: int):
    report = imports.report_for_sender(db.session, g.sender.id, import_id)
    return imports.report_data(report)
