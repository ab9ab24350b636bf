"""``GET /appointments/{token}.ics``: the worker's appointment for her phone's calendar.

Public (the worker has no account) but unguessable: the token is the confirmation code
signed with ``SECRET_KEY`` (``bot.booking.links``). The file names the station, time and
what to bring; it holds no phone number.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from bot.booking import service
from bot.booking.errors import BookingUnavailable
from bot.booking.ics import appointment_ics
from bot.booking.links import code_from_token
from bot.staff.access import runtime
from bot.store.db import session_scope

__all__ = ["public_router"]

public_router = APIRouter(tags=["booking"])


@public_router.get("/appointments/{token}.ics", response_class=Response)
def appointment_calendar(request: Request, token: str) -> Response:
    """The ``.ics`` file of the appointment named by a signed link."""
    code = code_from_token(request.app.state.settings.dev_secret("secret_key"), token)
    if code is None:
        raise HTTPException(404, "链接无效")
    try:
        with service.guard_database(), session_scope(runtime(request).engine) as session:
            appointment = service.find_by_code(session=session, code=code)
            if appointment is None:
                raise HTTPException(404, "没有这个预约")
            body = appointment_ics(service.view_of(appointment))
    except BookingUnavailable as error:
        raise HTTPException(503, str(error)) from error
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="appointment-{code}.ics"'},
    )
