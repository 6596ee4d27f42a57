"""The routers of the reception domains, mounted by main.py as one."""

from fastapi import APIRouter

from intake_api.reception.appointments.router import router as appointments_router
from intake_api.reception.hall.router import router as hall_router
from intake_api.reception.home_visits.router import router as home_visits_router
from intake_api.reception.quality.router import router as quality_router

router = APIRouter()
router.include_router(hall_router)
router.include_router(appointments_router)
router.include_router(home_visits_router)
router.include_router(quality_router)

OPENAPI_TAGS = (
    {"name": "接待大厅", "description": "来访取号、排队看板、叫号与接待完毕"},
    {"name": "预约接访", "description": "领导、部门接访场次与信访人预约"},
    {"name": "上门接访", "description": "残疾人、重病患者等的上门接访：申请、安排干部、完成并关联信访件"},
    {"name": "接待质量", "description": "接待评价、现场抽查、回访、对工作人员的投诉与质量报表"},
)
