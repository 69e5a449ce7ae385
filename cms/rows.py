"""Writing single rows in one statement; no database-specific imports (``cms.db`` imports
``django.contrib.postgres``, which a site on SQLite without psycopg cannot load)."""

from collections.abc import Sequence
from typing import cast

from django.db import connections, router
from django.db.models import Field, Model


def upsert_row(
    model: type[Model],
    values: dict[str, object],
    *,
    unique: Sequence[str],
    update: Sequence[str],
) -> None:
    """``INSERT … ON CONFLICT (unique) DO UPDATE SET update = EXCLUDED.update`` for one row: a
    single statement in autocommit (``bulk_create(update_conflicts=True)`` wraps its statement in
    a transaction of its own: three round trips). PostgreSQL and SQLite (3.24+) both speak it.
    Values as in ``insert_rows`` (foreign keys by their ``_id`` attribute)."""
    connection = connections[router.db_for_write(model)]
    fields = [cast("Field", model._meta.get_field(name)) for name in values]
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(str(cast("Field", model._meta.get_field(name)).column))

    # names come from the model's metadata, quoted by the backend; values are parameters
    sql = "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(str(field.column)) for field in fields),
        ", ".join(["%s"] * len(fields)),
        ", ".join(column(name) for name in unique),
        ", ".join(f"{column(name)} = EXCLUDED.{column(name)}" for name in update),
    )
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
