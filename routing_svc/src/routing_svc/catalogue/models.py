from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from routing_svc.db import Base


class Category(Base):
    """A petition category of the two-level catalogue: top level 2 digits (03 城乡建设), sub level 4 (0301 物业管理)."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_code: Mapped[str | None] = mapped_column(String(4), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DispatchEntry(Base):
    """The dispatch catalogue (谁主管、谁负责): for a category and a level, the competent department."""

    __tablename__ = "dispatch_catalogue"

    category_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    level: Mapped[str] = mapped_column(String(16), primary_key=True)
    department_code: Mapped[str] = mapped_column(String(32), index=True)
