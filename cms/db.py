"""Database helpers both plugins may use."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Func


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
