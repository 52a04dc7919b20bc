"""Every phrasing the rules vectorizer understands, as pre-compiled regexes over `core.text.fold`ed text.

Rules are tried in list order and each claims the characters it matched, so a number is read once, next to its
own unit: the household-member rules come first (so "아이 2명" is not a household of 2), then number+unit rules, then
rules that need a context word before a bare number ("나이 35", "budget of 40k"), then the household signals.
`rank` orders rules of one feature by trust when several match: 0 exact, 1 context word, 2 age/size band.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from core import units
from core.numbers import (
    DIGITS,
    EN_DECADE_WORDS,
    EN_DECADES,
    ENGLISH,
    EXPONENT,
    NATIVE,
    NATIVE_TENS,
    NOT_INSIDE_A_NUMBER,
    SINO,
    SINO_TENS,
    parse_number,
)


@dataclass(frozen=True)
class Rule:
    feature: str  # one of core.features.FEATURES, or a household signal: adults, kids, partner, alone, me
    pattern: re.Pattern
    convert: Callable[[re.Match], float | None]
    rank: int = 0
    noun_phrase: bool = False  # "a 2 year old" / "my 5-year-old" names a person, often a child
    also: str | None = None  # a group holding a second value of the same feature ("I'm 20 and 80")


def _n(match: re.Match, name: str = "n") -> float | None:
    return parse_number(match.group(name))


def _const(value: float) -> Callable[[re.Match], float]:
    return lambda match: value


def _band(match: re.Match) -> float | None:
    """30대 / 30대 초반 / early 30s / late forties: the decade plus 2 (early), 5 (mid or plain) or 8 (late)."""
    groups = match.groupdict()
    if groups.get("d"):
        decade = int(groups["d"]) * 10
    elif groups.get("s"):
        decade = parse_number(groups["s"])
    else:
        decade = EN_DECADES[groups["w"]]
    return float(decade + _BAND_OFFSETS.get(groups.get("q") or "", 5))


_BAND_OFFSETS = {"초반": 2, "초": 2, "early": 2, "중반": 5, "mid": 5, "middle": 5, "후반": 8, "말": 8, "late": 8}


def _man_won(match: re.Match) -> float | None:
    """3만5천원 -> 35, 3만 5000원 -> 35, 3.5만원 -> 35: tens of thousands plus the thousands after them."""
    man = _n(match)
    if man is None:
        return None
    extra = 0.0
    if match.groupdict().get("c"):
        extra = parse_number(match.group("c")) or 0.0
    elif match.groupdict().get("w"):
        extra = units.won_to_thousands(float(match.group("w")))
    return units.man_to_thousands(man, extra)


def _mid(scale: Callable[[float], float]) -> Callable[[re.Match], float | None]:
    """2~3만원 -> 25, 30~40평 -> 35: the middle of a stated range, in the feature's unit; a "range" running
    downwards is not one."""

    def convert(match: re.Match) -> float | None:
        low, high = _n(match, "a"), _n(match, "b")
        if low is None or high is None or low > high:
            return None
        return scale((low + high) / 2)

    return convert


def _won(match: re.Match) -> float | None:
    value = _n(match)
    if value is None:
        return None
    return value if match.groupdict().get("k") else units.won_to_thousands(value)


def _budget(match: re.Match) -> float | None:
    """A bare budget number is read only when its size says which unit it is: 40k, or 35,000 (won)."""
    value = _n(match)
    if value is None:
        return None
    if match.group("k"):
        return value
    return units.won_to_thousands(value) if value >= units.WON_PER_THOUSAND else None


def _area(to_pyeong: Callable[[float], float]) -> Callable[[re.Match], float | None]:
    def convert(match: re.Match) -> float | None:
        value = _n(match)
        return None if value is None else round(to_pyeong(value), 1)

    return convert


def _decade_band(match: re.Match, scale: Callable[[float], float] = float) -> float | None:
    """30평대 -> 35 and 2만원대 -> 25: a round figure followed by 대 means the middle of that band."""
    value = _n(match)
    if value is None:
        return None
    value = scale(value)
    return value + 5 if value % 10 == 0 else value


def _r(feature: str, pattern: str, convert=_n, rank: int = 0, noun_phrase: bool = False,
       also: str | None = None) -> Rule:
    return Rule(feature, re.compile(pattern), convert, rank, noun_phrase, also)


# A whole number, however long or written in powers ("1000살", "1e100 years old"): an age or a head count no
# customer can have is read as stated and asked about (see `possible`), never skipped or read in part.
WHOLE = rf"{NOT_INSIDE_A_NUMBER}(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:{EXPONENT})?(?![\d]|,\d{{3}})"
D3 = WHOLE  # an age
D2 = WHOLE  # a head count
WON_AMOUNT = rf"{NOT_INSIDE_A_NUMBER}(?:\d{{1,3}}(?:,\d{{3}})+|\d{{4,}})(?!\d)"  # a range's lower end, in won
NUM_EN3 = rf"(?:{D3}|{ENGLISH})"
NUM_EN2 = rf"(?:{D2}|{ENGLISH})"
PARTICLE = r"\s*(?:은|는|이|가|도|:|=)?\s*"
# A minus sign between a context word and its number ("household of -3", "나이 -5"): read, so the value is
# judged as written (the reader negates it) instead of the statement going unread.
SIGN = r"(?:[-−]|마이너스\s?|minus\s)?"
APPROX = r"(?:(?:약|대략|대충|about|around|roughly|approximately|approx\.?|~)\s*)?"
PCT = rf"(?:{units.PERCENT})"
KIDS_KO = r"아이(?![템디돌스콘폰패쇼])|애기|아기|자녀|자식|아들|딸(?!기)|꼬마|어린이|(?<![가-힣])애(?![완용니])"
KIDS_EN = (r"kids?|children|child|sons?|daughters?|boys|girls|toddlers?|bab(?:y|ies)|teenagers?|teens|"
           r"grandchild(?:ren)?|dogs?|cats?")
NATIVE_PRONOUN = r"(?>다섯|여섯|일곱|여덟|아홉|하나|둘|셋|넷)"
MONEY_CONTEXT_KO = r"(?:월|매달|매월|한\s*달(?:에)?|달에|예산(?:은|이)?|렌탈료|렌탈비|렌트비|이용료)"
_NOT_A_COUNT_UNIT = r"(?!\s*(?:살|세|개월|년|학년|평|점|만|천|원|%|번|시|분|개|달))"

FAMILY_KO = r"아내|와이프|남편|신랑|배우자|부모님|어머니|아버지|어머님|아버님|시어머니|장모님|할머니|할아버지"
FAMILY_EN = (r"wife|husband|spouse|partner|mother|father|mom|mum|dad|parents?|grandmother|grandfather|grandma|"
             r"grandpa|mother[\s-]*in[\s-]*law|father[\s-]*in[\s-]*law")

# Whose age a number is, looked for around the number: a child's, a family member's, or the customer's own.
CHILD_AFTER = re.compile(rf"\s*(?:짜리\s*)?(?:의\s*)?(?:{KIDS_KO}|(?:{KIDS_EN})\b)")
CHILD_BEFORE = re.compile(rf"(?:(?:{KIDS_KO})(?:들)?(?:는|은|이|가|도|의)?(?:\s*나이(?:는|가)?)?|"
                          rf"\b(?:{KIDS_EN})(?:['’]s)?\s+(?:is|are|aged?|turned|turns))\s*(?:만\s*)?$")
FAMILY_BEFORE = re.compile(rf"(?:(?:{FAMILY_KO})(?:는|은|이|가|도|의)?(?:\s*나이(?:는|가)?)?|"
                           rf"\b(?:{FAMILY_EN})(?:['’]s)?\s+(?:is|are|aged?|turned|turns))\s*[,(]?\s*(?:만\s*)?$")
FAMILY_AFTER = re.compile(r"\s*(?:짜리\s*)?(?:의\s*)?(?:아내|와이프|남편|신랑|배우자)|\s*(?:wife|husband|spouse)\b")
# "my 70 year old" is someone else; "a 2 year old" is a child only when the phrase ends there, since
# "a 35-year-old teacher" and "I'm a 35 year old" are the customer.
POSSESSIVE_BEFORE = re.compile(r"\b(?:my|our|his|her|their)\s+$")
ARTICLE_BEFORE = re.compile(r"(?<!\bi['’]m )(?<!\bim )(?<!\bi am )(?<!\bas )\b(?:a|an)\s+$")
NOUN_PHRASE_END = re.compile(r"s?(?=\s*(?:$|[,.!;?)]|and\b|who\b|so\b|but\b|at\b|in\b|too\b))")
SELF_BEFORE = re.compile(
    r"(?:\bi['’]?m|\bi\s+am|\bi\s+turned|\bi['’]ll\s+be|\bmy\s+age\s+is|(?<![가-힣])(?:저는|전|나는|난|제가|내가|저|본인은?)|"
    r"(?:제|내)\s*나이(?:는|가)?)\s*(?:(?:a|an|about|around|only|just|now|올해|지금|현재|이제|벌써|만)\s*)*$"
)
SELF_AFTER = re.compile(r"\s*(?:이고|이에요|이예요|입니다|이요|인데|예요|에요)")

MEMBER_RULES = (
    _r("adults", rf"(?:어른|성인|대인){PARTICLE}(?P<n>{D2}|{NATIVE})(?:\s*명)?{_NOT_A_COUNT_UNIT}"),
    _r("adults", rf"(?P<n>{NUM_EN2})\s+(?:adults?|grown[\s-]*ups)\b"),
    _r("kids", rf"(?:{KIDS_KO})(?:들)?{PARTICLE}(?:(?:총|모두)\s*)?(?P<n>{D2}|{NATIVE})(?:\s*명)?{_NOT_A_COUNT_UNIT}"),
    _r("kids", rf"(?<![가-힣\d.])(?P<n>{D2}|{NATIVE})\s*(?:명의\s*)?(?:{KIDS_KO})(?!\s*(?:용|방))"),
    _r("kids", r"(?<![가-힣])(?:갓난\s*)?(?:아기|애기|신생아)(?!\s*(?:용|침대|매트))", _const(1)),
    _r("kids", rf"(?P<n>{NUM_EN2})\s+(?:(?:young|little|small|grown)\s+)?"
               r"(?:kids?|children|child|sons?|daughters?|boys|girls|toddlers?|bab(?:y|ies)|teenagers?|teens)\b"),
    _r("kids", r"\b(?:a|an|one)\s+(?:(?:young|little|small|baby|newborn)\s+)?"
               r"(?:kid|child|son|daughter|baby|toddler|newborn|boy|girl|teenager)\b", _const(1)),
    _r("kids", r"\btwins\b", _const(2)),
)

MONEY_RULES = (
    _r("amt", rf"(?P<a>{DIGITS})\s*(?:만\s*원?)?\s*(?:[~\-]|에서|부터)\s*(?P<b>{DIGITS})\s*만\s*원?",
       _mid(units.man_to_thousands)),
    _r("amt", rf"(?P<a>{WON_AMOUNT})\s*(?:won\b|krw\b)?\s*(?:and|to|-|~)\s*(?P<b>{DIGITS})\s*(?:won\b|krw\b)",
       _mid(units.won_to_thousands)),
    _r("amt", rf"(?P<n>{DIGITS})\s*만\s*원\s*대", lambda match: _decade_band(match, scale=units.man_to_thousands)),
    _r("amt", rf"(?P<n>{DIGITS}|(?<![가-힣]){SINO})\s*만(?:\s*(?:(?P<c>\d|{SINO})\s*천|(?P<w>\d{{1,4}})(?!\d)))?\s*원",
       _man_won),
    _r("amt", rf"(?P<n>{DIGITS}|(?<![가-힣]){SINO})\s*천\s*원"),
    _r("amt", rf"(?P<n>{DIGITS})\s*(?:{units.WON}|₩)", _won),
    _r("amt", rf"(?:krw|₩)\s*(?P<n>{DIGITS})(?:\s*(?P<k>k|thousand)\b)?", _won),
    _r("amt", rf"(?P<n>{DIGITS}|{ENGLISH})\s*(?:{units.THOUSAND})\s*(?:won\b|krw\b|₩|(?=(?:a|per|/)\s*month|monthly))"),
)

AGE_RULES = (
    _r("age", rf"(?:만\s*)?(?P<n>{D3})\s*(?:살|세)(?!대)"),
    _r("age", rf"(?<![가-힣])(?P<n>{SINO_TENS})\s*(?:살|세)(?!대)"),
    _r("age", rf"(?<![가-힣])(?P<n>{NATIVE})\s*살"),
    _r("age", rf"(?P<n>{NUM_EN3})\s*-?\s*(?:years?|yrs?)[\s-]*old\b", noun_phrase=True),
    _r("age", rf"(?P<n>{NUM_EN3})\s*(?:y/?o|yrs?/o)\b"),
    _r("age", rf"(?P<n>{NUM_EN3})\s+years?\s+of\s+age\b"),
    _r("age", r"(?<![\d.])(?P<d>[1-9])0\s*대(?:\s*(?P<q>초반|중반|후반|초|말(?![고씀하])))?", _band, rank=2),
    _r("age", r"(?<![가-힣])(?P<s>[이삼사오육칠팔구]십)\s*대(?:\s*(?P<q>초반|중반|후반|초|말(?![고씀하])))?", _band, rank=2),
    _r("age", r"(?:(?P<q>early|mid|middle|late)[\s-]*)?(?:(?<![\d.])(?P<d>[1-9])0['’]?s\b|"
              rf"\b(?P<w>{EN_DECADE_WORDS})\b)",
       _band, rank=2),
)

HOUSEHOLD_RULES = (
    _r("houseHold", rf"(?P<n>{D2})\s*인(?!용|분|치|승|실|데|지|기|간|원|가(?!족|구))(?:\s*(?:가족|가구|세대|식구))?"),
    _r("houseHold", rf"(?P<n>{D2}|(?<![가-힣]){NATIVE})\s*(?:명|식구|사람)(?!\s*(?:중|씩|당))"),
    _r("houseHold", rf"\b(?:family|household|home|house)\s+of\s+{SIGN}(?P<n>{NUM_EN2})\b"),
    _r("houseHold", rf"(?P<n>{NUM_EN2})[\s-]*(?:person|people|member|man)s?\s+(?:household|family|home|house)\b"),
    _r("houseHold", rf"(?P<n>{NUM_EN2})\s+(?:people|persons|members|ppl|family\s+members|of\s+us)\b"),
    _r("houseHold", rf"(?P<n>{NUM_EN2})\s+in\s+(?:my|our|the)\s+(?:family|household|home|house)\b"),
)

SIZE_RULES = (
    _r("size", rf"(?P<a>{DIGITS})\s*(?:평\s*)?[~\-]\s*(?P<b>{DIGITS})\s*평", _mid(float)),
    _r("size", rf"(?P<n>{DIGITS})\s*평\s*(?:형\s*)?대", _decade_band, rank=2),
    _r("size", rf"(?P<n>{DIGITS}|(?<![가-힣]){SINO_TENS})\s*평(?:형)?(?![일소균가생화온범면판정창택])"),
    _r("size", rf"(?P<n>{DIGITS}|{ENGLISH})[\s-]*(?:{units.PYEONG_EN})\b"),
    _r("size", rf"(?P<n>{DIGITS})\s*(?:{units.AREA_M2})(?![a-z\d])", _area(units.m2_to_pyeong)),
    _r("size", rf"(?P<n>{DIGITS})\s*(?:{units.AREA_SQFT})\b", _area(units.sqft_to_pyeong)),
)

SCORE_RULES = (
    _r("score", rf"(?:(?:멤버십|멤버쉽|회원|멤버)\s*)?(?:점수|포인트){PARTICLE}{APPROX}{SIGN}(?P<n>{DIGITS}|{SINO_TENS})"
                r"(?!\s*점?\s*만점)(?:\s*점)?(?!\s*(?:%|퍼센트|프로|원|만|천|평|살|세|명))"),
    _r("score", rf"(?P<n>{DIGITS})(?!\s*점?\s*만점)\s*점(?![수심포검원주자프])"),
    _r("score", rf"(?P<n>{DIGITS}|{ENGLISH})\s*(?:points?|pts?)\b(?!\s*(?:discount|off))"),
)

DISCOUNT_RULES = (
    _r("discRate", rf"(?:할인율|할인률|할인|\bdiscount(?:\s*rate)?|\bdc\b)[^\d%\n]{{0,10}}?(?P<n>{DIGITS})\s*{PCT}"),
    _r("discRate", rf"(?P<n>{DIGITS})\s*{PCT}\s*(?:정도\s*|가량\s*|쯤\s*)?(?:의\s*)?"
                   r"(?:할인|discount\b|off\b|dc\b|디씨|세일|sale\b)"),
    # "할인 없어요" / "no discount" states a rate of 0; "할인 없나요?" only asks.
    _r("discRate", r"(?:할인율|할인률|할인|디씨)\s*(?:혜택|해당\s*(?:사항)?|받을\s*(?:게|거))?\s*(?:은|는|이|가|도)?\s*"
                   r"(?:전혀\s*|하나도\s*|따로\s*)?(?:없(?!나|는지|을까|니|냐|으면|다면)|안\s*받|못\s*받)", _const(0)),
    _r("discRate", r"(?:\b(?:no|zero|without(?:\s+(?:a|any))?)\s+discounts?\b|"
                   r"\b(?:don['’]?t|do\s+not|didn['’]?t|never)\s+(?:have|get|receive|qualify\s+for)\s+(?:a\s+|any\s+)?"
                   r"discounts?\b|\bdiscount(?:\s+rate)?\s*(?:is|:|=)?\s*(?:none|nil|zero)\b)(?![^.!\n]{0,20}\?)",
       _const(0)),
)

_BARE_STOP = r"(?!\s*(?:대|평|점|명|인|만|천|원|%|살|세|년|k\b|won|pyeong|m2|years?|points?|people))"
CONTEXT_RULES = (
    _r("age", rf"(?:나이|연령){PARTICLE}(?:만\s*)?{SIGN}(?P<n>{D3}){_BARE_STOP}", rank=1),
    _r("age", rf"\b(?:aged?|age\s*(?:is|:|=|of)?)\s*{SIGN}(?P<n>{NUM_EN3})(?!['’]?s\b){_BARE_STOP}", rank=1),
    _r("age", rf"\b(?:i['’]?m|i\s+am)\s+(?:(?:about|around|only|just)\s+)?{SIGN}(?P<n>{NUM_EN3})"
              rf"(?:\s+(?:and|or)\s+(?P<m>{NUM_EN3})(?=\s*(?:$|[,.!;)])))?"
              r"(?=\s*(?:$|[,.!;)&]|and\b|or\b|with\b|but\b|looking\b|living\b|married\b|single\b))",
       rank=1, also="m"),
    _r("age", rf"(?<![가-힣])(?P<n>{NATIVE_TENS})(?=$|[^가-힣]|이|입|예|요|에|으|쯤|정도)"
              r"(?!\s*(?:명|식구|사람|가족|평|점|개|인|가지|번|만|천|원|퍼|프로|%|분|시|대|달|개월|년|해))", rank=1),
    _r("houseHold", rf"(?:가족|식구|가구원)(?:\s*수)?{PARTICLE}(?:(?:총|모두)\s*)?{SIGN}(?P<n>{D2}|{NATIVE_PRONOUN}){_BARE_STOP}",
       rank=1),
    _r("houseHold", rf"\b(?:we\s+are|we['’]re)\s+(?:a\s+family\s+of\s+)?{SIGN}(?P<n>{NUM_EN2})\b{_BARE_STOP}", rank=1),
    _r("houseHold", rf"\b(?:household|family)(?:\s+size)?\s*(?:is|:|=)?\s*{SIGN}(?P<n>{NUM_EN2})\b{_BARE_STOP}", rank=1),
    _r("amt", rf"{MONEY_CONTEXT_KO}\s*{APPROX}(?P<n>{DIGITS}|{SINO})\s*만"
              rf"(?:\s*(?:(?P<c>\d|{SINO})\s*천|(?P<w>\d{{1,4}})(?!\d)))?(?!\s*(?:명|평|점|개|세|살))", _man_won, rank=1),
    _r("amt", rf"{MONEY_CONTEXT_KO}\s*{APPROX}(?P<n>{DIGITS})\s*천(?!\s*(?:명|평|점|개))", rank=1),
    _r("amt", rf"{MONEY_CONTEXT_KO}\s*{APPROX}만\s*원", _const(10), rank=1),
    _r("amt", rf"\bbudget\b[^\d\n]{{0,20}}?(?P<n>{DIGITS})\s*(?P<k>k\b|thousand\b)?{_BARE_STOP}", _budget, rank=1),
    _r("size", rf"평수{PARTICLE}{APPROX}{SIGN}(?P<n>{DIGITS}){_BARE_STOP}", rank=1),
    _r("score", rf"\b(?:membership\s+)?(?:score|points?)\s*(?:(?:of|is|was|:|=|at)\s*)?{APPROX}{SIGN}(?P<n>{NUM_EN3})"
                rf"{_BARE_STOP}(?!\s*(?:percent|/10\b))", rank=1),
    _r("discRate", rf"(?:할인율|할인률|discount\s*rate){PARTICLE}(?:(?:of|is)\s*)?{APPROX}{SIGN}(?P<n>{DIGITS}){_BARE_STOP}",
       rank=1),
)

SIGNAL_RULES = (
    _r("partner", r"부부|신혼|남편|아내|와이프|신랑|배우자|여자\s*친구|남자\s*친구|여친|남친|커플|동거|"
                  r"(?<![가-힣])둘이(?:서)?|(?:우리|저희)\s*둘(?!째)", _const(2)),
    _r("partner", r"\b(?:wife|husband|spouse|partner|girlfriend|boyfriend|fianc[ée]e?|newlyweds?|newly[\s-]*married|"
                  r"married|couple(?!\s+of\b)|other\s+half)\b", _const(2)),
    _r("alone", r"혼자|자취|독신|싱글|혼삶|독거", _const(1)),
    _r("alone", r"\b(?:live|living|lives|stay|staying)\s+(?:all\s+)?(?:alone|by\s+myself|on\s+my\s+own|solo)\b|"
                r"\b(?:just|only)\s+me\b|\b(?:i['’]?m|i\s+am)\s+single\b|\bsingle[\s-]*(?:person|household|living)\b|"
                r"\bby\s+myself\b|\balone\b", _const(1)),
    _r("me", r"(?<![가-힣])(?:저|나)(?:랑|와|하고|포함)(?![가-힣])", _const(1)),
    _r("me", r"\b(?:me|myself|i)\s+(?:and|&|plus)\b|(?:\band|&)\s+(?:me|myself|i)\b", _const(1)),
)

RULES: tuple[Rule, ...] = (
    MEMBER_RULES + MONEY_RULES + AGE_RULES + HOUSEHOLD_RULES + SIZE_RULES + SCORE_RULES + DISCOUNT_RULES
    + CONTEXT_RULES + SIGNAL_RULES
)

# An amount beside an income word is what the customer earns, not what they would pay each month.
_INCOME_WORDS = r"월급|급여|연봉|연소득|수입|소득|실수령|벌이|\bearn|\bincome|\bsalary|\bwages?\b|\bpaid\b|\btake[\s-]*home|\bi\s+make\b"
_BUDGET_WORDS = r"예산|렌탈|렌트|이용료|구독|budget|rent|spend|afford|(?<![가-힣])월(?!급)|매달|매월|한\s*달"
INCOME_BEFORE = re.compile(rf"(?:{_INCOME_WORDS})(?:(?!{_BUDGET_WORDS})[^\d\n]){{0,15}}$")
INCOME_AFTER = re.compile(r"\s*(?:정도|쯤|가량|이상|넘게)?\s*(?:을|를|이|가|은|는)?\s*(?:벌|버는|번다|월급|연봉|수입|소득|"
                          r"income\b|salary\b|in\s+(?:salary|income|wages)|(?:a|per)\s+year\b|annually|yearly)")

# A percentage with no discount word near it: see backend._Reader.bare_percent for when it counts.
BARE_PERCENT = re.compile(rf"(?P<n>{DIGITS})\s*{PCT}")
NOT_A_DISCOUNT = re.compile(
    r"습도|humidity|확률|chance|probabilit|배터리|battery|세금|부가세|\btax|이자|interest|금리|수익|\breturn|효율|"
    r"efficien|점유|만족|satisf|충전|charg|알코올|alcohol|지방|\bfat\b|정확|accura|성공|success|가능성|likel|"
    r"먼지|dust|필터|filter|제거|remov|살균|steril|kill"
)
