"""Legal publicity (信访法治宣传): the kinds of events and content, and what the public may see."""

from datetime import date

EVENT_KINDS = {
    "law_in_community": "信访法治进社区",
    "story_sharing": "信访故事分享会",
    "notice_board": "信访法治宣传栏",
    "other": "其他宣传活动",
}
CONTENT_KINDS = {"video": "信访小课堂短视频", "case_explanation": "案例解析", "article": "图文"}


def held_in_future(held_on: date, today: date) -> bool:
    return held_on > today
