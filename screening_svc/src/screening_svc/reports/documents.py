"""The readable report: one self-contained HTML document (inline CSS and SVG charts, no script, no network)."""

from html import escape

from screening_svc.reports import charts
from screening_svc.reports.schemas import Chart, Metric, ReportRead, Table

_STYLE = (
    "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em auto;max-width:60em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left}"
    ".metrics td:nth-child(2){text-align:right}.missed{color:#c0392b}figure{margin:1em 0}"
)


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return escape(f"{value:g}" if isinstance(value, float) else str(value))


def _metric(item: Metric) -> str:
    unit = escape(item.unit or "")
    target = "" if item.target is None else f"（目标 {item.target:g}{unit}）"
    css = ' class="missed"' if item.met is False else ""
    return f"<tr{css}><td>{escape(item.label)}</td><td>{_cell(item.value)}{unit}</td><td>{target}</td></tr>"


def _table(item: Table) -> str:
    head = "".join(f"<th>{escape(c.label)}</th>" for c in item.columns)
    if not item.rows:
        return f"<h2>{escape(item.title)}</h2><p>无</p>"
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(row.get(c.key))}</td>" for c in item.columns) + "</tr>" for row in item.rows
    )
    return f"<h2>{escape(item.title)}</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart(item: Chart) -> str:
    if item.kind == "bar":
        values = next(iter(item.series.values()), [])
        svg = charts.bar_chart(item.title, list(zip(item.labels, values, strict=False)))
    else:
        svg = charts.line_chart(item.title, item.labels, item.series)
    return f"<figure>{svg}<figcaption>{escape(item.title)}</figcaption></figure>"


def render(report: ReportRead) -> str:
    metrics = "".join(_metric(m) for m in report.metrics)
    published = f"，发布于 {report.published_at:%Y-%m-%d %H:%M}" if report.published_at else ""
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(report.title)}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{escape(report.title)}</h1>"
        f"<p>统计期间 {report.first_day} 至 {report.last_day}；生成于 {report.generated_at:%Y-%m-%d %H:%M} UTC"
        f'{published}</p><table class="metrics">{metrics}</table>'
        + "".join(_chart(c) for c in report.charts)
        + "".join(_table(t) for t in report.tables)
        + "</body></html>"
    )
