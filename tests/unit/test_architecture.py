"""The layout holds: a framework-free core, areas that depend one way, no import cycles.

The import-linter contracts (pyproject.toml, run by ``make lint``) check the layering; these
tests check what a contract cannot: no cycle between any two modules, imports inside functions
included, no module over 400 lines, and nothing in ``notices/`` that needs a framework.
"""
import ast
import re
from pathlib import Path
from typing import ClassVar

import grimp

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"flask", "sqlalchemy", "twilio", "apscheduler", "app", "flask_sqlalchemy", "flask_migrate"}
NOTICES = ROOT / "notices"
MAX_LINES = 400


def test_notices_imports_no_framework_and_nothing_from_app():
    offenders = []
    for path in NOTICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in modules:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph.modules:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles_even_through_imports_inside_functions():
    graph = grimp.build_graph("app", "notices", exclude_type_checking_imports=True)  # typing-only: no cycle at run time
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    class Graph:
        modules: ClassVar[set[str]] = {"a", "b", "c", "d"}
        edges: ClassVar[dict[str, set[str]]] = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, module):
            return self.edges.get(module, set())

    assert _cycles(Graph()) == [["a", "b", "c"]]


def test_no_module_over_400_lines():
    long = [f"{p.relative_to(ROOT)}: {n}" for p in [*ROOT.glob("app/**/*.py"), *ROOT.glob("notices/**/*.py")]
            if (n := len(p.read_text().splitlines())) > MAX_LINES]
    assert long == []


def test_every_status_the_vocabulary_knows_has_words_on_the_proof():
    from notices import proof
    from notices.vocabulary import ItemStatus, MessageStatus

    assert set(proof.ITEM_STATUSES) == {s.value for s in ItemStatus}
    assert set(proof.STATUSES) == {s.value for s in MessageStatus}


def test_no_hand_written_language_pairs_come_back():
    """Texts go through the gettext catalogs: no ``tr(pl, en)`` helper calls in code or templates."""
    pair_call = re.compile(r"(?<![\w.])tr\(")
    found = [f"{path.relative_to(ROOT)}:{n}" for path in [*ROOT.glob("app/**/*.py"), *ROOT.glob("notices/**/*.py"),
                                                          *ROOT.glob("app/**/*.html")]
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pair_call.search(line)]
    assert found == []


def test_no_text_is_chosen_by_comparing_the_language():
    """Wording comes from the catalogs; a ``lang == "en"`` branch would bypass them (and Ukrainian)."""
    branch = re.compile(r"""(?<![\w.])(lang|language)\s*[!=]=\s*['"](pl|en)['"]|language_or_default\([^)]*\)\s*[!=]=""")
    sources = [*ROOT.glob("app/**/*.py"), *ROOT.glob("notices/**/*.py"), *ROOT.glob("app/**/*.html")]
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sources if path.name != "i18n.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if branch.search(line)]
    assert found == []


# -- settings are handed down, not reached for ----------------------------------------------
#
# Only the edges of the application read the app's configuration (``current_app.config``):
# - modules that define request handlers (a blueprint's routes or request hooks) or CLI commands,
#   found by their decorators;
# - the scheduled jobs and the processes that run them (``jobs.py``, ``worker.py``, ``scheduler.py``);
# - ``app/__init__.py`` (``create_app``: the wiring hands hooks the settings they need);
# - request-time web plumbing named below: a view decorator and the rate-limit callbacks, which
#   Flask and Flask-Limiter call while a request is handled.
# Everything else (use cases, queries, renderers) takes what it needs as arguments, so it works
# the same inside and outside a request.
ENTRY_DECORATORS = {
    "route", "get", "post", "put", "patch", "delete",                          # request handlers
    "before_request", "before_app_request", "after_request", "app_context_processor", "context_processor",
    "errorhandler", "app_errorhandler",
    "command", "group",                                                        # CLI commands
}
ENTRY_MODULES = {"jobs.py", "worker.py", "scheduler.py"}  # the scheduled jobs and the processes running them
REQUEST_PLUMBING = {
    "app/web/api_auth.py",   # legal_event_device_required: a view decorator (REQUIRE_SIGNED_DEVICES)
    "app/web/ratelimit.py",  # login_limit / api_limit: called by Flask-Limiter on each request
}


def _decorator_name(node: ast.expr) -> str | None:
    target = node.func if isinstance(node, ast.Call) else node
    return target.attr if isinstance(target, ast.Attribute) else None


def is_entry_point(path: Path, tree: ast.Module) -> bool:
    if path.name in ENTRY_MODULES or path == ROOT / "app" / "__init__.py":
        return True
    if path.is_relative_to(ROOT) and str(path.relative_to(ROOT)) in REQUEST_PLUMBING:
        return True
    return any(_decorator_name(d) in ENTRY_DECORATORS for node in ast.walk(tree)
               if isinstance(node, ast.FunctionDef) for d in node.decorator_list)


def reads_app_config(tree: ast.Module) -> list[int]:
    """Lines with ``current_app.config`` (also ``(app or current_app).config`` and the like)."""
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "config"
            and any(isinstance(n, ast.Name) and n.id == "current_app" for n in ast.walk(node.value))]


def test_only_views_cli_commands_and_jobs_read_the_app_config():
    offenders = []
    for path in sorted(ROOT.glob("app/**/*.py")):
        tree = ast.parse(path.read_text(), str(path))
        if not is_entry_point(path, tree):
            offenders += [f"{path.relative_to(ROOT)}:{line}" for line in reads_app_config(tree)]
    assert offenders == []


def test_the_config_check_tells_a_service_from_a_view():
    service = ast.parse("from flask import current_app\ndef tz():\n    return current_app.config['OPERATOR_TIMEZONE']\n")
    wrapped = ast.parse("def cfg(app=None):\n    return (app or current_app).config\n")
    view = ast.parse("@bp.get('/x')\ndef x():\n    return current_app.config['PUBLIC_BASE_URL']\n")
    command = ast.parse("@group.command('run')\ndef run():\n    return current_app.config\n")
    assert reads_app_config(service) == [3] and reads_app_config(wrapped) == [2]
    assert not is_entry_point(ROOT / "app" / "x" / "service.py", service)
    assert is_entry_point(ROOT / "app" / "x" / "views.py", view)
    assert is_entry_point(ROOT / "app" / "x" / "cli.py", command)
    assert is_entry_point(ROOT / "app" / "x" / "jobs.py", service)


def _form_reads(tree: ast.AST) -> list[int]:
    """Lines that touch ``request.form`` other than handing it whole to a signature check."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "form"
                and isinstance(node.value, ast.Name) and node.value.id == "request"):
            continue
        parent = parents.get(node)
        signature_check = (isinstance(parent, ast.Call) and node in parent.args
                           and isinstance(parent.func, ast.Attribute) and parent.func.attr == "validate")
        if not signature_check:
            lines.append(node.lineno)
    return sorted(lines)


def test_html_forms_are_read_only_through_form_classes():
    """Every posted form goes through a Flask-WTF class (app/*/forms.py): no view reads request.form
    itself (``.get``, ``[...]``, ``.getlist``, or the whole of it), except Twilio's signature check,
    which must see every posted parameter."""
    offenders = [f"{path.relative_to(ROOT)}:{line}" for path in sorted((ROOT / "app").rglob("*.py"))
                 for line in _form_reads(ast.parse(path.read_text(), str(path)))]
    assert offenders == []


def test_the_form_check_catches_each_way_of_reading_a_form():
    source = ("a = request.form.get('x')\nb = request.form['x']\nc = request.form.getlist('x')\nform = request.form\n"
              "ok = RequestValidator(token).validate(url, request.form, signature)\n")
    assert _form_reads(ast.parse(source)) == [1, 2, 3, 4]
