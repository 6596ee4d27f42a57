"""The texts petitioners receive (信访工作条例: receipt, where the matter went). Templates become data later."""

TEMPLATES = {
    "petition.received": "【信访】您的信访事项已登记，编号 {tracking_no}。请凭编号和查询码查询办理进展。",
    "case.routed": "【信访】您的信访事项（编号 {tracking_no}）已转交{unit_name}办理。",
}


def render(template: str, **values: str) -> str:
    return TEMPLATES[template].format(**values)
