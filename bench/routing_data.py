"""A synthetic but lifelike case load for routing_svc: cases over two years of the demo district, with their clocks,
steps, escalations and supervision orders, as rows for PostgreSQL COPY.

Each case follows the flow of the service (opened → assigned → signed → accepted → in handling → replied →
evaluated → closed, with reviews, extensions, steering to legal procedures, withdrawals) on a timeline drawn at
random; its state is wherever that timeline stands at `now`. Clocks are computed with the service's own clock rules
(`compute_due`, the official holiday calendar) and their `next_check_at` is what the scheduler would have left:
reminders already sent, lapses already handled (overdue → supervision order → escalation one tier up), so that at
`now` nothing is due — the state of a service whose scheduler has kept up. Ids are time-ordered (UUIDv7 of the
moment each row was made), like the service's.
"""

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from uuid import UUID

from routing_svc.cases.deadlines import OBLIGATIONS, OUTCOME_COLUMNS, OUTCOME_COUNTS, reminder_at
from routing_svc.catalogue.demo import CATEGORIES
from routing_svc.clocks import ClockKind, compute_due, end_of_day, local_date, official_calendar
from routing_svc.demo import DISTRICT, STREETS

DAY = 86400.0
LEADS = (3, 1)  # the default reminder lead days
SCHEDULER = "scheduler"
ONE_US = timedelta(microseconds=1)

COMMUNITIES = [
    (f"{street}{i:03d}", name, street, aliases)
    for street, (_, communities) in STREETS.items()
    for i, (name, aliases) in enumerate(communities, start=1)
]
STREET_NAMES = {code: name for code, (name, _) in STREETS.items()}
LEAF_CATEGORIES = [(code, name, depts) for code, name, depts in CATEGORIES if len(code) == 4]
TOP_DEPARTMENTS = {code: depts for code, _name, depts in CATEGORIES if len(code) == 2}
DEPT_NAMES = {"D-HOUSING": "区住房和城乡建设局", "D-CIVIL": "区民政局", "D-DRC": "区发展和改革委员会"}
SUGGESTION_DEPTS = ["D-HOUSING", "D-CIVIL", "D-DRC"]
CHANNELS = (["online"] * 45) + (["visit"] * 30) + (["letter"] * 10) + (["phone"] * 12) + (["appointment"] * 3)
SEVERITIES = (["minor"] * 30) + (["general"] * 45) + (["complex"] * 18) + (["difficult"] * 7)
TIER_OF = {"minor": "community", "general": "community", "complex": "street", "difficult": "district"}
UPPER = {"community": "street", "street": "district"}
LEGAL_ROUTES = ["litigation", "arbitration", "administrative_reconsideration", "party_appeal"]
CONTENT = (
    "{address}居民反映：{category}问题已持续数月，多次向有关方面反映未果，"
    "影响正常生活，请求有关部门尽快核实情况、依法依规处理，并将处理结果告知本人。"
    "具体情况：自去年以来，{category}方面的问题反复出现，居民曾通过电话和现场多次沟通。"
)

CASE_COLUMNS = (
    "id", "petition_id", "finding_id", "source", "tracking_no", "kind", "track", "status", "severity", "tier",
    "unit_code", "unit_name", "district_code", "street_code", "place_code", "department_code", "co_unit_codes",
    "mode", "fallback", "skip_level", "channel", "category_code", "summary", "content", "address", "petitioner_ref",
    "phone_masked", "repeat_count", "escalation_count", "handler_sub", "extension_days", "reply_outcome", "rating",
    "legal_route", "closed_how", "received_at", "opened_at", "assigned_at", "replied_at", "reviewed_at", "closed_at",
    "due_at", "version", "route_decided", "route_in_time", "handle_decided", "handle_in_time",
)  # fmt: skip
CLOCK_COLUMNS = (
    "id", "case_id", "kind", "round", "unit_code", "started_at", "due_at", "extension_days", "stopped_at",
    "lapsed_at", "reminded_leads", "calendar_missing", "next_check_at",
)  # fmt: skip
STEP_COLUMNS = ("id", "case_id", "action", "from_state", "to_state", "actor", "unit_code", "details", "at")
ESCALATION_COLUMNS = (
    "id", "case_id", "clock_id", "from_unit_code", "from_tier", "to_unit_code", "to_tier", "reason_code", "reason",
    "actor", "at",
)  # fmt: skip
ORDER_COLUMNS = (
    "id", "case_id", "clock_id", "unit_code", "unit_name", "reason", "listed", "issued_by", "issued_at", "due_at",
    "answer", "answered_by", "answered_at",
)  # fmt: skip


@dataclass
class Batch:
    cases: list[tuple] = field(default_factory=list)
    clocks: list[tuple] = field(default_factory=list)
    steps: list[tuple] = field(default_factory=list)
    escalations: list[tuple] = field(default_factory=list)
    orders: list[tuple] = field(default_factory=list)


_CALENDAR = official_calendar([])
_VERSION_BITS = (0x7 << 76) | (0b10 << 62)
_LOW_62 = (1 << 62) - 1
_NOTE = json.dumps({"note": "已处理"}, ensure_ascii=False)
_LEADS_JSON = {(): "[]", (3,): "[3]", (1,): "[1]", (3, 1): "[3, 1]"}


@cache
def _due(kind: ClockKind, day: date, extension_days: int = 0) -> tuple[float, bool]:
    started = end_of_day(day) - timedelta(hours=12)  # any moment of that local day: the rules count from the date
    due = compute_due(kind=kind, started_at=started, calendar=_CALENDAR, extension_days=extension_days)
    return due.due_at.timestamp(), due.provisional


def _ts(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _local_day(seconds: float) -> date:
    return local_date(_ts(seconds))


class Generator:
    """Rows of `count` cases received evenly over `days` days before `now` (reproducible from `seed`)."""

    def __init__(self, *, count: int, now: datetime, days: int = 730, seed: int = 1) -> None:
        self.count, self.now, self.days, self.seed = count, now.timestamp(), days, seed
        self.rng = random.Random(seed)
        self.start = self.now - days * DAY

    def uuid(self, at: float) -> UUID:
        """A UUIDv7 for the moment `at` (ms precision, random tail): ordered like the service's ids."""
        bits = self.rng.getrandbits(74)
        value = (int(at * 1000) << 80) | _VERSION_BITS | ((bits >> 62) << 64) | (bits & _LOW_62)
        return UUID(int=value)

    def rows(self, first: int, last: int) -> Batch:
        """The rows of cases number `first` to `last` - 1 (in order of receipt): one chunk, drawn from its own
        random stream so that chunks can be made in parallel and the same seed gives the same data."""
        self.rng = random.Random(f"{self.seed}:{first}")
        batch = Batch()
        span = self.now - self.start
        for i in range(first, last):
            received = self.start + span * (i + self.rng.random()) / self.count
            _Case(self, received, i).emit(batch)
        return batch


def chunk(count: int, now: float, days: int, seed: int, first: int, last: int) -> Batch:
    """`Generator(...).rows(first, last)` for a worker process."""
    return Generator(count=count, now=datetime.fromtimestamp(now, UTC), days=days, seed=seed).rows(first, last)


class _Case:
    """One case's life drawn at random, cut at `now`."""

    def __init__(self, gen: Generator, received: float, serial: int) -> None:
        self.g, self.rng, self.now = gen, gen.rng, gen.now
        rng = self.rng
        self.received = received
        self.id = gen.uuid(received + 1)  # opened a moment after it was received
        self.serial = serial
        roll = rng.random()
        self.kind = "petition" if roll < 0.93 else ("suggestion" if roll < 0.97 else "report")
        self.severity = rng.choice(SEVERITIES) if self.kind == "petition" else "general"
        self.community = rng.choice(COMMUNITIES)
        self.category = rng.choice(LEAF_CATEGORIES)
        self.skip_level = rng.random() < 0.03
        self.repeat_count = rng.choice((1, 1, 1, 2, 3)) if rng.random() < 0.08 else 0
        self.source = "conflict" if rng.random() < 0.06 else "petition"
        self.fallback = rng.random() < 0.02
        self.escalations: list[tuple] = []
        self.orders: list[tuple] = []
        self.steps: list[tuple] = []
        self.clocks: list[list] = []
        if self.kind == "petition" and not self.fallback:
            self._place(TIER_OF[self.severity])
        elif self.kind == "suggestion":
            code = rng.choice(SUGGESTION_DEPTS)
            self.tier, self.unit_code, self.unit_name = "district", code, DEPT_NAMES[code]
        else:
            self.tier, self.unit_code, self.unit_name = "district", DISTRICT[0], f"{DISTRICT[1]}信访局"

    def _place(self, tier: str) -> None:
        self.tier = tier
        code, name, street, _ = self.community
        if tier == "community":
            self.unit_code, self.unit_name = code, name
        elif tier == "street":
            self.unit_code, self.unit_name = street, STREET_NAMES[street]
        else:
            self.unit_code, self.unit_name = DISTRICT

    def department(self) -> str | None:
        level = "district" if self.tier == "district" else "street"
        top = TOP_DEPARTMENTS.get(self.category[0][:2], {})
        return self.category[2].get(level) or top.get(level)

    # --- the timeline ---------------------------------------------------------------------------------------

    def emit(self, batch: Batch) -> None:
        rng, now = self.rng, self.now
        t = self.received + rng.uniform(60, 3 * 3600)  # routed the same day
        status = "opened"
        self.assigned_at = self.replied_at = self.reviewed_at = None
        self.reply_outcome = self.rating = self.legal_route = None
        self.track, self.extension_days = "petition", 0
        register = self._clock(ClockKind.REGISTER_AND_ROUTE, self.received)
        if t > now:
            return self._finish(batch, status, None, None)
        status = self._step("assign", status, "assigned", t)
        self.assigned_at = t
        obj = self._clock(ClockKind.OBJECT, t)
        t += rng.uniform(600, 1.5 * DAY)
        if t > now:
            return self._finish(batch, status, None, None)
        if rng.random() < 0.02:  # objected: the sender insists, the unit signs later
            status = self._step("object", status, "objected", t)
            t += rng.uniform(0.5, 2) * DAY
            if t > now:
                return self._finish(batch, status, None, None)
            status = self._step("insist", status, "assigned", t)
        status = self._step("sign", status, "signed", t)
        self._stop(obj, t)
        t += rng.uniform(0.1, 3) * DAY
        if t > now:
            return self._finish(batch, status, None, None)
        roll = rng.random()
        if roll < 0.06:  # steered to a legal procedure (Art. 31)
            self.track, self.legal_route = "legal_procedure", rng.choice(LEGAL_ROUTES)
            status = self._step("steer", status, "steered", t)
            return self._close(batch, status, t, "steered")
        if roll < 0.10:
            status = self._step("reject", status, "not_accepted", t)
            return self._close(batch, status, t, "not_accepted")
        status = self._step("accept", status, "accepted", t)
        self._stop(register, t)
        handle = self._clock(ClockKind.HANDLE, t)
        t += rng.uniform(600, 0.5 * DAY)
        if t > now:
            return self._finish(batch, status, None, None)
        status = self._step("start", status, "in_handling", t)
        if rng.random() < 0.015:  # withdrawn while in handling
            t += rng.uniform(1, 20) * DAY
            if t <= now:
                status = self._step("withdraw", status, "closed", t)
                return self._close(batch, status, t, "withdrawn", step=False)
        duration = rng.uniform(5, 50) if rng.random() < 0.9 else rng.uniform(50, 80)
        reply_at = t + duration * DAY
        if duration > 45 and rng.random() < 0.5:  # asked for an extension before the limit
            extend_at = t + rng.uniform(40, 55) * DAY
            if extend_at <= now and extend_at < reply_at:
                status = self._step("extend", status, "extended", extend_at)
                self.extension_days = rng.choice((15, 20, 30))
                self._extend(handle, self.extension_days)
        escalated_at = self._lapse_if_due(handle, min(reply_at, now), status)
        if escalated_at is not None:  # the upper unit received it as a dispatch: signs, accepts, handles anew
            status = "assigned"
            obj = self._clock(ClockKind.OBJECT, escalated_at)
            signed = min(escalated_at + rng.uniform(0.1, 1) * DAY, reply_at - 1)
            if signed > now:
                return self._finish(batch, status, None, None)
            self._stop(obj, signed)
            status = self._step("sign", status, "signed", signed)
            status = self._step("accept", status, "accepted", signed + 0.1)
            status = self._step("start", status, "in_handling", signed + 0.2)
            handle = self._clock(ClockKind.HANDLE, signed)
        if reply_at > now:
            return self._finish(batch, status, None, None)
        t = reply_at
        self.reply_outcome = rng.choices(("support", "explain", "not_support"), (55, 35, 10))[0]
        status = self._step("reply", status, "replied", t)
        self.replied_at = t
        self._stop(handle, t)
        window = self._clock(ClockKind.REVIEW_REQUEST, t)
        t += rng.uniform(1, 12) * DAY
        if t > now:
            return self._finish(batch, status, None, None)
        self.rating = rng.choices(("satisfied", "basically_satisfied", "dissatisfied"), (78, 15, 7))[0]
        status = self._step("evaluate", status, "evaluated", t)
        if self.rating == "dissatisfied" and rng.random() < 0.6:  # review (复查)
            t = self.replied_at + rng.uniform(13, 29) * DAY
            if t > now:
                return self._finish(batch, status, None, None)
            status = self._step("request-review", status, "review_requested", t)
            self._stop(window, t)
            answer = self._clock(ClockKind.REVIEW_ANSWER, t)
            t += rng.uniform(5, 29) * DAY
            if t > now:
                return self._finish(batch, status, None, None)
            status = self._step("review", status, "reviewed", t)
            self.reviewed_at = t
            self._stop(answer, t)
            t += rng.uniform(1, 30) * DAY
            if t > now:
                return self._finish(batch, status, None, None)
            status = self._step("finalize", status, "final", t)
            t += rng.uniform(0.1, 3) * DAY
            if t > now:
                return self._finish(batch, status, None, None)
            return self._close(batch, self._step("close", status, "closed", t), t, "finalized", step=False)
        t = self.replied_at + rng.uniform(0.3, 1.0) * 30 * DAY  # closed when the petitioner is content
        if t > now:
            return self._finish(batch, status, None, None)
        return self._close(batch, self._step("close", status, "closed", t), t, "resolved", step=False)

    def _close(self, batch: Batch, status: str, at: float, how: str, *, step: bool = True) -> None:
        if step:
            at += self.rng.uniform(600, DAY)
            if at > self.now:
                return self._finish(batch, status, None, None)
            status = self._step("close", status, "closed", at)
        for clock in self.clocks:
            self._stop(clock, at)
        return self._finish(batch, status, how, at)

    # --- clocks, lapses, escalations ---------------------------------------------------------------------

    def _clock(self, kind: ClockKind, started: float) -> list:
        due, provisional = _due(kind, _local_day(started))
        rounds = sum(1 for c in self.clocks if c[2] == kind.value) + 1
        clock = [self.g.uuid(started), self.id, kind.value, rounds, self.unit_code, started, due, 0, None, None,
                 provisional]  # fmt: skip
        self.clocks.append(clock)
        return clock

    def _stop(self, clock: list, at: float) -> None:
        if clock[8] is None:  # a lapsed clock still runs until something stops it
            clock[8] = at

    def _extend(self, clock: list, days: int) -> None:
        clock[6], clock[10] = _due(ClockKind(clock[2]), _local_day(clock[5]), days)
        clock[7] = days

    def _lapse_if_due(self, handle: list, until: float, status: str) -> float | None:
        """A handle clock that ran out before `until` lapsed at the scheduler's sweep after its due moment: overdue,
        a supervision order, and escalation one tier up (not above the district). The escalation's time, if any."""
        lapse = handle[6] + 1e-6 + self.rng.uniform(1, 60)
        if lapse > until:
            return None
        handle[9] = lapse
        self._supervise_lapse(handle, lapse)
        upper = UPPER.get(self.tier) if self.unit_code[0].isdigit() else None
        if upper is None:
            return None  # a district case stays overdue under supervision
        from_unit, from_tier = self.unit_code, self.tier
        self._place(upper)
        self.escalations.append(
            (self.g.uuid(lapse), self.id, handle[0], from_unit, from_tier, self.unit_code, upper, "overdue",
             "办理已受理的信访事项期限届满", SCHEDULER, _ts(lapse))
        )  # fmt: skip
        self._step("escalate", status, "assigned", lapse, actor=SCHEDULER)
        handle[8] = lapse  # escalation stops the lower unit's handle clock
        return lapse

    def _step(self, action: str, from_state: str, to_state: str, at: float, *, actor: str | None = None) -> str:
        actor = actor or f"handler-{self.unit_code.lower()}"
        details = _NOTE if action in ("reply", "close", "evaluate") else "{}"
        self.steps.append((self.g.uuid(at), self.id, action, from_state, to_state, actor, self.unit_code, details, at))
        return to_state

    # --- rows -------------------------------------------------------------------------------------------------

    def _finish(self, batch: Batch, status: str, closed_how: str | None, closed_at: float | None) -> None:
        now = self.now
        running_due = []
        outcomes = dict.fromkeys(OUTCOME_COUNTS, 0)  # the KPI counts the service keeps on the case
        for clock in self.clocks:
            kind = clock[2]
            stopped, lapsed, due = clock[8], clock[9], clock[6]
            if stopped is not None and stopped > now:
                clock[8] = stopped = None
            reminded: list[int] = []
            next_check = None
            if stopped is None and lapsed is None and kind in OBLIGATIONS:
                due_dt = _ts(due)
                if due < now:  # ran out while nothing stopped it (a district case): lapsed and supervised
                    clock[9] = lapsed = due + 30
                    self._supervise_lapse(clock, lapsed)
                else:
                    reminded = [lead for lead in LEADS if reminder_at(due_dt, lead).timestamp() <= now]
                    pending = [reminder_at(due_dt, lead).timestamp() for lead in LEADS if lead not in reminded]
                    next_check = min([*pending, due + 1e-6])
            if stopped is None and kind in OBLIGATIONS:
                running_due.append(due)
            row = (
                clock[0], clock[1], kind, clock[3], clock[4], _ts(clock[5]), _ts(due), clock[7],
                None if stopped is None else _ts(stopped), None if lapsed is None else _ts(lapsed),
                _LEADS_JSON[tuple(reminded)], clock[10], None if next_check is None else _ts(next_check),
            )  # fmt: skip
            if kind in OUTCOME_COLUMNS:  # on the stored moments, as the service compares them
                for column, counted in zip(OUTCOME_COLUMNS[kind], _outcome(*row[6:10]), strict=True):
                    outcomes[column] += counted
            batch.clocks.append(row)
        code, _, street, aliases = self.community
        district_code, street_code = (
            (self.unit_code[:6], self.unit_code[:9]) if self.unit_code.isdigit() and len(self.unit_code) >= 9
            else (DISTRICT[0], None)
        )  # fmt: skip
        department = self.department()
        co_units = department and department != self.unit_code and self.tier != "community"
        co_json = f'["{department}"]' if co_units else "[]"
        tracked = self.severity in ("complex", "difficult") or self.source == "conflict" or self.skip_level
        mode = "assign" if tracked or self.repeat_count or self.tier == "district" else "transfer"
        address = f"{DISTRICT[1]}{STREET_NAMES[street]}{self.rng.choice(aliases)}{self.rng.randint(1, 40)}号"
        category_name = self.category[1]
        received = self.received
        batch.cases.append(
            (self.id, self.g.uuid(received) if self.source == "petition" else None,
             self.g.uuid(received) if self.source == "conflict" else None, self.source,
             f"QH{_local_day(received):%Y%m%d}{self.serial % 100000:05d}" if self.source == "petition" else None,
             self.kind, self.track, status, self.severity, self.tier, self.unit_code, self.unit_name, district_code,
             street_code, code, department, co_json, mode, self.fallback, self.skip_level,
             self.rng.choice(CHANNELS), self.category[0], f"{category_name}问题", CONTENT.format(
                 address=address, category=category_name), address, self.g.uuid(received),
             f"138****{self.rng.randint(0, 9999):04d}", self.repeat_count, len(self.escalations),
             None if status in ("opened", "assigned") else f"handler-{self.unit_code.lower()}", self.extension_days,
             self.reply_outcome, self.rating, self.legal_route, closed_how, _ts(received), _ts(received + 1),
             _opt(self.assigned_at), _opt(self.replied_at), _opt(self.reviewed_at), _opt(closed_at),
             _ts(min(running_due)) if running_due and status != "closed" else None, 1 + len(self.steps),
             *outcomes.values())
        )  # fmt: skip
        batch.steps += [(*s[:8], _ts(s[8])) for s in self.steps]
        batch.escalations += self.escalations
        batch.orders += self.orders

    def _supervise_lapse(self, clock: list, lapse: float) -> None:
        answered = lapse + self.rng.uniform(2, 10) * DAY
        answer = ("已书面答复：正在协调处理", f"handler-{self.unit_code.lower()}", _ts(answered))
        self.orders.append(
            (self.g.uuid(lapse), self.id, clock[0], self.unit_code, self.unit_name, "期限届满未办结",
             self.rng.random() < 0.1, SCHEDULER, _ts(lapse), _ts(lapse + 10 * DAY),
             *(answer if answered < self.now else (None, None, None)))
        )  # fmt: skip


def _outcome(due: datetime, _extension: int, stopped: datetime | None, lapsed: datetime | None) -> tuple[int, int]:
    """`deadlines.outcome` of a clock row: (decided, in time)."""
    return int(stopped is not None or lapsed is not None), int(stopped is not None and stopped <= due)


def _opt(seconds: float | None) -> datetime | None:
    return None if seconds is None else _ts(seconds)
