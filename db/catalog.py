"""The product catalogue: ten rentable products in five groups. The class order here is the model's.

Each product has what a rental customer weighs before signing: a monthly fee per contract length (a longer
contract costs less a month; `monthly_fee` is the 60-month fee, the one the customer data was generated
with), a one-off registration fee, how many times a year a care technician visits, and three features.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from core.vocabulary import GROUP_NAMES_EN, GROUPS, PRODUCT_CODES, group_name  # noqa: F401 (re-exported)


@dataclass(frozen=True)
class Product:
    code: str  # prdtCd, the model's class label
    group: str  # prdtGrpCd
    name_ko: str
    name_en: str
    monthly_fee: int  # KRW per month
    description_ko: str
    description_en: str
    fees: dict[int, int] = field(default_factory=dict, hash=False)  # contract months -> KRW per month
    registration_fee: int = 0  # KRW, once at installation
    care_visits: int = 0  # care technician visits per year
    features_ko: tuple[str, str, str] = ("", "", "")
    features_en: tuple[str, str, str] = ("", "", "")

    def name(self, lang: str) -> str:
        return self.name_ko if lang == "ko" else self.name_en

    def features(self, lang: str) -> tuple[str, ...]:
        return self.features_ko if lang == "ko" else self.features_en

    def fee(self, months: int = 60) -> int:
        return self.fees[months]

    def table_row(self) -> dict:
        """The `product` table's row (db.schema.Product), so the builder and test fixtures write the same one."""
        return {
            "prdtCd": self.code, "prdtGrpCd": self.group, "name_ko": self.name_ko, "name_en": self.name_en,
            "monthlyFee": self.monthly_fee, "description_ko": self.description_ko,
            "description_en": self.description_en,
            **{f"fee{months}": fee for months, fee in self.fees.items()},
            "registrationFee": self.registration_fee, "careVisits": self.care_visits,
            "features_ko": " · ".join(self.features_ko), "features_en": " · ".join(self.features_en),
        }


CONTRACT_MONTHS: tuple[int, ...] = (36, 48, 60)  # every product offers these; 3, 4 and 5 years


def _fees(fee60: int, step: int) -> dict[int, int]:
    """Shorter contracts cost `step` KRW more a month for each year less."""
    return {36: fee60 + 2 * step, 48: fee60 + step, 60: fee60}


_FACTS: dict[str, tuple] = {
    # code: (fees, registration fee, care visits a year, features ko, features en)
    "정수기1": (_fees(19_900, 2_000), 50_000, 3,
              ("폭 17cm 슬림 디자인", "냉수·정수", "4개월마다 필터 교체"),
              ("17 cm slim body", "Chilled and filtered water", "Filter change every 4 months")),
    "정수기2": (_fees(29_900, 2_500), 100_000, 3,
              ("냉수·온수·정수", "온수 잠금 안전장치", "4개월마다 필터 교체"),
              ("Hot, cold and filtered water", "Child lock on hot water", "Filter change every 4 months")),
    "정수기3": (_fees(44_900, 3_000), 100_000, 4,
              ("하루 얼음 1.2kg 생성", "탱크 없는 직수형", "3개월마다 살균 케어"),
              ("Makes 1.2 kg of ice a day", "Tankless direct flow", "Sterilizing care every 3 months")),
    "공기청정기1": (_fees(15_900, 1_500), 0, 2,
                ("20평 이하 공간", "수면 모드 22dB", "6개월마다 필터 교체"),
                ("Rooms up to 20 pyeong", "22 dB sleep mode", "Filter change every 6 months")),
    "공기청정기2": (_fees(32_900, 2_500), 50_000, 2,
                ("40평대 거실까지", "듀얼 헤파 필터", "미세먼지 센서 자동 운전"),
                ("Living rooms up to 40 pyeong", "Dual HEPA filters", "Auto mode with a fine-dust sensor")),
    "비데1": (_fees(12_900, 1_000), 0, 2,
            ("세정·건조 기본 기능", "절전 모드", "6개월마다 노즐 점검"),
            ("Wash and dry", "Power-saving mode", "Nozzle check every 6 months")),
    "비데2": (_fees(22_900, 1_500), 30_000, 3,
            ("노즐 자동 살균", "온수 순간가열", "4개월마다 살균 케어"),
            ("Automatic nozzle sterilization", "Instant hot water", "Sterilizing care every 4 months")),
    "식기세척기1": (_fees(29_900, 2_500), 50_000, 2,
                ("6인용 카운터탑", "설치 공사 없이 사용", "고온 살균 세척"),
                ("6 place settings, countertop", "No plumbing work needed", "High-temperature wash")),
    "식기세척기2": (_fees(46_900, 3_500), 150_000, 2,
                ("12인용 빌트인", "3단 바스켓", "자동 문열림 건조"),
                ("12 place settings, built in", "Three racks", "Auto door-open drying")),
    "매트리스1": (_fees(39_900, 3_000), 0, 3,
              ("포켓스프링 퀸 사이즈", "4개월마다 홈케어 청소", "2년마다 상판 교체"),
              ("Queen pocket-spring mattress", "Home-care cleaning every 4 months", "New top layer every 2 years")),
}

_BASE: tuple[Product, ...] = (
    Product("정수기1", "정수기", "슬림 냉정수기", "Slim chilled water purifier", 19_900,
            "작은 주방에 맞는 슬림형 냉수·정수 정수기", "A slim chilled/filtered purifier for small kitchens"),
    Product("정수기2", "정수기", "냉온정수기 스탠다드", "Hot & cold water purifier Standard", 29_900,
            "냉수·온수·정수를 모두 쓰는 가족용 기본형", "Hot, cold and filtered water for a family kitchen"),
    Product("정수기3", "정수기", "직수 얼음정수기 프리미엄", "Premium ice-maker water purifier", 44_900,
            "얼음까지 만드는 대용량 직수형 프리미엄 모델", "Tankless premium purifier that also makes ice"),
    Product("공기청정기1", "공기청정기", "원룸 공기청정기", "Compact air purifier", 15_900,
            "20평 이하 공간용 저소음 소형 공기청정기", "Quiet compact purifier for spaces under 20 pyeong"),
    Product("공기청정기2", "공기청정기", "대용량 공기청정기", "Large-room air purifier", 32_900,
            "40평대 거실까지 커버하는 듀얼 필터 모델", "Dual-filter purifier that covers a 40-pyeong living room"),
    Product("비데1", "비데", "기본형 비데", "Essential bidet", 12_900,
            "세정·건조 기본 기능에 충실한 비데", "A bidet with the essentials: wash and dry"),
    Product("비데2", "비데", "살균 케어 비데", "Sterilizing care bidet", 22_900,
            "노즐 자동 살균과 온수 순간가열 비데", "Automatic nozzle sterilization and instant hot water"),
    Product("식기세척기1", "식기세척기", "6인용 식기세척기", "6-place dishwasher", 29_900,
            "싱크대 위에 두는 6인용 콤팩트 식기세척기", "A compact countertop dishwasher for six place settings"),
    Product("식기세척기2", "식기세척기", "12인용 빌트인 식기세척기", "12-place built-in dishwasher", 46_900,
            "대가족을 위한 12인용 빌트인 식기세척기", "A built-in dishwasher for twelve place settings"),
    Product("매트리스1", "매트리스", "케어 매트리스", "Care mattress", 39_900,
            "정기 케어 서비스가 포함된 포켓스프링 매트리스", "Pocket-spring mattress with regular care service"),
)


def _with_facts(product: Product) -> Product:
    fees, registration, visits, ko, en = _FACTS[product.code]
    if fees[60] != product.monthly_fee:
        raise ImportError(f"{product.code}: the 60-month fee must be the monthly fee the data was made with")
    return Product(**{**product.__dict__, "fees": fees, "registration_fee": registration, "care_visits": visits,
                      "features_ko": ko, "features_en": en})


PRODUCTS: tuple[Product, ...] = tuple(_with_facts(p) for p in _BASE)
PRODUCTS_BY_CODE: dict[str, Product] = {p.code: p for p in PRODUCTS}

if tuple(p.code for p in PRODUCTS) != PRODUCT_CODES or {p.group for p in PRODUCTS} != set(GROUPS):
    raise ImportError("db.catalog and core.vocabulary disagree on the products")  # the model depends on this order
