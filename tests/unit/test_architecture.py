"""The framework-free core stays framework-free."""
import ast
from pathlib import Path

FORBIDDEN = {"flask", "sqlalchemy", "twilio", "apscheduler", "app", "flask_sqlalchemy", "flask_migrate"}
NOTICES = Path(__file__).resolve().parents[2] / "notices"


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
