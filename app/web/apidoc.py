"""The OpenAPI 3.1 document of /api/v1, generated from the routes and their pydantic models.

Each API view carries an :func:`operation` (its id, summary, the model of its body, the
models of its answers, the problems it may answer); :func:`paths` walks the app's URL map,
so a route under /api/v1 without one stops the document from being built, and every schema
comes from a pydantic model through :func:`pydantic.json_schema.models_json_schema`.

Why not spectree or flask-openapi3: both want to own the view's signature, its error answers
and its authentication, while the API already answers every error as RFC 9457
problem+json from one place (``app.web.problems``), authenticates with its own decorators and
must keep its URLs and error shapes exactly. This module only reads what the views declare;
validation is :func:`validate`, a compiled :class:`pydantic.TypeAdapter` per model, built once
per process, whose errors become the same problem+json naming each field.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from flask import request
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode
from pydantic_core import SchemaValidator

from app.errors import FieldError, ValidationFailed
from app.web.problems import API_PREFIX, MAX_PATH_INTEGER

Q = TypeVar("Q", bound=BaseModel)

PROBLEM_TEXT = {400: "Bad request (e.g. the body is not JSON)", 401: "Missing, unknown or revoked token",
                403: "Wrong kind of token for this endpoint", 404: "Not found (or not yours)",
                409: "Conflict", 413: "Too large", 422: "Invalid data; `errors` names each field",
                429: "Rate limit of this API key exceeded (see Retry-After)"}
SECURITY: dict[str, list[dict[str, list[str]]]] = {"sender": [{"senderKey": []}], "device": [{"deviceToken": []}]}
SECURITY_SCHEMES = {
    "senderKey": {"type": "http", "scheme": "bearer", "description": "A sender's API key (awz_sk_…)"},
    "deviceToken": {"type": "http", "scheme": "bearer", "description": "A carrier device token (awz_dt_…)"},
}
REF = "#/components/schemas/{model}"


class Problem(BaseModel):
    """RFC 9457 problem details; `errors` names each bad field."""

    class FieldProblem(BaseModel):
        field: str
        message: str

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = None


class RequestModel(BaseModel):
    """A request body: strict JSON types (no "5" for 5), unknown fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", hide_input_in_errors=True)


@dataclass(frozen=True)
class Answer:
    """One documented answer: a model (or any type pydantic can describe), or a raw media schema."""

    description: str
    model: Any = None
    media: str = "application/json"
    schema: dict | None = None
    headers: dict | None = None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    tag: str
    answers: dict[int, Answer]
    summary: str | None = None
    description: str | None = None
    auth: str | None = None
    body: Any = None
    body_media: dict[str, dict] | None = None
    problems: tuple[int, ...] = ()
    query: type[BaseModel] | None = None
    parameters: tuple[dict, ...] = ()
    links: dict[int, dict[str, dict[str, str]]] = field(default_factory=dict)


def operation(operation_id: str, **declared) -> Callable:
    """Declare how a view appears in the OpenAPI document (put it above the route decorator)."""
    op = Operation(operation_id, **declared)

    def attach(view):
        view.openapi_operation = op
        return view
    return attach


# -- validation ------------------------------------------------------------------------------

_ADAPTERS: dict[Any, TypeAdapter] = {}
_VALIDATORS: dict[Any, SchemaValidator] = {}


def adapter(model: Any) -> TypeAdapter:
    """The compiled adapter of ``model`` (its validator and JSON Schema), built once per process."""
    found = _ADAPTERS.get(model)
    if found is None:
        found = _ADAPTERS[model] = TypeAdapter(model)
    return found


def validate(model: Any, data: Any, context: dict | None = None) -> Any:
    """``data`` as ``model``; ValidationFailed (422 problem+json) naming each bad field otherwise.

    Calls the compiled pydantic-core validator directly: no schema is built per request."""
    validator = _VALIDATORS.get(model)
    if validator is None:
        validator = _VALIDATORS[model] = cast(SchemaValidator, adapter(model).validator)
    try:
        return validator.validate_python(data, context=context)
    except ValidationError as exc:
        raise ValidationFailed(field_errors(exc)) from None


def query_args(model: type[Q]) -> Q:
    """The query string as ``model`` (the same model the operation documents with ``query=``):
    text is read as numbers where the model says so; ValidationFailed (422 problem+json) names
    each bad parameter. Parameters the model does not know are ignored."""
    data = {name: value for name, value in request.args.items() if name in model.model_fields}
    try:
        return model.model_validate(data, strict=False)
    except ValidationError as exc:
        named: dict[str, str] = {}  # one error per parameter (an optional one is "int | absent")
        for error in exc.errors(include_url=False):
            named.setdefault(str(error["loc"][0]) if error["loc"] else "query", message(cast(dict, error)))
        raise ValidationFailed([FieldError(name, text) for name, text in named.items()]) from None


def field_errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    return [FieldError(field_path(error["loc"], prefix), message(cast(dict, error)))
            for error in exc.errors(include_url=False)]


def field_path(loc: tuple, prefix: str = "") -> str:
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(part, str) and not part.startswith(("function-", "literal[", "nullable[", "union[")):
            path = f"{path}.{part}" if path else part
    return path or "body"


def _one_of(ctx: dict) -> str:
    return ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))


MESSAGES: dict[str, Callable[[dict], str]] = {
    "missing": lambda ctx: "is required",
    "string_type": lambda ctx: "must be a string",
    "int_type": lambda ctx: "must be an integer",
    "float_type": lambda ctx: "must be a number",
    "bool_type": lambda ctx: "must be true or false",
    "model_type": lambda ctx: "must be an object",
    "dict_type": lambda ctx: "must be an object",
    "model_attributes_type": lambda ctx: "must be an object",
    "list_type": lambda ctx: "must be an array",
    "string_too_short": lambda ctx: "is required" if ctx.get("min_length") == 1 else
    f"must be at least {ctx.get('min_length')} characters",
    "string_too_long": lambda ctx: f"must be at most {ctx.get('max_length')} characters",
    "greater_than_equal": lambda ctx: f"must be at least {ctx.get('ge')}",
    "less_than_equal": lambda ctx: f"must be at most {ctx.get('le')}",
    "literal_error": lambda ctx: f"must be one of: {_one_of(ctx)}",
    "string_pattern_mismatch": lambda ctx: "has the wrong format",
    "too_short": lambda ctx: f"must have at least {ctx.get('min_length')} entries",
    "too_long": lambda ctx: f"must have at most {ctx.get('max_length')} entries",
}


def message(error: dict) -> str:
    known = MESSAGES.get(error["type"])
    return known(error.get("ctx") or {}) if known else error["msg"]


# -- the document ----------------------------------------------------------------------------

class _Schemas(GenerateJsonSchema):
    """pydantic's JSON Schema without a title on every property."""

    def field_title_should_be_set(self, schema) -> bool:
        return False

    def default_schema(self, schema):
        """No ``"default": null``: an absent optional field says enough."""
        result = super().default_schema(schema)
        if result.get("default", 0) is None:
            result.pop("default")
        return result


def _converter_schema(converter: str) -> dict:
    if converter == "int":
        return {"type": "integer", "minimum": 0, "maximum": MAX_PATH_INTEGER}
    return {"type": "string"}


PATH_PARAM = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")
PATH_DESCRIPTIONS = {"tracking_number": "UPU S10 item number"}


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema(schema_generator=_Schemas)
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema["properties"].items():
        description = prop.pop("description", None)
        param = {"name": name, "in": "query", "required": name in required, "schema": prop,
                 **({"description": description} if description else {})}
        if prop.get("type") == "array":
            param.update(style="form", explode=True)
        params.append(param)
    return params


@dataclass
class _Models:
    wanted: list[tuple[Any, JsonSchemaMode]] = field(default_factory=list)

    def ref(self, model: Any, mode: JsonSchemaMode) -> dict:
        """A placeholder, resolved once every model is known (``models_json_schema`` names them)."""
        if (model, mode) not in self.wanted:
            self.wanted.append((model, mode))
        return {"$model": (model, mode)}


def _body(op: Operation, models: _Models) -> dict:
    content = {"application/json": {"schema": models.ref(op.body, "validation")}} if op.body is not None else {}
    content.update(op.body_media or {})
    return {"required": True, "content": content}


def _answers(op: Operation, models: _Models) -> dict:
    answers: dict[str, Any] = {}
    for status, answer in op.answers.items():
        item: dict[str, Any] = {"description": answer.description}
        if answer.model is not None:
            item["content"] = {answer.media: {"schema": models.ref(answer.model, "serialization")}}
        elif answer.schema is not None:
            item["content"] = {answer.media: {"schema": answer.schema}}
        if answer.headers:
            item["headers"] = answer.headers
        if status in op.links:
            item["links"] = {f"{name}Link": {"operationId": name, "parameters": parameters}
                             for name, parameters in op.links[status].items()}
        answers[str(status)] = item
    for status in op.problems:
        answers[str(status)] = {"description": PROBLEM_TEXT[status],
                                "content": {"application/problem+json": {"schema": models.ref(Problem, "serialization")}}}
    return answers


def _operation(op: Operation, path_params: list[dict], models: _Models) -> dict:
    doc: dict[str, Any] = {"operationId": op.operation_id, "tags": [op.tag]}
    if op.summary:
        doc["summary"] = op.summary
    if op.description:
        doc["description"] = op.description
    if op.auth:
        doc["security"] = SECURITY[op.auth]
    parameters = [*path_params, *op.parameters, *(_query_parameters(op.query) if op.query else [])]
    if parameters:
        doc["parameters"] = parameters
    if op.body is not None or op.body_media:
        doc["requestBody"] = _body(op, models)
    doc["responses"] = _answers(op, models)
    return doc


def _resolve(value: Any, refs: dict) -> Any:
    if isinstance(value, dict):
        if "$model" in value:
            return refs[value["$model"]]
        return {k: _resolve(v, refs) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, refs) for v in value]
    return value


def build(app, extra_models: tuple[Any, ...] = (), webhooks: dict[str, Operation] | None = None) -> dict:
    """``{"paths", "webhooks", "components"}`` for every /api/v1 route of ``app``."""
    models = _Models()
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(API_PREFIX + "/"):
            continue
        view = app.view_functions[rule.endpoint]
        op = getattr(view, "openapi_operation", None)
        if op is None:
            raise LookupError(f"{rule.rule} ({rule.endpoint}) has no @operation: document it")
        path = PATH_PARAM.sub(r"{\2}", rule.rule[len(API_PREFIX):])
        path_params = [{"name": name, "in": "path", "required": True, "schema": _converter_schema(converter),
                        **({"description": PATH_DESCRIPTIONS[name]} if name in PATH_DESCRIPTIONS else {})}
                       for converter, name in PATH_PARAM.findall(rule.rule)]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(op, path_params, models)
    hooks = {name: {"post": {"summary": op.summary, "requestBody": _body(op, models), "responses": _answers(op, models)}}
             for name, op in (webhooks or {}).items()}
    for model in extra_models:
        models.ref(model, "serialization")
    refs, defs = TypeAdapter.json_schemas([(m, mode, adapter(m)) for m, mode in models.wanted],
                                          ref_template=REF, schema_generator=_Schemas)
    return {"paths": _resolve(paths, refs), "webhooks": _resolve(hooks, refs),
            "components": {"schemas": defs.get("$defs", {}), "securitySchemes": SECURITY_SCHEMES}}
