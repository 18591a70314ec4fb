"""CSV import pages: the documented columns, a template, the upload with progress, the report."""
from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections.abc import Sequence

from flask import Response, redirect, render_template, request, stream_with_context, url_for

from app.accounts.web import login_required, signed_in, signed_in_sender_id
from app.errors import ServiceError
from app.extensions import db
from app.models import ImportReport, Sender
from app.models.types import utcnow
from app.senders import imports
from app.senders.portal import bp
from notices.vocabulary import SENDER_ROLES

MAX_UPLOAD_BYTES = 40 * 1024 * 1024


def _page(error: str | None = None, status: int = 200):
    reports = db.session.scalars(db.select(ImportReport).where(ImportReport.sender_id == signed_in_sender_id())
                                 .order_by(ImportReport.id.desc()).limit(10)).all()
    return render_template("portal/import.html", columns=imports.COLUMNS, reports=reports, error=error), status


@bp.get("/import")
@login_required(*SENDER_ROLES)
def import_csv():
    return _page()


@bp.get("/import/template.csv")
@login_required(*SENDER_ROLES)
def import_template():
    return Response("\ufeff" + imports.template_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="awizo-items-template.csv"'})


@bp.post("/import")
@login_required(*SENDER_ROLES)
def import_upload():
    streaming = "application/x-ndjson" in request.headers.get("Accept", "")
    upload = request.files.get("file")
    size = _size(upload.stream) if upload else 0
    error = None
    if not upload or not upload.filename or not size:
        error = "Wybierz plik CSV. / Choose a CSV file."
    elif size > MAX_UPLOAD_BYTES:
        error = "Plik jest za duży (maks. 40 MB). / The file is too large (max 40 MB)."
    rows: Sequence[tuple[int, object]] = []
    # The rows are read from the file while the import runs, after this view has returned when
    # the progress is streamed: keep the file (on disk past 1 MB) until then.
    spool = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 (closed by whoever reads it last)
    if upload and error is None:
        shutil.copyfileobj(upload.stream, spool)
        spool.seek(0)
        try:
            rows = imports.read_csv(spool)
        except ServiceError as exc:
            error = exc.detail
    if error:
        spool.close()
        if streaming:
            return Response(json.dumps({"phase": "error", "error": error}) + "\n", status=422,
                            mimetype="application/x-ndjson")
        return _page(error, 422)
    user = signed_in()
    steps = imports.bulk_register(db.session, db.session.get_one(Sender, signed_in_sender_id()), rows, now=utcnow(), user_id=user.id,
                                  source="csv", filename=((upload.filename if upload else None) or "")[:200])
    if not streaming:
        with spool:
            report = imports.run(steps).report
        if report is None:
            raise RuntimeError("a finished import has a report")
        return redirect(url_for("portal.import_report", report_id=report.id))

    def progress():
        with spool:
            for step in steps:
                line = {"phase": step.phase, "done": step.done, "total": step.total}
                if step.report is not None:
                    line.update(status=step.report.status, rejected_rows=step.report.rejected_rows,
                                report_url=url_for("portal.import_report", report_id=step.report.id))
                yield json.dumps(line) + "\n"

    return Response(stream_with_context(progress()), mimetype="application/x-ndjson",
                    headers={"X-Accel-Buffering": "no", "Cache-Control": "no-store"})


def _size(stream) -> int:
    """The uploaded file's size (werkzeug spools it to a seekable file); the stream is left at its start."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


@bp.get("/imports/<int(max=2147483647):report_id>")
@login_required(*SENDER_ROLES)
def import_report(report_id: int):
    try:
        report = imports.report_for_sender(db.session, signed_in_sender_id(), report_id)
    except ServiceError:
        return render_template("portal/not_found.html"), 404
    return render_template("portal/import_report.html", report=report)
