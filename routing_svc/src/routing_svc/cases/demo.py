"""Demo cases for embedded mode. Intake registers its demo petitions through its own use case; their
`petition.registered` events open cases here as any petition does. This module then takes some of those cases along
the lifecycle with the use cases of the API, as their unit's handler would, so that the queues show cases in several
states: one replied, one in handling, one signed for, the rest as dispatched (awaiting signature).

Only in demo mode, and only on a case still as it was opened (status `assigned`, no step but its dispatch), so a
restart or a user's own actions are never overridden. The cases open when intake's events arrive: it waits for them."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import select

from routing_svc.cases import actions, schemas, workflow
from routing_svc.cases.consumers import policy_of
from routing_svc.cases.lifecycle import Action
from routing_svc.cases.models import Case, CaseStep
from services.http.app import ServiceRuntime

log = logging.getLogger(__name__)

Step = tuple[Callable[[workflow.Change, object], Awaitable[None]], object]
_NOTE = schemas.NoteBody(note="演示：已安排专人办理")
_REPLY = schemas.ReplyBody(
    outcome="support",
    text="经核实，物业公司已安排维修屋顶，预计两周内完工，完工后由社区回访。",
    legal_basis="《物业管理条例》第五十五条",
)
# the content of intake's demo petitions (intake_api.demo.DEMO_PETITIONS) → what its unit's handler has done since
PLANS: dict[str, list[Step]] = {
    "柳岸社区 3 号楼屋顶漏水两年，多次向物业反映未修，请求维修。": [
        (actions.sign, _NOTE), (actions.accept, _NOTE), (actions.start, _NOTE), (actions.reply, _REPLY),
    ],
    "在东湖街道某建筑工地务工三个月，工资至今未结清，请求协调发放。": [
        (actions.sign, _NOTE), (actions.accept, _NOTE), (actions.start, _NOTE),
    ],
    "新城街道锦绣路夜间渣土车频繁通行，噪音和扬尘严重影响居民休息，请求限制通行时间。": [(actions.sign, _NOTE)],
}  # fmt: skip
WAIT_SECONDS = 120.0
POLL_SECONDS = 1.0


async def advance_demo_cases(runtime: ServiceRuntime) -> int:
    """Take every demo case still as dispatched through its plan; how many cases were advanced."""
    policy = policy_of(runtime.settings)  # type: ignore[arg-type]
    advanced = 0
    async with runtime.session_factory() as session, session.begin():
        statement = select(Case).where(Case.status == "assigned", Case.content.in_(PLANS), Case.source == "petition")
        for case in (await session.scalars(statement)).all():
            if await _acted_on(session, case):
                continue
            plan = PLANS[case.content]
            actor = f"demo-handler-{case.unit_code}"
            for use_case, body in plan:
                change = await workflow.change(session, case, actor=actor, at=datetime.now(UTC), policy=policy)
                await use_case(change, body)
                await session.flush()
            advanced += 1
    if advanced:
        runtime.relay.kick()
    return advanced


async def _acted_on(session, case: Case) -> bool:
    """Whether anyone took an action on the case since it was opened (the opening records one step: the dispatch)."""
    taken = (await session.scalars(select(CaseStep.action).where(CaseStep.case_id == case.id))).all()
    return list(taken) != [Action.ASSIGN.value]


async def _run(runtime: ServiceRuntime) -> None:
    """Until every plan found its case (or the wait is over): intake's events open the cases a little later."""
    done = 0
    for _ in range(int(WAIT_SECONDS / POLL_SECONDS)):
        try:
            done += await advance_demo_cases(runtime)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("demo cases: could not advance, will retry", exc_info=True)
        if done >= len(PLANS):
            return
        await asyncio.sleep(POLL_SECONDS)


def start(runtime: ServiceRuntime) -> None:
    if runtime.settings.demo_data:  # type: ignore[attr-defined]
        runtime.tasks.append(asyncio.create_task(_run(runtime), name="demo-cases:routing"))
