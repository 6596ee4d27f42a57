from pathlib import Path

from sqlalchemy.orm import DeclarativeBase

SERVICE_ROOT = Path(__file__).resolve().parents[2]


class Base(DeclarativeBase):
    pass
