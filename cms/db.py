"""Database helpers both plugins may use."""

from collections.abc import Iterable, Sequence
from typing import cast

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Field, Func, Model


class TsTzRange(Func):
    """``tstzrange(start, end, '[)')`` for exclusion constraints over two datetime columns."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint declared on the model and enforced by PostgreSQL.

    Other databases cannot express it: there the constraint creates no SQL and model validation
    skips it, and the service that writes the rows re-checks inside an immediate (write-locked)
    transaction instead. On PostgreSQL it behaves exactly like ``ExclusionConstraint``."""

    @staticmethod
    def _postgres(schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return (
            super().constraint_sql(model, schema_editor) if self._postgres(schema_editor) else None
        )

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Insert plain rows (values in the order of ``fields``, foreign keys by their ``_id``
    attribute) with one ``INSERT`` statement executed for all of them, and return their number.

    One query whatever the number of rows: ``bulk_create`` splits its INSERT into batches by
    the database's parameter limit (999 on SQLite with Django 5.2), so its query count grows
    with the rows. Values go through each field's ``get_db_prep_save`` as with the ORM (JSON
    is encoded, dates adapted). No model instances, no signals, no primary keys returned:
    for write-once rows such as a matching run's proposals."""
    connection = connections[router.db_for_write(model)]
    model_fields = [model._meta.get_field(name) for name in fields]
    if not all(isinstance(field, Field) for field in model_fields):
        raise ValueError("insert_rows takes concrete fields only")
    concrete = cast("list[Field]", model_fields)
    quote = connection.ops.quote_name
    # names come from the model's metadata, quoted by the backend; values are parameters
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(str(field.column)) for field in concrete),
        ", ".join(["%s"] * len(model_fields)),
    )
    prepared = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(concrete, row, strict=True)
        ]
        for row in rows
    ]
    if prepared:
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)
    return len(prepared)
