"""Chinese names of the coded values events carry, offered to templates as ``<field>_name``."""

LEGAL_ROUTES = {
    "litigation": "诉讼",
    "arbitration": "仲裁",
    "administrative_reconsideration": "行政复议",
    "party_appeal": "党员申诉",
    "other_procedure": "其他法定途径",
}

LABELS: dict[str, dict[str, str]] = {
    "legal_route": LEGAL_ROUTES,
    "mode": {"transfer": "转送", "assign": "交办"},
    "outcome": {
        "support": "支持",
        "explain": "解释说明",
        "not_support": "不予支持",
        "upheld": "维持",
        "changed": "变更",
        "revoked": "撤销",
    },
    "level": {"review": "复查", "re_review": "复核"},
    "how": {
        "consultation": "答复",
        "mediation": "调解",
        "resolved": "办结",
        "finalized": "终结",
        "withdrawn": "撤回",
        "not_accepted": "不予受理",
        "steered": "导入法定途径",
        "merged": "合并办理",
    },
    "reason": {
        "in_process_below": "同一事项已由下级机关受理或正在办理",
        "concluded_by_re_review": "该事项已经复核终结",
        "legal_procedure": "该事项应通过法定途径解决",
    },
    "channel": {
        "visit": "来访",
        "letter": "来信",
        "online": "网上信访",
        "phone": "来电",
        "fax": "传真",
        "appointment": "预约接访",
        "home_visit": "上门接访",
    },
    "tier": {"community": "社区", "street": "街道", "district": "区级"},
    "cancelled_by": {"petitioner": "信访人", "staff": "工作人员"},
    "rating": {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"},
    "gap": {"grid_not_swept": "网格未按期排查", "resident_not_visited": "重点人员未按期走访"},
    "alert": {
        "awareness_below_target": "知晓率低于目标",
        "approval_below_target": "支持率低于目标",
        "monitoring": "实施后监测预警",
    },
    "risk_level": {"low": "低", "medium": "中", "high": "高"},
    "disabled_reason": {"gone": "对方返回 410，地址已失效", "attempts_exhausted": "多次投递失败", "manual": "人工停用"},
}
