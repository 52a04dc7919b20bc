"""SQLAlchemy 2.x models for the two tables; column names keep the seed prototype's spelling."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Product(Base):
    __tablename__ = "product"

    prdtCd: Mapped[str] = mapped_column(String(32), primary_key=True)
    prdtGrpCd: Mapped[str] = mapped_column(String(32), index=True)
    name_ko: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    monthlyFee: Mapped[int] = mapped_column(Integer)  # KRW per month
    description_ko: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    # Monthly fee by contract length (KRW); monthlyFee is the 60-month one.
    fee36: Mapped[int] = mapped_column(Integer)
    fee48: Mapped[int] = mapped_column(Integer)
    fee60: Mapped[int] = mapped_column(Integer)
    registrationFee: Mapped[int] = mapped_column(Integer)  # KRW, once
    careVisits: Mapped[int] = mapped_column(Integer)  # care technician visits per year
    features_ko: Mapped[str] = mapped_column(Text)  # three features joined by " · "
    features_en: Mapped[str] = mapped_column(Text)


class Customer(Base):
    __tablename__ = "customer"

    # Ids always come from the data (generator or CSV); no SERIAL, which DuckDB does not have.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    age: Mapped[int] = mapped_column(Integer)  # years, 19-90
    houseHold: Mapped[int] = mapped_column(Integer)  # people, 1-8
    amt: Mapped[int] = mapped_column(Integer)  # monthly budget, thousands of KRW
    size: Mapped[int] = mapped_column(Integer)  # home size, pyeong
    score: Mapped[int] = mapped_column(Integer)  # membership score, 0-100
    discRate: Mapped[int] = mapped_column(Integer)  # percent, 0-50
    # Indexed because grouped-by-product, top-N and share questions measured 23 ms -> 5 ms p50 with them
    # (bench/analytics.py); ANALYZE after the build keeps the planner from using them for wide scans.
    prdtGrpCd: Mapped[str] = mapped_column(String(32), index=True)
    prdtCd: Mapped[str] = mapped_column(ForeignKey("product.prdtCd"), index=True)

    # PostgreSQL only, measured at 7,000,000 rows (bench/postgres_tuning.py): one group's ages (counts of
    # 40대, average and oldest age, age bands of a group) became index-only range scans, 290 -> 37 ms for
    # "40대 비데 사용자 수" and 630 -> 266 ms for an average age. SQLite (the 70,000-row default) and DuckDB
    # do without it.
    __table_args__ = (Index("ix_customer_prdtGrpCd_age", "prdtGrpCd", "age").ddl_if(dialect="postgresql"),)


ALLOWED_TABLES = frozenset({"customer", "product"})

SCHEMA_TEXT = """\
Table customer (one row per customer renting a product)
  id INTEGER primary key
  age INTEGER -- years, 19-90
  houseHold INTEGER -- people in the household, 1-8
  amt INTEGER -- monthly rental budget in thousands of KRW (월 3만원 = 30)
  size INTEGER -- home size in pyeong (평)
  score INTEGER -- membership score 0-100
  discRate INTEGER -- discount rate in percent 0-50
  prdtGrpCd TEXT -- product group: '정수기' (water purifier), '공기청정기' (air purifier), '비데' (bidet), '식기세척기' (dishwasher), '매트리스' (mattress)
  prdtCd TEXT -- product code: '정수기1','정수기2','정수기3','공기청정기1','공기청정기2','비데1','비데2','식기세척기1','식기세척기2','매트리스1'
Table product (the catalogue)
  prdtCd TEXT primary key, prdtGrpCd TEXT, name_ko TEXT, name_en TEXT, monthlyFee INTEGER (KRW per month), description_ko TEXT, description_en TEXT
  fee36, fee48, fee60 INTEGER -- monthly fee in KRW on a 36-, 48- or 60-month contract (3년/4년/5년 약정); monthlyFee = fee60
  registrationFee INTEGER -- one-off registration fee in KRW (등록비)
  careVisits INTEGER -- care technician visits per year (케어 방문)
  features_ko TEXT, features_en TEXT -- three key features joined by ' · '
"""
