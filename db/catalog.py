"""The product catalogue: ten rentable products in five groups. The class order here is the model's."""
from __future__ import annotations

from dataclasses import dataclass

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

    def name(self, lang: str) -> str:
        return self.name_ko if lang == "ko" else self.name_en


PRODUCTS: tuple[Product, ...] = (
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

PRODUCTS_BY_CODE: dict[str, Product] = {p.code: p for p in PRODUCTS}

if tuple(p.code for p in PRODUCTS) != PRODUCT_CODES or {p.group for p in PRODUCTS} != set(GROUPS):
    raise ImportError("db.catalog and core.vocabulary disagree on the products")  # the model depends on this order
