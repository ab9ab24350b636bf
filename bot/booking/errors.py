"""The one tree of booking errors. Every message is Chinese the worker or staff can read.

``BookingError``
├── ``InvalidPhone`` / ``InvalidName`` — what she typed cannot be used
├── ``SlotUnavailable`` — the time is gone: ``SlotFull``, ``SlotNotBookable`` (too soon, past
│   the horizon, or no longer offered)
├── ``AppointmentNotFound`` — no booking with that code / phone
├── ``ChangeNotAllowed`` — past the cut-off or already closed: she must call the station
├── ``StationDataError`` — an import file is wrong
└── ``BookingUnavailable`` — the database cannot be reached; nothing was written
"""

from __future__ import annotations

__all__ = [
    "AppointmentNotFound",
    "BookingError",
    "BookingUnavailable",
    "ChangeNotAllowed",
    "InvalidName",
    "InvalidPhone",
    "SlotFull",
    "SlotNotBookable",
    "SlotUnavailable",
    "StationDataError",
]


class BookingError(Exception):
    """Base of every booking error; ``str(error)`` is a message fit to show a person."""


class InvalidPhone(BookingError):
    """The phone number is not a mainland mobile or landline number."""


class InvalidName(BookingError):
    """The name is empty, too long or not a name."""


class SlotUnavailable(BookingError):
    """The chosen time cannot be booked."""


class SlotFull(SlotUnavailable):
    """Every seat of the slot is taken."""


class SlotNotBookable(SlotUnavailable):
    """The slot is too soon, beyond the booking horizon, or not offered."""


class AppointmentNotFound(BookingError):
    """No live appointment matches."""


class ChangeNotAllowed(BookingError):
    """The worker can no longer change the booking herself (cut-off, or already closed)."""


class StationDataError(BookingError):
    """A stations file cannot be imported."""


class BookingUnavailable(BookingError):
    """The booking database cannot be reached; the operation was not applied."""
