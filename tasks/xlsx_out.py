"""Writers of the XLSX files people read: ``ranking.xlsx`` (annual review) and ``standing.xlsx`` (monthly).

Pure functions returning bytes; the caller writes them to the run folder. The implementation lives in
:mod:`tasks.xlsx`.
"""

from tasks.xlsx.ranking import NOMINATION_TEXT, STATUS_TEXT, write_ranking_xlsx
from tasks.xlsx.standing import REPORT_STATUS_TEXT, write_standing_xlsx

__all__ = [
    "NOMINATION_TEXT",
    "REPORT_STATUS_TEXT",
    "STATUS_TEXT",
    "write_ranking_xlsx",
    "write_standing_xlsx",
]
