"""The bilingual vocabulary of marketing questions, compiled once: every regex the rules SQL parser uses.

Named groups carry the meaning (a column, an aggregate, a dimension) so the parser never re-reads words.
Alternatives are ordered longest first because a regex takes the first alternative that matches. Product
names, number words and units are not the parser's own: they come from `core`, as the vectorizer's do.
"""
from __future__ import annotations

import re

from core import units
from core.numbers import EN_DECADE_WORDS, ENGLISH_ONE_TO_TEN, ENGLISH_TENS, NATIVE_COUNTING
from core.vocabulary import GROUP_PATTERNS, GROUPS
from plugins.rules.sql.intent import FEE

# Customer columns the parser can aggregate or filter on; FEE is the product catalogue's monthly fee.
FEATURE_COLUMNS = ("age", "houseHold", "amt", "size", "score", "discRate")


def _named_alternatives(words: dict, prefix: str = "") -> str:
    """One alternative per entry, each a named group (`prefix` + key), so a match says which entry it was."""
    return "|".join(f"(?P<{prefix}{key}>{pattern})" for key, pattern in words.items())


_FEATURE_WORDS = {
    "age": (
        r"나이(?!\s*대)|연령(?!\s*(?:대|층))|how\s+old|\baged\b|"
        r"\bages?\b(?!\s*(?:groups?|bands?|brackets?|ranges?|cohorts?))"
    ),
    "houseHold": (
        r"가구원\s*수|가구원|가족\s*구성원\s*수|가족\s*수|식구\s*수|식구|가구\s*규모|가구\s*인원|"
        r"household\s+sizes?|family\s+sizes?|people\s+in\s+the\s+household|household\s+members?|\bhouseholds?\b|"
        r"\bfamil(?:y|ies)(?=\s+(?:of|with)\b)"
    ),
    "amt": (
        r"월\s*렌탈료\s*예산|렌탈료\s*예산|렌탈\s*예산|월\s*예산|예산|"
        r"(?:monthly\s+)?(?:rental\s+)?budgets?\b|\bamt\b|\bspend(?:ing)?\b"
    ),
    "size": (
        r"주거\s*(?:면적|평수)|주택\s*(?:크기|면적)|집\s*(?:크기|넓이|평수)|평수|면적|평형|"
        r"(?:home|house|apartment|living|flat)\s+sizes?|\bsizes?\b|floor\s+area|\barea\b|how\s+big|homes?\b"
    ),
    "score": r"멤버십\s*점수|회원\s*점수|멤버십|점수|(?:membership\s+)?scores?\b|membership(?:\s+points?)?",
    "discRate": r"할인\s*율|할인\s*비율|할인|discount\s+rates?|discounts?\b|disc\s*rate|discrate",
    FEE: (
        r"월\s*렌탈료(?!\s*예산)|렌탈료(?!\s*예산)|렌탈\s*요금|월\s*요금|월\s*이용료|이용료|요금|가격|"
        r"(?:monthly\s+|rental\s+)?fees?\b|\bprices?\b"
    ),
}
FEATURE_WORD = re.compile(_named_alternatives(_FEATURE_WORDS))

# A number's unit names its column; `band` marks the Korean `대` / English `s` decade suffix.
UNIT = re.compile(
    r"\s*(?:"
    r"(?P<band_age>대|'?s\b)"
    r"|(?P<age>세|살|\s*years?[\s-]*olds?\b|\s*yrs?\s*old\b|\s*-year-olds?\b|\s*years?\b)"
    r"|(?P<houseHold>인|식구|[\s-]*(?:person|people|persons|members?)\b)"
    rf"|(?P<discRate>{units.PERCENT})"
    r"|(?P<score>점|\s*points?\b|\s*pts?\b)"
    r"|(?P<amt>천원)"
    rf"|(?P<size>평|(?:{units.PYEONG_EN})\b)"
    r"|(?P<people>명)"
    r")"
)
BAND_SUFFIX = re.compile(r"\s*대")
RANGE_JOIN = re.compile(r"\s*(?:~|-|에서|부터|to|through)\s*(?=[-−]?\d)")  # "-10~-5%": the second end is signed too
RANGE_END = re.compile(r"\s*(?:까지|사이(?:의|에|인)?|이내)")

KO_COMPARATOR = re.compile(
    r"\s*(?:이|가|은|는|인|의|에)?\s*(?:"
    r"(?P<ge>이상|부터|넘거나\s*같은)"
    r"|(?P<le>이하|까지|이내)"
    r"|(?P<lt>미만|보다\s*(?:적|낮|작|어린|젊|아래|싼|저렴)|아래|밑)"
    r"|(?P<gt>초과|넘는|넘은|넘게|넘어|넘|보다\s*(?:많|높|크|큰|위|늙|나이\s*많|비싼))"
    r")"
)
EN_PREFIX = re.compile(
    r"(?:"
    r"(?P<gt>over|above|more\s+than|greater\s+than|older\s+than|higher\s+than|bigger\s+than|larger\s+than|exceeding|>)"
    r"|(?P<ge>at\s+least|no\s+less\s+than|minimum(?:\s+of)?|>=|≥)"
    r"|(?P<lt>under|below|less\s+than|younger\s+than|lower\s+than|smaller\s+than|fewer\s+than|<)"
    r"|(?P<le>at\s+most|no\s+more\s+than|up\s+to|maximum(?:\s+of)?|<=|≤)"
    r"|(?P<eq>exactly|equal\s+to|=)"
    r"|(?P<between>between|from)"
    r")\s*(?:the\s+age\s+of\s+|age\s+)?$"
)
EN_POSTFIX = re.compile(
    r"\s*(?:"
    r"(?P<ge>(?:or|and)\s+(?:more|older|above|over|higher|greater|up|bigger|larger)|\+|plus\b)"
    r"|(?P<le>(?:or|and)\s+(?:less|younger|below|under|fewer|lower|smaller))"
    r")"
)
BETWEEN_AND = re.compile(r"\s*(?:and|&)\s*(?=[-−]?\d)")
HOUSEHOLD_CONTEXT = re.compile(r"가구|가족|식구|세대|구성원|households?|famil(?:y|ies)")
PEOPLE_NOUN = re.compile(
    r"사용자|고객|이용자|회원|가입자|사람|분들|\b(?:customers?|users?|people|clients?|renters?|subscribers?)\b"
    r"|(?:쓰는|사용하는|이용하는|렌탈하는|빌린|쓰고\s*있는)|\b(?:using|uses?|rent(?:s|ing)?|own(?:s|ing)?)\b"
)

# Bedrock-style presentation requests belong to another component; the parser must not read them.
PRESENTATION = re.compile(
    r"(?:막대|원형|파이|선)?\s*(?:그래프|차트|그림|시각화)(?:로|도|를|와|과)?"
    r"|(?:bar|pie|line)?\s*(?:charts?|graphs?|plots?|visuali[sz]ations?)"
    r"|\b(?:visuali[sz]e|plot|draw|chart)\b"
    r"|(?:sql|쿼리|query|queries)(?:문|도|를|와|과|로)?"
    r"|보여\s*(?:주고|주세요|줘요|줘|주라|줄래|줄\s*수)|알려\s*(?:주고|주세요|줘요|줘|주라|줄래)|그려\s*(?:주고|주세요|줘요|줘)"
    r"|비교해\s*(?:주세요|줘요|줘)|정리해\s*(?:주세요|줘요|줘)|뽑아\s*(?:주세요|줘요|줘)"
    r"|\b(?:show|tell|give|display)\s+me\b|\b(?:please|pls|show|display|as\s+a|as\s+an)\b|\(\s*\)"
)

# Things the customer table cannot answer: dates, and attributes it does not store.
UNSUPPORTED = re.compile(
    r"지난\s*(?:달|주|해|분기)|이번\s*(?:달|주|분기)|작년|올해|내년|어제|오늘|내일|요즘|최근|월별|연도별|분기별|일별|주별|"
    r"추이|트렌드|가입일|신규\s*가입|해지|이탈|날씨|중앙값|중간값|최빈값|표준\s*편차|분산|백분위|사분위|"
    r"성별|남성|여성|남자|여자|지역|거주지|도시|서울|부산|소득|연봉|월급|직업|이름이|전화|이메일|주소|(?<!\w)키(?:가|는|의)?(?!\w)|몸무게|"
    r"\b(?:last|this|next)\s+(?:month|year|week|quarter)\b|\byesterday\b|\btoday\b|\btomorrow\b|\btrends?\b|"
    r"\bover\s+time\b|\b(?:by|per)\s+(?:month|year|week|day|quarter)\b|\bmonthly\s+trend|\bsign[\s-]?ups?\b|\bchurn|"
    r"\bweather\b|\bgender\b|\b(?:male|female|men|women)\b|\bregions?\b|\bcity\b|\bcities\b|\bincome\b|\bsalary\b|"
    r"\boccupation\b|\bjobs?\b|\bphone\b|\bemails?\b|\baddress(?:es)?\b|\bheight\b|\bweight\b|"
    r"\b(?:poem|story|joke|song|recipe|translate)\b|\bmedians?\b|\bmode\b|standard\s+deviation|\bvariance\b|"
    r"\bpercentiles?\b|\bquartiles?\b"
)

# A group's name as core.vocabulary.mentioned_group reads it: `g<i>` is GROUPS[i].
_GROUP_ALTERNATIVES = _named_alternatives({f"g{i}": GROUP_PATTERNS[group] for i, group in enumerate(GROUPS)})
PRODUCT_CODE = re.compile(
    f"(?:{_GROUP_ALTERNATIVES})"
    r"\s*(?:no\.?\s*|#\s*|model\s+)?(?P<num>\d+)(?!\d|\s*(?:개|명|위|대|세|살|%|인|평|점|천원|s\b|years?|people))"
)
PRODUCT_PREFIX = re.compile(r"(?:product|model|제품|모델|상품)\s*$")
GROUP_NAME = re.compile(_GROUP_ALTERNATIVES)
NEGATION_AFTER = re.compile(
    r"\s*(?:을|를|은|는|이|가)?\s*(?:제외(?:한|하고)?|빼고|뺀|말고|외(?:의)?|아닌|안\s*쓰는|쓰지\s*않는|사용하지\s*않는|이외)"
)
NEGATION_BEFORE = re.compile(
    r"(?:except(?:\s+for)?|excluding|other\s+than|besides|not|non-?|without|don'?t\s+(?:use|rent|have)|"
    r"do\s+not\s+(?:use|rent|have))\s+(?:the\s+|a\s+|an\s+)?$"
)

# Special filters that have no number of their own.
NO_DISCOUNT = re.compile(
    r"할인(?:을|이)?\s*(?:안\s*받는|받지\s*않는|없는|미적용|0\s*%)|no\s+discounts?|without\s+(?:a\s+)?discounts?|"
    r"zero\s+discount"
)
SINGLE_HOUSEHOLD = re.compile(
    r"혼자\s*사는|1인\s*가구|독거|single[\s-]*(?:person|member|people)\s*(?:households?|homes?)?|"
    r"living\s+alone|lives?\s+alone|singles?\b(?!\s*(?:product|group))"
)
AVERAGE_COMPARE = re.compile(
    r"(?P<ko>평균\s*(?:값\s*)?(?:보다|이상|초과|미만|이하))"
    r"|(?P<above>above[\s-]+(?:the\s+)?average|(?:higher|more|bigger|larger|older|greater)\s+than\s+(?:the\s+)?average)"
    r"|(?P<below>below[\s-]+(?:the\s+)?average|(?:lower|less|smaller|younger|fewer)\s+than\s+(?:the\s+)?average)"
)
PRICE_EXTREME = re.compile(
    r"(?P<max>가장\s*비싼|제일\s*비싼|최고가|most\s+expensive|priciest|highest[\s-]+(?:priced|fee))"
    r"|(?P<min>가장\s*(?:싼|저렴한)|제일\s*(?:싼|저렴한)|최저가|cheapest|least\s+expensive|lowest[\s-]+(?:priced|fee))"
)

# Dimensions a result can be grouped by. Bands are ten wide, like the knowledge base's.
_DIM_WORDS_KO = {
    "prdtGrpCd": r"제품\s*군|제품\s*그룹|카테고리|그룹|품목|제품\s*종류",
    "productName": r"제품\s*이름|제품명|상품명|상품\s*이름|모델명",
    "prdtCd": r"제품|상품|모델|기종",
    "ageBand": r"연령\s*대|나이\s*대|연령층|연령|나이",
    "houseHold": r"가구원\s*수|가구원|가족\s*수|식구\s*수|가구\s*규모|인원\s*수|가구\s*형태",
    "discRate": r"할인\s*율|할인율",
    "scoreBand": r"(?:멤버십\s*)?점수\s*대|점수\s*구간|멤버십\s*점수\s*구간|점수",
    "amtBand": r"(?:월\s*)?예산",
    "sizeBand": r"평수|면적",
}
_DIM_WORDS_EN = {
    "prdtGrpCd": r"product\s+(?:groups?|categor(?:y|ies)|types?|lines?|families)|categor(?:y|ies)|groups?",
    "productName": r"product\s+names?|names?",
    "prdtCd": r"products?|models?|items?",
    "ageBand": r"age\s+(?:groups?|bands?|brackets?|ranges?|cohorts?)|decades?|ages?",
    "houseHold": r"household\s+sizes?|family\s+sizes?|households?|size\s+of\s+(?:the\s+)?households?",
    "discRate": r"discount\s+rates?|discounts?",
}


DIM_EXACT = (re.compile(_named_alternatives(_DIM_WORDS_KO)), re.compile(_named_alternatives(_DIM_WORDS_EN)))
GROUP_BY_KO = re.compile(
    r"(?:(?P<first>" + "|".join(_DIM_WORDS_KO.values()) + r")\s*(?:와|과|및|,|하고|/)\s*)?"
    r"(?:" + _named_alternatives(_DIM_WORDS_KO) + r")\s*(?:별(?:로|로는|로도|의|로\s*나눠서?)?|마다)(?![가-힣])"
)
GROUP_BY_KO_EACH = re.compile(r"각\s*(?:" + _named_alternatives(_DIM_WORDS_KO) + r")")
GROUP_BY_EN = re.compile(
    r"\b(?:by|per|for\s+each|for\s+every|each|every|across|broken\s+down\s+by|grouped\s+by|split\s+by|in\s+each)"
    r"\s+(?:the\s+|their\s+|a\s+)?(?:" + _named_alternatives(_DIM_WORDS_EN) + r")\b"
    r"(?:\s+(?:and|&)\s+(?:by\s+)?(?:the\s+)?(?P<second>" + "|".join(_DIM_WORDS_EN.values()) + r")\b)?"
)
GROUP_BY_EN_FEATURE = re.compile(
    r"\b(?:by|per|grouped\s+by|broken\s+down\s+by)\s+(?:the\s+|their\s+)?"
    r"(?:(?P<scoreBand>(?:membership\s+)?scores?)|(?P<amtBand>(?:monthly\s+)?budgets?)"
    r"|(?P<sizeBand>(?:home\s+)?sizes?))\b"
)
WITHIN = re.compile(
    r"\bwithin\s+(?:each|every|the)\s+(?:" + _named_alternatives(_DIM_WORDS_EN) + r")\b"
    r"|(?:각\s*)?(?:" + _named_alternatives(_DIM_WORDS_KO, prefix="ko_") + r")\s*(?:내에서|내|안에서)"
)
BAND_BY = re.compile(
    r"(?:구간\s*별|구간|분포|bands?|brackets?|buckets?|bins?|ranges?|decades?|distribution|histogram)"
)
UNKNOWN_GROUP_KO = re.compile(r"([가-힣]{1,6})\s*별(?:로)?(?![가-힣])")
UNKNOWN_GROUP_EN = re.compile(r"\b(?:by|per|for\s+each|grouped\s+by|broken\s+down\s+by)\s+(?:the\s+|their\s+)?([a-z]+)")
EN_NEUTRAL_AFTER_BY = frozenset({"month", "number", "count", "share", "percentage", "average", "far", "users",
                                 "customers", "people", "membership", "monthly", "home", "descending", "ascending",
                                 "person", "customer", "user", "head", "capita", "their", "its"})
BAND_WIDTH = re.compile(
    r"\b10[\s-]*(?:point|year|unit|pyeong|thousand|won)?[\s-]*(?=bands?|brackets?|buckets?|bins?|intervals?)"
    r"|10\s*(?:세|살|점|평|천원)?\s*(?=단위|구간|간격)"
)

# Patterns that start at a number carry (?<![\d.]): a match may only begin where a number does, so a
# 2,000-digit question is scanned once instead of once per digit (it took seconds, quadratically).
# Top-N and ordering words. `n` is the count; `rows` marks a ranking of individual customers.
TOP_N = re.compile(
    r"(?:(?P<top>top|상위|탑|best|first)\s*(?:[-−]\s?)?(?P<n1>\d+)"  # a sign is read, so "top -3" is declined
    r"|(?P<bottom>bottom|하위|worst|last)\s*(?:[-−]\s?)?(?P<n2>\d+))"
    r"(?:\s*(?:개|가지|위|곳|종류|종)|(?P<people>\s*명))?(?:\s*만)?"
    r"|(?<![\d.])(?P<n3>\d+)\s*(?:개|가지|위|곳|종류|종)(?:\s*만)?"
    r"|(?<![\d.])(?P<n4>\d+)\s+(?=(?:most|least|highest|lowest|largest|smallest|biggest|best|worst|oldest|youngest|"
    r"products?|groups?|categor|age\s+groups?|models?|items?))"
)
TOP_ROWS = re.compile(r"(?<![\d.])(?P<n>\d+)\s*(?:명|분)(?:\s*만)?|\b(?P<n2>\d+)\s+(?:customers?|users?|people|clients?)\b")
TOP_WORD = re.compile(r"\btop\b|상위|탑|\bbottom\b|하위")

SUPERLATIVE = re.compile(
    r"(?P<ko>가장|제일|젤|최고로)"
    r"|(?P<desc>\bmost\b|\bhighest\b|\blargest\b|\bbiggest\b|\bgreatest\b|\bmaximal\b|최다|인기\s*(?:있는|많은|높은)|"
    r"많이\s*(?:쓰는|사용하는|이용하는|렌탈하는|빌리는|쓴|팔린|나간)|popular|common|\bbest\b)"
    r"|(?P<asc>\bleast\b|\blowest\b|\bsmallest\b|\bfewest\b|\bminimal\b|\brarest\b|\bworst\b|인기\s*없는|적게\s*(?:쓰는|사용하는))"
    r"|(?P<oldest>\boldest\b|최고령|나이가?\s*(?:가장|제일)\s*많은)"
    r"|(?P<youngest>\byoungest\b|최연소|나이가?\s*(?:가장|제일)\s*(?:적은|어린)|(?:가장|제일)\s*(?:어린|젊은))"
)
KO_DIRECTION = re.compile(r"(?P<desc>많|높|크|큰|길|비싼|늙|넓)|(?P<asc>적|낮|작|어린|젊|짧|싼|저렴|좁)")
ORDER_ONLY = re.compile(
    r"(?P<desc>(?:많은|높은|큰)\s*순(?:으로|서로|서대로)?|내림차순|descending|from\s+(?:most|highest)|ranked|순위)"
    r"|(?P<asc>(?:적은|낮은|작은)\s*순(?:으로|서로|서대로)?|오름차순|ascending|from\s+(?:least|lowest))"
)

AGGREGATE = re.compile(
    r"(?P<avg>평균(?:값|적인|적으로)?|\baverages?\b|\bavg\b|\bmean\b|\btypical\b)"
    r"|(?P<min>최솟값|최소(?:값|치)?|최저(?:값|치)?|\bmin(?:imum)?\b)"
    r"|(?P<max>최댓값|최대(?:값|치)?|최고(?:값|치)?|\bmax(?:imum)?\b)"
    r"|(?P<sum>합계|총합|합산|총액|총계|합(?![가-힣])|\bsum\b|\btotal\b|\baltogether\b|\bcombined\b|(?<![가-힣])총(?=\s))"
)
COUNT = re.compile(
    r"몇\s*(?:명|분|사람)|가구\s*수|세대\s*수|사용자\s*수|고객\s*수|이용자\s*수|회원\s*수|가입자\s*수|인원\s*수|사람\s*수|명수|인원|"
    r"\bhow\s+many\b|\bnumber\s+of\b|\bcount(?:s|ing)?\b|\bheadcount\b|\bhow\s+much\s+(?:customers|users)"
)
COUNT_BARE = re.compile(r"(?<![가-힣])수(?:는|를|가|도)?(?![가-힣])")  # read after features: "가구원 수" is one
PEOPLE_IN_HOUSEHOLDS = re.compile(r"how\s+many\s+people\s+live|가구원\s*(?:은|이)?\s*(?:모두|총)\s*몇\s*명")
EVERY_FEATURE = re.compile(
    r"\bevery\s+(?:feature|attribute|column)|\ball\s+(?:the\s+|six\s+)?(?:features|attributes)|customer\s+profile|"
    r"모든\s*(?:특성|항목|지표|변수|피처|속성)|고객\s*프로필|프로필"
)
REVENUE = re.compile(r"매출|수익|수입|revenue|sales\b|income")
PEOPLE_MEASURE = re.compile(
    r"(?:(?:show|list|:|,)\s*|^\s*)(?:the\s+)?(?:users|customers|사용자|고객)(?=\s*(?:,|and\b|와|과|및))"
    r"|(?:show|:|,|and)\s+(?:the\s+)?(?:users|customers)\b"
)
DIM_NOUN = re.compile(_named_alternatives({
    "prdtGrpCd": _DIM_WORDS_KO["prdtGrpCd"] + "|" + _DIM_WORDS_EN["prdtGrpCd"],
    "productName": _DIM_WORDS_KO["productName"] + r"|product\s+names?",
    "prdtCd": _DIM_WORDS_KO["prdtCd"] + "|" + _DIM_WORDS_EN["prdtCd"],
    "ageBand": r"연령\s*대|나이\s*대|연령층|age\s+(?:groups?|bands?|brackets?|ranges?|cohorts?)|decades?",
}))
WHICH_HOUSEHOLD = re.compile(
    r"(?:\bwhich|\bwhat|어떤|어느|무슨)\s+(?:household\s+sizes?|family\s+sizes?|가구원\s*수|가족\s*수|가구\s*규모)"
)
WHICH = re.compile(r"어떤|어느|무슨|무엇|뭐|\bwhich\b|\bwhat\b")
LISTING = re.compile(r"목록|리스트|\blist\b|\ball\s+(?:the\s+)?products\b|\bcatalog(?:ue)?\b|라인업")
SHARE = re.compile(
    r"비율|비중|점유율|구성비|백분율|퍼센트|몇\s*%|몇\s*프로|\bpercent(?:age)?s?\b|\bshares?\b|\bproportions?\b|"
    r"\bratios?\b|\bfraction\b|%"
)
DISTRIBUTION = re.compile(r"분포|구성|distribution|breakdown|histogram")

FOLLOWUP_START = re.compile(
    r"^\s*(?:그럼|그러면|그렇다면|그리고|그럼\s*이제|대신|또|이번엔|이번에는|그\s*다음|"
    r"what\s+about|how\s+about|and\b|now\b|then\b|same\b|instead\b|only\b|just\b|what\s+if|ok\b|okay\b|also\b)"
)
FOLLOWUP_ANYWHERE = re.compile(
    r"그\s*중(?:에서|에)?|이\s*중(?:에서|에)?|그\s*사람들|그\s*분들|그\s*고객들?|그\s*사용자들?|거기서|여기서|그들|"
    r"\bof\s+(?:those|them|these)\b|\bamong\s+(?:them|those|these)\b|\bthose\s+(?:customers|users|people)\b|"
    r"\bthese\s+(?:customers|users|people)\b|\binstead\b|\bonly\s+(?:the\s+)?(?:ones|those)\b|\bthem\b|\bthose\b"
)
ADD_GROUPING = re.compile(r"추가로|도\s*나눠|더\s*나눠|또\s*나눠|\bfurther\b|\bas\s+well\b|\balso\b|\badditionally\b")
RESET_FILTERS = re.compile(r"전체(?:로|는|적으로)|전체\s*고객|\boverall\b|\ball\s+customers\b|\beveryone\b")
SUBJECT = re.compile(r"전체|모든|전\s*고객|\ball\b|\boverall\b|\bin\s+total\b|\bentire\b|\bwhole\b")

POPULATION_KO = re.compile(r"중(?:에서|에|의)?(?![가-힣])|가운데")
POSSESSIVE_KO = re.compile(r"[가-힣]의(?![가-힣])")  # "정수기 사용자의 40대 비율": the users are the whole
POPULATION_EN = re.compile(
    r"\bamong\b(?P<among>[^,?]*)|\b(?:percent(?:age)?|share|proportion|ratio|fraction|%)\s+of\b"
    r"(?P<of>.*?)\b(?:are|is|were|use|uses|rent|rents|have|has|own|owns|who|that|live|lives)\b"
)
LEFTOVER_NUMBER = re.compile(r"\d")
COMPARE = re.compile(
    r"비교|대비|(?:누가|어느\s*쪽이?|어디가|뭐가)\s*더\s*(?:많|적|높|낮|크|작|비싸|싸)[가-힣]*|누가\s*더|어느\s*쪽|"
    r"\bcompare[sd]?\b|\bcomparison\b|\bvs\b\.?|\bversus\b|"
    r"\bwhich\s+(?:one\s+)?(?:has|is|gets)\s+more\b"
)

# Words that may be left once everything meaningful was read. Anything else is a word the parser does not
# know, and a word it does not know may change the question ("VIP 고객", "고객이 없는 제품"), so it declines.
FILLER_EN = frozenset(
    "the a an of in on at to for from with by and or is are was were be been being do does did have has had "
    "there here we our us i me my you your it its they their who whose that this these what whats how much "
    "get give find see want know tell need can could would will should please among per as well also just so "
    "far data table result results stats statistics summary overview breakdown currently current right now "
    "live lives living paid pay pays bands band names name rented renting used bought buy buying apartment "
    "apartments house houses flat flats people 's s currently registered active ones one them those all each "
    "every across into any some about approximately roughly exactly total number prefer prefers preferred vary "
    "varies differ differs look looks like sort sorted order ordered rank ranking listed split".split()
)
_KO_STEMS = (
    "가구|가족|가정|집|월|렌탈|사용|이용|현재|지금|전부|모두|각각|좀|혹시|대략|정도|데이터|현황|통계|분석|정보|결과|"
    "그리고|또는|및|혹은|아니면|어때|어떻게|얼마나|얼마|몇|총|실제|요약|기준|해당|대상|사람|고객님|각|궁금|확인|조회|"
    "계산|집계|구해|찾아|뽑아|나눠|나누어|정리|알고|우리|회사|쪽|별로|전체|어디|정렬|순서|순|대로|나열"
)
_KO_GRAMMAR = "의은는이가을를와과에서게로으도만중인야요나까지들고랑하처럼큼니냐죠습다어아여해한할된되돼임음며면기든던었았였겠시줘주라래자오데네군구입있일싶세께님쓰써쓴살사건거것뭐엔랑봐줄래"
KO_FILLER = re.compile(rf"(?:{_KO_STEMS}|[{_KO_GRAMMAR}])+")
WORD = re.compile(r"[^\s?!.,:;()\[\]\"'~/<>*=+&-]+")
# Comparison words left once every filter was read mean a comparison the parser did not understand.
LEFTOVER_COMPARISON = re.compile(
    r"보다|이상|이하|미만|초과|\b(?:above|below|over|under|more\s+than|less\s+than|greater\s+than|"
    r"higher\s+than|lower\s+than|exceeds?|exceeding)\b"
)

# Number words become digits only beside words that make them a count ("top three", "세 명"), since a bare
# "one" ("the one with ...") or "세" (an age unit) is not always a number.
EN_NUMBER_WORD = re.compile(
    r"\b(?P<pre>(?:top|bottom|of|than|over|under|least|most|with|first|last)\s+)?"
    rf"(?P<w>{ENGLISH_ONE_TO_TEN})\b"
    r"(?P<post>[\s-]+(?:people|persons?|members?|products?|groups?|categories|customers?|users?|age|most|least|"
    r"largest|highest|lowest|smallest|biggest|oldest|youngest|models?|or\b))?"
)
KO_NUMBER_WORD = re.compile(rf"(?<![가-힣\d])({NATIVE_COUNTING})\s*(명|개|식구|가지|사람|인)")
EN_DECADE_WORD = re.compile(rf"\b({EN_DECADE_WORDS})\b")
EN_TENS_WORD = re.compile(ENGLISH_TENS)
MONEY_MAN_CHEON = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*만\s*(\d+)\s*천\s*원?")
MONEY_MAN = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*만\s*원?(?!\s*(?:명|개))")
MONEY_WON = re.compile(rf"(?<![\d.,])(\d{{1,3}}(?:,\d{{3}})+|\d{{4,}})\s*(?:{units.WON})|(?:₩|krw)\s*(\d{{1,3}}(?:,\d{{3}})+|\d{{4,}})")
MONEY_CHEON = re.compile(rf"(?<![\d.])(\d+)\s*천\s*원|(?<![\d.])(\d+)\s*(?:{units.THOUSAND})\s*(?:won|krw)?")
AREA_M2 = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:{units.AREA_M2})(?![a-z\d])")
AREA_SQFT = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:{units.AREA_SQFT})\b")
