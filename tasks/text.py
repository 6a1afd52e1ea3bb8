"""Text and number normalisation for what wards type into workbooks.

Sheet names, headers, labels and ward names are compared by a *key*: NFC, without diacritics, case-folded,
whitespace and line breaks collapsed (``"Điểm tự\\nchấm"`` → ``"diem tu cham"``). Numbers become exact
decimals: a float cell is taken as the shortest decimal that round-trips it (``repr``), text is read with a
dot or a decimal comma. Messages take their numbers (``vn_plain``, ``vn_count``) and the words for an
operating-system error (``os_reason``) from here.
"""

from __future__ import annotations

import errno
import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_SPACE = re.compile(r"\s+")
# Unicode's format characters, which take no place on screen: zero-width spaces and joiners, direction marks,
# the soft hyphen, the byte-order mark, tags. Pasted from web pages and chat apps, they are invisible in Excel:
# a code, number or name holding one reads to a person exactly as without it.
_INVISIBLE_CHARS = (
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f"
    "\ufeff\ufff9\ufffa\ufffb\U000e0001" + "".join(chr(c) for c in range(0xE0020, 0xE0080))
)
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")


def visible_only(text: str) -> str:
    """The text without its invisible format characters (``"D\\u200b1"`` → ``"D1"``)."""
    return text if text.isascii() else _INVISIBLE.sub("", text)


def nfc(text: str) -> str:
    """The text in Unicode NFC without invisible format characters, surrounding spaces stripped."""
    return unicodedata.normalize("NFC", visible_only(text)).strip()


_NOT_KEY = re.compile(r"[^a-z0-9]")


def key(text: object) -> str:
    """Compact comparison key: folded, letters and digits only (sheet names, headers, ward names)."""
    if isinstance(text, str):
        return _text_key(text)
    return _NOT_KEY.sub("", fold(text))


@lru_cache(maxsize=1 << 14)
def _text_key(text: str) -> str:
    """``key`` of a text, remembered: the same headers and labels come back in every ward's file."""
    return _NOT_KEY.sub("", fold(text))


def without_marks(text: str) -> str:
    """The text without diacritics, case kept: ``"Nam Cường"`` → ``"Nam Cuong"``, ``"Đ"`` → ``"D"``."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D")


def fold(text: object) -> str:
    """Comparison key: no diacritics (đ → d), lower case, single spaces."""
    if text is None:
        return ""
    return _SPACE.sub(" ", without_marks(visible_only(str(text)))).strip().casefold()


def shown(value: object) -> str | None:
    """A cell value as a person reads it in Excel, for messages (None for an empty cell).

    A logical cell reads ``TRUE``/``FALSE``; a number of more than 15 digits, or a tiny one, in Excel's
    scientific form (``1E+308``, never its 309 digits); a date as ``dd/mm/yyyy`` (with ``hh:mm`` when it holds a
    time, never ISO's ``2025-03-01 08:30:00``); a time (what a date cell holding no date reads as) as ``hh:mm``.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _scientific(value) or _digits(value)
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M:%S" if value.second else "%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return visible(nfc(str(value)))


def _digits(value: float) -> str:
    """A number as Excel shows it at full precision, in digits (``78.7``, ``8``, ``0.00001``; never ``1e-05``)."""
    if value != value or value in (float("inf"), float("-inf")):
        return repr(value)
    if value.is_integer():
        return str(int(value))
    text = excel_digits(value)
    return format(Decimal(text), "f") if "e" in text else text


def _scientific(value: float) -> str | None:
    """Excel's scientific form of a number too large (15 digits and more) or too small to show in digits."""
    size = abs(value)
    if size != size or size in (0.0, float("inf")) or 1e-9 <= size < 1e15:
        return None
    mantissa, exponent = format(value, ".14E").split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E{int(exponent):+03d}"


# Control characters a ward's text may hold (typed, pasted or planted): a terminal would act on them (colours,
# a bell, a moved cursor, a rewritten title). Line breaks and tabs are text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with its control characters written out (``\\x1b``), safe to print on a terminal or in a cell."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


EXCEL_SHEET_NAME_LIMIT = 31  # the longest sheet name Excel lets a person type


def short_sheet(name: str) -> str:
    """A sheet name for a message: in full when Excel could have written it (31 characters at most), else cut with
    an ellipsis, so that a hand-made workbook's 16,000-character name cannot bury the message. The issue's
    ``sheet`` field keeps the name as written."""
    return name if len(name) <= EXCEL_SHEET_NAME_LIMIT else name[: EXCEL_SHEET_NAME_LIMIT - 1] + "…"


def typed(value: object) -> str | None:
    """A cell value as the ward typed it, for messages: numbers in Vietnamese writing, text as written.

    A number cell shows as a Vietnamese reader types it (``2,25``; ``8``, never ``8.0``); a text cell, even
    one holding ``4.5``, is quoted exactly.
    """
    text = shown(value)
    return text.replace(".", ",") if isinstance(value, float) and text is not None else text


def vn_plain(value: Decimal | int) -> str:
    """A number as Vietnamese readers write it: decimal comma, no thousands separator, no trailing zeros
    (``Decimal("0.50")`` → ``0,5``, ``Decimal("15")`` → ``15``)."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def vn_count(value: int) -> str:
    """A whole number with Vietnamese thousands separators: ``1073785166`` → ``1.073.785.166``."""
    return f"{value:,}".replace(",", ".")


def month_label(period: str) -> str:
    """``2025-12`` → ``12/2025``: a month as Vietnamese readers write it."""
    year, _, month = period.partition("-")
    return f"{month}/{year}" if month else period


def number_text(value: Decimal | None) -> str | None:
    """:func:`vn_plain`, or None for no value."""
    return None if value is None else vn_plain(value)


def is_blank(value: object) -> bool:
    """An empty cell or one holding only spaces (and invisible characters)."""
    return value is None or (isinstance(value, str) and not visible_only(value).strip())


_NUMBER_TEXT = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$")


def excel_digits(value: float) -> str:
    """A float as Excel shows it at full precision: the shortest repr, rounded to 15 significant digits.

    ``78.7`` stays ``78.7``; a formula result stored as ``4.949999999999999`` (15 nines of float noise) is
    ``4.95``, what the ward sees in the cell.
    """
    text = repr(value)
    digits = len(re.sub(r"[^0-9]", "", text.split("e")[0]).lstrip("0"))
    return text if digits <= 15 else format(Decimal(format(value, ".15g")).normalize(), "f")


def to_decimal(value: object) -> Decimal | None:
    """The exact decimal a cell holds, or None when it is not a number.

    Floats use the shortest round-tripping repr (78.7 stays 78.7). Text accepts a dot or a decimal comma and
    spaces used as thousands separators (``"1 250,5"``); anything else (``"tốt"``, ``"x"``) is not a number.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(excel_digits(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        text = re.sub(r"[\s\u00a0\u202f]", "", nfc(value)).rstrip("%")
        if not _NUMBER_TEXT.match(text):
            return None
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:
            return None
    return None


def decimals(number: Decimal) -> int:
    """How many decimal places the number is written with (7.50 counts as 1: trailing zeros do not count)."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


_CODE = re.compile(r"^[A-Za-z]*\d+(\.\d+)*$")


# Letters of any script: a code written with a look-alike letter (Cyrillic ``Т1``) is a code the catalogue does
# not know (an error when the line has a value), never a heading skipped in silence.
_CODE_SHAPE = re.compile(r"^[^\W\d_]{0,3}\d+(\.\d+)*$")


def code_shaped(code: str | None) -> bool:
    """Whether ``code`` (from ``criterion_code``) is shaped like a code: up to 3 letters, then digits (``1.1``,
    ``T1``, ``CT01``), and not a heading, a total or a note."""
    return code is not None and _CODE_SHAPE.match(code) is not None


def criterion_code(value: object) -> str | None:
    """A criterion / indicator / T-D code as the catalogue writes it, or None for an empty cell.

    Accepts ``1.1`` stored as a number, a group number ``2`` stored as ``2.0``, a trailing dot (``"1.1."``),
    a decimal comma typed as text (``"1,1"``), lower case (``"ct01"`` → ``"CT01"``), and the letters and digits
    a person reads in it: full-width or styled ones (``"Ｄ1"``, ``"𝐃1"``, NFKC) and invisible characters left
    out (``"D\\u200b1"``), so that no line reads as a code to the auditor but as a heading to the pipeline.
    """
    if is_blank(value):
        return None
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else excel_digits(value)
    elif isinstance(value, int):
        text = str(value)
    else:
        text = unicodedata.normalize("NFKC", nfc(str(value))).replace(" ", "").rstrip(".")
        if re.fullmatch(r"[0-9]+(,[0-9]+)+", text):
            text = text.replace(",", ".")  # 1,1 typed as text in a decimal-comma locale
    text = text.upper()
    return text if _CODE.match(text) else nfc(str(value))


def strip_ward_prefix(text: str) -> str:
    """Remove the administrative prefix from a ward name (``Phường``, ``P.``, ``phuong``)."""
    key = fold(text)
    for prefix in ("phuong ", "p. ", "p.", "p "):
        if key.startswith(prefix):
            return key[len(prefix) :].strip()
    return key


OS_REASONS = {  # the operating system's own words are English; the usual ones, in Vietnamese
    errno.ENOENT: "không có tệp hay thư mục này",
    errno.ENOTDIR: "một phần của đường dẫn là tệp, không phải thư mục",
    errno.EISDIR: "đây là thư mục, không phải tệp",
    errno.EEXIST: "đã có tệp trùng tên",
    errno.EIO: "lỗi thiết bị lưu trữ",
    errno.EMFILE: "mở quá nhiều tệp cùng lúc",
    errno.ENAMETOOLONG: "tên tệp hoặc đường dẫn quá dài",
    errno.ENOMEM: "không đủ bộ nhớ",
    errno.EPIPE: "đầu bên kia đã đóng kết nối",
    errno.ECONNREFUSED: "máy bên kia từ chối kết nối",
    errno.EADDRINUSE: "cổng đã có chương trình khác dùng",
    errno.EADDRNOTAVAIL: "địa chỉ không phải của máy này",
    errno.EXDEV: "không chuyển được tệp sang ổ đĩa khác",
}


def os_reason(exc: OSError) -> str:
    """What went wrong, in Vietnamese: the usual errors in words, any other by its system code (``ENOTCONN``)."""
    if exc.errno in OS_REASONS:
        return OS_REASONS[exc.errno]
    code = errno.errorcode.get(exc.errno or 0)
    return f"lỗi hệ thống {code}" if code else "lỗi hệ thống"
