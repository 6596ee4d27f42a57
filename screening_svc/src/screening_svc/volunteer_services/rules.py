"""Volunteer services (policy talks, legal consultations, counselling) and who may give them."""

from datetime import date

KINDS = {"policy_talk": "政策宣讲", "legal_consultation": "法律咨询", "counselling": "心理疏导"}


def held_in_future(held_on: date, today: date) -> bool:
    return held_on > today


def not_volunteers(volunteer_ids: list, volunteers_of_community: set) -> list[int]:
    """Positions of the given ids that are not volunteers of the grid's community (for JSON pointers)."""
    return [i for i, member_id in enumerate(volunteer_ids) if member_id not in volunteers_of_community]
