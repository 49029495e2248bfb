"""Structured data-quality findings and the exception raised for invalid input."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class DataIssue:
    """One finding about the input.

    ``line`` is the 1-based line of the record in a CSV file (the header is line 1); for
    DataFrames and Parquet files it is the 0-based row position + 2, so that it reads the same as
    the line the row would have in a CSV export. ``0`` means the whole file.
    """

    severity: str
    rule: str
    file: str
    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
        if self.column:
            where += f":{self.column}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class DataError(ValueError):
    """Input failed validation; nothing was loaded.

    ``errors`` lists every problem found (up to the error limit, 100 by default); ``truncated``
    is true when collection stopped at that limit.

    Example
    -------
    >>> import famgraph as fg
    >>> try:
    ...     fg.Dataset.from_csv("broken/")          # doctest: +SKIP
    ... except fg.DataError as e:
    ...     for issue in e.errors:
    ...         print(issue.file, issue.line, issue.column, issue.value)
    """

    def __init__(self, message: str, errors: list[DataIssue], truncated: bool = False) -> None:
        super().__init__(message)
        self.errors: list[DataIssue] = list(errors)
        self.truncated: bool = truncated

    def to_frame(self) -> Any:
        """The errors as a pandas DataFrame (one row per error)."""
        import pandas as pd

        cols = ["severity", "rule", "file", "line", "column", "value", "message"]
        return pd.DataFrame([e.to_dict() for e in self.errors], columns=cols)
