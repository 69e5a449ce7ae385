"""CSV downloads that open correctly in spreadsheet programs and cannot smuggle formulas."""

import csv

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Spreadsheet programs execute cells starting with = + - @; defuse text that does."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


class CsvDownload:
    """A UTF-8 (with BOM, so umlauts survive Excel) semicolon-separated attachment."""

    def __init__(self, filename: str):
        self.response = HttpResponse(content_type="text/csv; charset=utf-8")
        self.response["Content-Disposition"] = f'attachment; filename="{filename}"'
        self.response.write("\ufeff")
        self._writer = csv.writer(self.response, delimiter=";")

    def row(self, values) -> None:
        self._writer.writerow([safe_cell(value) for value in values])
