"""The routers of the four on-the-spot actions (四个当场), mounted by main.py as one."""

from fastapi import APIRouter

from intake_api.onsite.consultations.router import router as consultations_router
from intake_api.onsite.knowledge.router import router as knowledge_router
from intake_api.onsite.mediations.router import router as mediations_router
from intake_api.onsite.transfer_forms.router import router as transfer_forms_router

router = APIRouter()
router.include_router(knowledge_router)
router.include_router(consultations_router)
router.include_router(mediations_router)
router.include_router(transfer_forms_router)

OPENAPI_TAGS = (
    {"name": "知识库", "description": "咨询答复口径的问答条目：维护、版本、中文检索"},
    {"name": "四个当场", "description": "当场答复咨询、当场调解、当场出具转送单（当场登记见“信访件”）"},
    {"name": "信访指南", "description": "向初次信访群众提供的信访指南（分版本）"},
)
