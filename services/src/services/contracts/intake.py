"""Events produced by intake_api.

No event carries a national ID number, a full phone number or a name in plain text. Contact data that
notify_svc needs travels sealed for notify_svc alone (``contact_sealed``, ADR 0007).
"""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from services.contracts.envelope import CloudEvent, EventData

Channel = Literal["visit", "letter", "online", "phone", "fax", "appointment", "home_visit"]
Severity = Literal["minor", "general", "complex", "difficult"]
PetitionKind = Literal["complaint", "suggestion", "report"]
SpecialNeed = Literal["elderly", "minor", "disabled", "seriously_ill", "emotional_distress", "interpreter"]
Level = Literal["community", "street", "district", "city"]

_PETITION_ID = "019cac2b-a1b4-7181-a54c-66175d9dc9f8"
_PETITIONER_REF = "019cac2a-cdeb-7f2a-9944-c9c3269e0d37"
_TRACKING_NO = "2026-320599-000001"
_SEALED = "AfRk2vZbq3m1x0c9...（示例密文）"
_SEALED_FIELD = Field(
    default=None,
    description="联系方式密文：姓名、手机号、电子邮箱的 JSON，以 AES-256-GCM 加密并绑定 petitioner_ref，"
    "仅通知服务持有密钥（ADR 0007）",
)


class PetitionRegisteredData(EventData):
    petition_id: UUID
    tracking_no: str = Field(examples=[_TRACKING_NO])
    channel: Channel
    kind: PetitionKind = Field(
        default="complaint", description="类型：投诉请求、意见建议（第29条）、检举控告（第30条）"
    )
    category_code: str = Field(description="两级分类目录中的分类代码")
    severity: Severity = Field(default="general", description="轻微、一般、复杂、疑难；决定起始层级")
    summary: str = Field(default="", description="事项摘要；检举控告类不含被检举人信息")
    content: str | None = Field(default=None, description="信访事项内容；检举控告类为空（第30条，内容不上总线）")
    address: str = Field(description="事发地址")
    community_code: str | None = Field(default=None, description="事发地社区代码（如已知）")
    petitioner_ref: UUID = Field(description="信访人在受理服务中的引用 ID（不含个人信息）")
    phone_masked: str = Field(description="脱敏手机号，如 138****5678", examples=["138****5678"])
    received_at: datetime = Field(description="收到日期，法定时限自此起算")
    first_time: bool = Field(default=True, description="是否初次信访")
    group_size: int = Field(default=1, ge=1, description="来访人数（集体访大于 1）")
    representatives: int = Field(default=1, ge=0, le=5, description="代表人数，最多 5 人（第20条）")
    special_needs: list[SpecialNeed] = Field(default_factory=list, description="特殊需求")
    repeat_of: UUID | None = Field(default=None, description="重复信访时关联的原信访件 ID")
    skip_level: bool = Field(default=False, description="是否越级（到事项所属层级以上两级及以上走访，第20条）")
    visited_level: Level | None = Field(default=None, description="来访所到层级")
    proper_level: Level | None = Field(default=None, description="事项应属层级")
    contact_sealed: str | None = _SEALED_FIELD


class PetitionRegistered(CloudEvent):
    event_type: ClassVar[str] = "xinfang.petition.registered.v1"
    producer: ClassVar[str] = "intake"
    summary: ClassVar[str] = "信访事项已登记"
    type: Literal["xinfang.petition.registered.v1"] = "xinfang.petition.registered.v1"
    data: PetitionRegisteredData
    example: ClassVar[dict] = {
        "petition_id": _PETITION_ID,
        "tracking_no": _TRACKING_NO,
        "channel": "visit",
        "kind": "complaint",
        "category_code": "0301",
        "severity": "general",
        "summary": "柳岸社区 3 号楼屋顶漏水，请求维修",
        "content": "柳岸社区 3 号楼屋顶漏水两年，多次向物业反映未修，请求维修。",
        "address": "清河区长桥街道柳岸社区 3 号楼",
        "community_code": "320599001001",
        "petitioner_ref": _PETITIONER_REF,
        "phone_masked": "139****0001",
        "received_at": "2026-03-02T09:31:06+08:00",
        "first_time": True,
        "group_size": 1,
        "representatives": 1,
        "special_needs": ["elderly"],
        "repeat_of": None,
        "skip_level": False,
        "visited_level": "district",
        "proper_level": "community",
        "contact_sealed": _SEALED,
    }


class PetitionClosedData(EventData):
    petition_id: UUID
    tracking_no: str
    petitioner_ref: UUID
    occurred_at: datetime
    contact_sealed: str | None = _SEALED_FIELD


class PetitionResolvedOnSpotData(PetitionClosedData):
    how: Literal["consultation", "mediation"] = Field(description="当场答复咨询或当场调解成功")
    outcome: str = Field(description="答复或调解结果摘要")


class PetitionResolvedOnSpot(CloudEvent):
    event_type: ClassVar[str] = "xinfang.petition.resolved_on_spot.v1"
    producer: ClassVar[str] = "intake"
    summary: ClassVar[str] = "信访事项已当场化解"
    type: Literal["xinfang.petition.resolved_on_spot.v1"] = "xinfang.petition.resolved_on_spot.v1"
    data: PetitionResolvedOnSpotData
    example: ClassVar[dict] = {
        "petition_id": _PETITION_ID,
        "tracking_no": _TRACKING_NO,
        "petitioner_ref": _PETITIONER_REF,
        "occurred_at": "2026-03-02T10:05:00+08:00",
        "how": "mediation",
        "outcome": "双方达成调解协议，物业于 3 月 10 日前完成屋顶维修",
        "contact_sealed": _SEALED,
    }


LegalRoute = Literal["litigation", "arbitration", "administrative_reconsideration", "party_appeal", "other_procedure"]


class PetitionNotAcceptedData(PetitionClosedData):
    reason: Literal["in_process_below", "concluded_by_re_review", "legal_procedure"] = Field(
        description="不予受理原因：下级已受理或正在办理（第19条第3款）、复核终结后同一事实理由再次提出（第36条第3款）、"
        "应通过法定途径解决（第22、28、31条）"
    )
    legal_route: LegalRoute | None = Field(default=None, description="应当走的法定途径")
    related_tracking_no: str | None = Field(default=None, description="相关的在办或已终结信访件编号")
    notice: str = Field(description="告知信访人的文书正文")


class PetitionNotAccepted(CloudEvent):
    event_type: ClassVar[str] = "xinfang.petition.not_accepted.v1"
    producer: ClassVar[str] = "intake"
    summary: ClassVar[str] = "信访事项不予受理"
    type: Literal["xinfang.petition.not_accepted.v1"] = "xinfang.petition.not_accepted.v1"
    data: PetitionNotAcceptedData
    example: ClassVar[dict] = {
        "petition_id": _PETITION_ID,
        "tracking_no": _TRACKING_NO,
        "petitioner_ref": _PETITIONER_REF,
        "occurred_at": "2026-03-02T09:40:00+08:00",
        "reason": "legal_procedure",
        "legal_route": "arbitration",
        "related_tracking_no": None,
        "notice": "您反映的劳动报酬争议属于劳动争议仲裁受理范围，请向清河区劳动人事争议仲裁委员会申请仲裁。",
        "contact_sealed": _SEALED,
    }


class PetitionWithdrawnData(PetitionClosedData):
    reason: str = Field(description="撤回理由")


class PetitionWithdrawn(CloudEvent):
    event_type: ClassVar[str] = "xinfang.petition.withdrawn.v1"
    producer: ClassVar[str] = "intake"
    summary: ClassVar[str] = "信访人已撤回信访事项"
    type: Literal["xinfang.petition.withdrawn.v1"] = "xinfang.petition.withdrawn.v1"
    data: PetitionWithdrawnData
    example: ClassVar[dict] = {
        "petition_id": _PETITION_ID,
        "tracking_no": _TRACKING_NO,
        "petitioner_ref": _PETITIONER_REF,
        "occurred_at": "2026-03-05T15:00:00+08:00",
        "reason": "问题已由物业自行解决",
        "contact_sealed": None,
    }


class AppointmentData(EventData):
    appointment_id: UUID
    session_id: UUID
    petitioner_ref: UUID
    starts_at: datetime = Field(description="接访场次开始时间")
    place: str = Field(description="接访地点")
    host: str = Field(description="接访领导或部门")
    occurred_at: datetime
    contact_sealed: str | None = _SEALED_FIELD


_APPOINTMENT = {
    "appointment_id": "019cac30-0000-7000-8000-000000000001",
    "session_id": "019cac30-0000-7000-8000-0000000000a1",
    "petitioner_ref": _PETITIONER_REF,
    "starts_at": "2026-03-12T09:00:00+08:00",
    "place": "清河区信访局接待大厅 2 号接待室",
    "host": "区住房和城乡建设局 王副局长",
    "occurred_at": "2026-03-03T10:00:00+08:00",
    "contact_sealed": _SEALED,
}


class AppointmentBooked(CloudEvent):
    event_type: ClassVar[str] = "xinfang.appointment.booked.v1"
    producer: ClassVar[str] = "intake"
    summary: ClassVar[str] = "预约接访已登记"
    type: Literal["xinfang.appointment.booked.v1"] = "xinfang.appointment.booked.v1"
    data: AppointmentData
    example: ClassVar[dict] = _APPOINTMENT


class AppointmentCancelledData(AppointmentData):
    cancelled_by: Literal["petitioner", "staff"]
    reason: str = ""


class AppointmentCancelled(CloudEvent):
    event_type: ClassVar[str] = "xinfang.appointment.cancelled.v1"
    producer: ClassVar[str] = "intake"
    summary: ClassVar[str] = "预约接访已取消"
    type: Literal["xinfang.appointment.cancelled.v1"] = "xinfang.appointment.cancelled.v1"
    data: AppointmentCancelledData
    example: ClassVar[dict] = _APPOINTMENT | {"cancelled_by": "petitioner", "reason": "临时有事"}


class HomeVisitData(EventData):
    home_visit_id: UUID
    petitioner_ref: UUID
    petition_id: UUID | None = None
    community_code: str | None = Field(default=None, description="上门地点所在社区代码")
    reason: Literal["disabled", "seriously_ill", "elderly", "other"]
    scheduled_for: datetime | None = None
    occurred_at: datetime


_HOME_VISIT = {
    "home_visit_id": "019cac31-0000-7000-8000-000000000001",
    "petitioner_ref": _PETITIONER_REF,
    "petition_id": None,
    "community_code": "320599001001",
    "reason": "disabled",
    "scheduled_for": None,
    "occurred_at": "2026-03-04T08:30:00+08:00",
}


class HomeVisitRequested(CloudEvent):
    event_type: ClassVar[str] = "xinfang.home_visit.requested.v1"
    producer: ClassVar[str] = "intake"
    summary: ClassVar[str] = "上门接访已申请"
    type: Literal["xinfang.home_visit.requested.v1"] = "xinfang.home_visit.requested.v1"
    data: HomeVisitData
    example: ClassVar[dict] = _HOME_VISIT


class HomeVisitCompletedData(HomeVisitData):
    cadre: str = Field(description="上门接访干部")
    result: str = Field(description="接访结果摘要")


class HomeVisitCompleted(CloudEvent):
    event_type: ClassVar[str] = "xinfang.home_visit.completed.v1"
    producer: ClassVar[str] = "intake"
    summary: ClassVar[str] = "上门接访已完成"
    type: Literal["xinfang.home_visit.completed.v1"] = "xinfang.home_visit.completed.v1"
    data: HomeVisitCompletedData
    example: ClassVar[dict] = _HOME_VISIT | {
        "petition_id": _PETITION_ID,
        "scheduled_for": "2026-03-06T14:00:00+08:00",
        "occurred_at": "2026-03-06T15:10:00+08:00",
        "cadre": "长桥街道 李干部",
        "result": "已登记诉求并转送柳岸社区办理",
    }


class ReceptionRatedData(EventData):
    reception_id: UUID
    staff_id: str = Field(description="接访人员标识")
    attitude: int = Field(ge=1, le=5, description="服务态度评分 1–5")
    efficiency: int = Field(ge=1, le=5, description="办事效率评分 1–5")
    occurred_at: datetime


class ReceptionRated(CloudEvent):
    event_type: ClassVar[str] = "xinfang.reception.rated.v1"
    producer: ClassVar[str] = "intake"
    summary: ClassVar[str] = "信访人已评价接待"
    type: Literal["xinfang.reception.rated.v1"] = "xinfang.reception.rated.v1"
    data: ReceptionRatedData
    example: ClassVar[dict] = {
        "reception_id": "019cac32-0000-7000-8000-000000000001",
        "staff_id": "reception-01",
        "attitude": 5,
        "efficiency": 4,
        "occurred_at": "2026-03-02T10:20:00+08:00",
    }


EVENTS: tuple[type[CloudEvent], ...] = (
    PetitionRegistered,
    PetitionResolvedOnSpot,
    PetitionNotAccepted,
    PetitionWithdrawn,
    AppointmentBooked,
    AppointmentCancelled,
    HomeVisitRequested,
    HomeVisitCompleted,
    ReceptionRated,
)
