"""The events of appointments: notify_svc sends the confirmation and, from ``starts_at``, the day-before reminder."""

from datetime import datetime

from intake_api.reception.appointments.models import Appointment, ReceptionSession
from services.contracts import CloudEvent
from services.contracts.intake import AppointmentBooked, AppointmentCancelled, AppointmentCancelledData, AppointmentData


def _data(appointment: Appointment, slot: ReceptionSession, *, sealed: str, now: datetime) -> dict:
    return {
        "appointment_id": appointment.id,
        "session_id": slot.id,
        "petitioner_ref": appointment.petitioner_id,
        "starts_at": slot.starts_at,
        "place": slot.place,
        "host": slot.host,
        "occurred_at": now,
        "contact_sealed": sealed,
    }


def booked(appointment: Appointment, slot: ReceptionSession, *, sealed: str, now: datetime) -> CloudEvent:
    data = AppointmentData(**_data(appointment, slot, sealed=sealed, now=now))
    return AppointmentBooked.create(subject=str(appointment.id), data=data)


def cancelled(
    appointment: Appointment, slot: ReceptionSession, *, sealed: str, now: datetime, by: str, reason: str
) -> CloudEvent:
    data = AppointmentCancelledData(**_data(appointment, slot, sealed=sealed, now=now), cancelled_by=by, reason=reason)
    return AppointmentCancelled.create(subject=str(appointment.id), data=data)
