"""Every schema change is a migration: upgrading from empty gives exactly the models' schema."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from tests.support import required


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_the_database_refuses_a_status_or_outcome_outside_the_vocabulary(app):
    """The migrated schema (CHECK on PostgreSQL, triggers on SQLite) holds even against raw SQL."""
    import pytest
    import sqlalchemy as sa

    from app.extensions import db
    from tests.conftest import tracking_number

    with app.app_context():
        sender = db.session.execute(sa.text("INSERT INTO senders (name, created_at) VALUES ('V', CURRENT_TIMESTAMP) RETURNING id")).scalar()
        db.session.commit()
        insert = sa.text(
            "INSERT INTO items (tracking_number, service, sender_id, recipient_name, address_line1, postal_code, city, "
            "country, language, verify_token, status, created_at) VALUES (:tn, 'pl_registered_letter', :s, 'X', 'Polna 1', "
            "'00-001', 'Warszawa', 'PL', 'pl', :tok, :status, CURRENT_TIMESTAMP)")
        db.session.execute(insert, {"tn": tracking_number(), "s": sender, "tok": "t1", "status": "registered"})
        db.session.commit()
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(insert, {"tn": tracking_number(), "s": sender, "tok": "t2", "status": "lost_in_the_post"})
            db.session.commit()
        db.session.rollback()
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text("UPDATE items SET status = 'lost_in_the_post'"))
            db.session.commit()
        db.session.rollback()


def test_the_database_takes_ukrainian_and_refuses_an_unknown_language(app):
    import pytest
    import sqlalchemy as sa

    from app.extensions import db
    from app.models.subscriptions import Subscriber

    with app.app_context():
        db.session.add(Subscriber(name="Olena", address_line1="ul. Polna 1", postal_code="00-001", city="Warszawa",
                                  address_key="k-uk", language="uk", link_nonce="n-uk"))
        db.session.flush()
        db.session.rollback()
        db.session.add(Subscriber(name="Hans", address_line1="ul. Polna 2", postal_code="00-001", city="Warszawa",
                                  address_key="k-de", language="de", link_nonce="n-de"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_outbox_bodies_are_compressed_with_lz4_on_postgresql(app):
    """A sweep writes thousands of e-mail bodies at once; PostgreSQL compresses them with LZ4 (the
    migration's choice), and a long body reads back exactly as written."""
    required.postgresql_only(app.config["SQLALCHEMY_DATABASE_URI"], "column compression is PostgreSQL's")
    with app.app_context():
        methods = dict(db.session.execute(sa.text(
            "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = 'outbox_messages'::regclass "
            "AND attname IN ('body', 'body_html', 'headers')")).all())
        assert methods == {"body": "l", "body_html": "l", "headers": "l"}
        html = "<p>" + "Przesyłka czeka w punkcie odbioru. " * 300 + "</p>"
        db.session.execute(sa.text(
            "INSERT INTO outbox_messages (channel, purpose, recipient, language, body, body_html, dedupe_key, status,"
            " tries, next_attempt_at, created_at, updated_at, send_key, possibly_duplicate) VALUES ('email', 'test',"
            " 'jan@example.com', 'pl', 'tekst', :html, 'lz4-test', 'queued', 0, now(), now(), now(), 'k', false)"),
            {"html": html})
        stored = db.session.execute(sa.text(
            "SELECT body_html, pg_column_compression(body_html), pg_column_size(body_html) FROM outbox_messages "
            "WHERE dedupe_key = 'lz4-test'")).one()
        assert stored[0] == html
        assert stored[1] == "lz4" and stored[2] < len(html.encode()) // 4
        db.session.rollback()
