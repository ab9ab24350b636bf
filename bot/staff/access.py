"""Who is asking, and what they may see: the staff dashboard's request context.

A ``staff`` account sees only its own station; an ``admin`` sees every station (and may
narrow to one). An appointment of another station answers 404, exactly like one that
does not exist, so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from bot.auth.errors import LoginRequired, PermissionDenied
from bot.auth.sessions import SessionData
from bot.auth.web import AuthConfig, current_user
from bot.booking.runtime import BookingRuntime, booking_runtime
from bot.settings import Settings
from bot.store.models import Appointment, User, UserRole

__all__ = ["LOGIN_PATH", "StaffContext", "auth_config", "runtime", "staff_context"]

LOGIN_PATH = "/staff/login"
COOKIE = "hotline_staff"


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def runtime(request: Request) -> BookingRuntime:
    """The booking runtime of this app (made on first use from the app's settings)."""
    state = request.app.state
    if getattr(state, "booking", None) is None:
        state.booking = booking_runtime(_settings(request))
    return state.booking  # type: ignore[no-any-return]


def auth_config(request: Request) -> AuthConfig:
    settings = _settings(request)
    production = settings.hotline_env == "production"
    return AuthConfig(
        cookie_name="__Host-hotline_staff" if production else COOKIE,
        login_path=LOGIN_PATH,
        roles=frozenset({UserRole.admin, UserRole.staff}),
        secret=settings.dev_secret("secret_key"),
        secure_cookies=production,
    )


@dataclass(frozen=True)
class StaffContext:
    user: User
    session: SessionData
    runtime: BookingRuntime

    @property
    def is_admin(self) -> bool:
        return self.user.role == UserRole.admin

    def station_scope(self, requested: int | None) -> int | None:
        """The station whose appointments to show: staff always their own."""
        if self.is_admin:
            return requested
        return self.user.station_id

    def may_see(self, appointment: Appointment | None) -> bool:
        if appointment is None:
            return False
        return self.is_admin or appointment.station_id == self.user.station_id


def staff_context(request: Request) -> StaffContext:
    """FastAPI dependency: the logged-in staff member, or a redirect to the login page."""
    booking = runtime(request)
    try:
        user, data = current_user(request, auth_config(request), booking.engine)
    except LoginRequired as error:
        if request.headers.get("HX-Request"):
            raise HTTPException(401, str(error), headers={"HX-Redirect": LOGIN_PATH}) from error
        raise HTTPException(303, str(error), headers={"Location": LOGIN_PATH}) from error
    except PermissionDenied as error:
        raise HTTPException(403, str(error)) from error
    return StaffContext(user=user, session=data, runtime=booking)
