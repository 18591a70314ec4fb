"""Extensions, created unbound and bound to the app in ``create_app``."""
from typing import TYPE_CHECKING, cast

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Session

# Named constraints, so migrations (and SQLite batch rebuilds) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


if TYPE_CHECKING:
    class _ScopedSession(Session):
        """The request-scoped session: every method of the Session it wraps, and ``remove``."""

        def remove(self) -> None: ...

    class _Database(SQLAlchemy):
        # Services take a Session; the scoped session forwards each of its methods, so that is
        # what type checkers are told they get.
        session: _ScopedSession  # type: ignore[assignment]


db = cast("_Database", SQLAlchemy(model_class=Base))

if TYPE_CHECKING:
    Model = Base  # what the models really derive from (db.Model adds Flask-SQLAlchemy's query helpers)
else:
    Model = db.Model
migrate = Migrate()
csrf = CSRFProtect()
