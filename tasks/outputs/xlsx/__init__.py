"""XLSX outputs for people: the ranking table, the monthly standing and their shared look."""

from tasks.outputs.xlsx.ranking import write_ranking_xlsx
from tasks.outputs.xlsx.standing import write_standing_xlsx

__all__ = ["write_ranking_xlsx", "write_standing_xlsx"]
