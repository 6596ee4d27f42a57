"""Team roles and the backgrounds each draws on (work plan 2026, part 一.二)."""

BACKGROUNDS: dict[str, dict[str, str]] = {
    "grid_worker": {"full_time": "专职网格员", "part_time": "兼职网格员"},
    "informant": {
        "committee_member": "村（社区）两委成员",
        "retired_cadre": "退休干部",
        "veteran_party_member": "老党员",
    },
    "volunteer": {"student": "高校学生", "lawyer": "律师", "counsellor": "心理咨询师", "other": "其他志愿者"},
}
ROLE_NAMES = {"grid_worker": "网格员", "informant": "信访信息员", "volunteer": "志愿者"}


def background_fits(role: str, background: str) -> bool:
    return background in BACKGROUNDS.get(role, {})


def phone_binding(member_id: object) -> str:
    return f"team_members:{member_id}:phone"
