"""The OpenAPI document of the API."""
from app.api import bp


@bp.get("/openapi.json")
def openapi_document():
    return {"openapi": "3.1.0", "info": {"title": "Awizo API", "version": "1"}, "paths": {}}
