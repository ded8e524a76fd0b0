"""Reading and writing data: long and yearbook tables in, tables/JSON/figures out."""

from gmindex.io.readers import (
    DataWarning,
    ReadReport,
    read_long,
    read_long_with_report,
    read_wide,
    read_wide_with_report,
)
from gmindex.io.writers import save_figure, to_wide, write_json, write_table

__all__ = [
    "DataWarning",
    "ReadReport",
    "read_long",
    "read_long_with_report",
    "read_wide",
    "read_wide_with_report",
    "save_figure",
    "to_wide",
    "write_json",
    "write_table",
]
