from pathlib import Path

from sqlalchemy.orm import DeclarativeBase

from services.db import make_worker_engine

SERVICE_ROOT = Path(__file__).resolve().parents[2]

__all__ = ["SERVICE_ROOT", "Base", "make_worker_engine"]


class Base(DeclarativeBase):
    pass
