"""Numbers as customers write them: digits (35,000 / 3.5), Korean native (서른다섯), Sino-Korean (삼십오), English.

Each regex fragment below is paired with `parse_number`, which turns any text the fragments match into a float.
Both rules parsers read numbers through this one table, so a number word one of them knows the other knows too.
"""
from __future__ import annotations

import math
import re

_NATIVE_TENS = {"열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50,
                "예순": 60, "일흔": 70, "여든": 80, "아흔": 90}
_NATIVE_UNITS = {"하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "석": 3, "넷": 4, "네": 4,
                 "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9}
_SINO_DIGITS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
            "seventy": 70, "eighty": 80, "ninety": 90}

_UNITS_ALT = "하나|한|둘|두|셋|세|넷|네|다섯|여섯|일곱|여덟|아홉"
_TENS_ALT = "스물|서른|마흔|쉰|예순|일흔|여든|아흔"

# Never a slice of a longer number: not after a digit, a decimal point, a thousands comma or an exponent.
NOT_INSIDE_A_NUMBER = r"(?<![\d.])(?<!\d,)(?<!\de)(?<!\de[+-])(?<!\d\^)(?<!\d\*\*)"
# Scientific or power notation ("1e100", "2.5e3", "10^6"): part of the number it follows, so a reader that
# stops at the "e" never takes "1e100 years old" for 100 years old. The value may be too large to be finite.
EXPONENT = r"(?:e[+-]?\d+|(?:\^|\*\*)\d+)"
# Digits, optionally grouped by commas, with a decimal part or an exponent; read whole, however long, so a
# value no customer can have is seen as one (999999999999원) rather than skipped.
DIGITS = rf"{NOT_INSIDE_A_NUMBER}(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:{EXPONENT})?(?![\d])"
# A minus sign just before a number ("-10%", "−3", "마이너스 5", "minus 10"), searched in the text that ends where
# the number starts; a dash after a word or a digit ("30-40", "나이-30") joins, it does not negate.
MINUS_BEFORE = re.compile(r"(?:(?<!\w)[-−]|마이너스\s?|\bminus\s?)$")
# Atomic groups stop "서른다섯 명" from being re-read as "서른" followed by something else.
NATIVE = rf"(?>(?:열|{_TENS_ALT})(?:{_UNITS_ALT})?|스무|하나|한|둘|두|셋|세|석|넷|네|다섯|여섯|일곱|여덟|아홉)"
NATIVE_TENS = rf"(?>(?:{_TENS_ALT})(?:{_UNITS_ALT})?)"
_SINO_TENS_BODY = r"[이삼사오육칠팔구]?십[일이삼사오육칠팔구]?"
SINO_TENS = rf"(?>{_SINO_TENS_BODY})"
SINO = rf"(?>{_SINO_TENS_BODY}|[일이삼사오육칠팔구])"
_EN_UNIT_WORDS = "|".join(sorted(_EN_UNITS, key=len, reverse=True))
_EN_TEN_WORDS = "|".join(_EN_TENS)
_EN_DIGIT_WORDS = "one|two|three|four|five|six|seven|eight|nine"
ENGLISH = rf"\b(?:(?:{_EN_TEN_WORDS})(?:[- ](?:{_EN_DIGIT_WORDS})\b)?|(?:{_EN_UNIT_WORDS}))\b"
# Twenty to ninety-nine spelled out: unambiguous numbers wherever they stand (units like "one" are not).
ENGLISH_TENS = rf"\b(?:{_EN_TEN_WORDS})(?:[- ](?:{_EN_DIGIT_WORDS}))?\b"
# "in their thirties": the decade each word names, shared by the vectorizer and the SQL parser.
EN_DECADES = {"teens": 10, "twenties": 20, "thirties": 30, "forties": 40, "fourties": 40, "fifties": 50,
              "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90}
EN_DECADE_WORDS = "|".join(EN_DECADES)

# One to ten as they stand before a counter ("세 명", "두 가지", "three people"); parse_number reads each.
NATIVE_COUNTING = "다섯|여섯|일곱|여덟|아홉|한|두|세|네|열"
ENGLISH_ONE_TO_TEN = "|".join(word for word, value in _EN_UNITS.items() if 1 <= value <= 10)

_EN_COMPOUND = re.compile(rf"({_EN_TEN_WORDS})(?:[- ](\w+))?$")


def _parse_native(text: str) -> float | None:
    for tens, tens_value in _NATIVE_TENS.items():
        if text.startswith(tens):
            rest = text[len(tens):]
            if not rest:
                return float(tens_value)
            return float(tens_value + _NATIVE_UNITS[rest]) if rest in _NATIVE_UNITS else None
    return float(_NATIVE_UNITS[text]) if text in _NATIVE_UNITS else None


def _parse_sino(text: str) -> float | None:
    if not text or any(ch not in _SINO_DIGITS and ch != "십" for ch in text):
        return None
    if "십" not in text:
        return float(_SINO_DIGITS[text]) if len(text) == 1 else None
    before, _, after = text.partition("십")
    tens = _SINO_DIGITS.get(before, 1 if not before else None)
    units = _SINO_DIGITS.get(after, 0 if not after else None)
    if tens is None or units is None:
        return None
    return float(tens * 10 + units)


def _parse_english(text: str) -> float | None:
    if text in _EN_UNITS:
        return float(_EN_UNITS[text])
    match = _EN_COMPOUND.match(text)
    if not match:
        return None
    units = match.group(2)
    if units is None:
        return float(_EN_TENS[match.group(1)])
    if _EN_UNITS.get(units, 10) >= 10:
        return None
    return float(_EN_TENS[match.group(1)] + _EN_UNITS[units])


def _parse_digits(digits: str) -> float | None:
    """35000, 3.5, 1e100 or 10^6; a power too large for a float is infinity, never an error or a long wait."""
    base, power, exponent = digits.replace("**", "^").partition("^")
    try:
        value = float(base)
        if not power:
            return value
        return value ** float(exponent)
    except OverflowError:
        return math.inf
    except ValueError:
        return None


def parse_number(text: str | None) -> float | None:
    """The value of one number as matched by the fragments above, or None when it is not a number."""
    if not text:
        return None
    cleaned = text.strip().lower()
    digits = cleaned.replace(",", "")
    if digits[:1].isdigit():
        return _parse_digits(digits)
    return _parse_native(cleaned) or _parse_sino(cleaned) or _parse_english(cleaned)
