"""Checks for the contact details a customer leaves with a consultation request: Korean phone numbers (mobile and
landline, +82 accepted) normalised to one written form, a name, a free-text preferred time; and the masked form
staff see until they open a request."""
from __future__ import annotations

import re
import unicodedata

from core.errors import ConsultFieldInvalid

MAX_NAME, MAX_PREFERRED_TIME = 40, 60
_SEPARATORS = re.compile(r"[\s\-.()]")
_AREA_CODES = {"031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054", "055",
               "061", "062", "063", "064"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def normalise_phone(raw) -> str:
    """'+82 10 1234 5678', '01012345678' -> '010-1234-5678'; '0212345678' -> '02-1234-5678'. Anything else is refused."""
    if not isinstance(raw, str) or len(raw) > 32:
        raise _bad_phone()
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw).strip())
    if digits.startswith("+82"):
        digits = "0" + digits[3:].removeprefix("0")  # '+82 (0)10 ...' is written too
    elif digits.startswith("0082"):
        digits = "0" + digits[4:].removeprefix("0")
    if not digits.isascii() or not digits.isdigit():
        raise _bad_phone()
    if re.fullmatch(r"010\d{8}", digits) or re.fullmatch(r"01[16789]\d{7,8}", digits):
        return f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}"
    if re.fullmatch(r"02\d{7,8}", digits):
        return f"02-{digits[2:-4]}-{digits[-4:]}"
    if digits[:3] in _AREA_CODES and re.fullmatch(r"\d{10,11}", digits):
        return f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}"
    raise _bad_phone()


def mask_phone(phone: str) -> str:
    """'010-1234-5678' -> '010-****-5678': the area or carrier code and the last four digits only."""
    parts = (phone or "").split("-")
    if len(parts) != 3:
        return "****"
    return f"{parts[0]}-****-{parts[2]}"


def check_name(raw) -> str:
    name = _clean(raw, "name")
    if not 1 <= len(name) <= MAX_NAME:
        raise ConsultFieldInvalid("name", f"a name has 1 to {MAX_NAME} characters",
                                  detail_ko=f"이름은 1-{MAX_NAME}자로 적어 주세요")
    return name


def check_preferred_time(raw) -> str | None:
    if raw is None:
        return None
    when = _clean(raw, "preferred_time")
    if len(when) > MAX_PREFERRED_TIME:
        raise ConsultFieldInvalid("preferred_time", f"keep it under {MAX_PREFERRED_TIME} characters",
                                  detail_ko=f"{MAX_PREFERRED_TIME}자 이내로 적어 주세요")
    return when or None


def _clean(raw, field: str) -> str:
    """One line of visible text: control and direction-changing characters go, runs of spaces become one."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ConsultFieldInvalid(field, "text was expected", detail_ko="글자로 적어 주세요")
    text = _CONTROL.sub(" ", unicodedata.normalize("NFKC", raw))
    return " ".join(text.split())


def _bad_phone() -> ConsultFieldInvalid:
    return ConsultFieldInvalid("phone", "write a Korean mobile or landline number, e.g. 010-1234-5678 or 02-123-4567",
                               detail_ko="휴대폰이나 일반 전화번호를 적어 주세요 (예: 010-1234-5678, 02-123-4567)")
