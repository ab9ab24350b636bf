"""HTTP routes of the staff dashboard (thin: they call the booking service and render)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from bot.auth.web import (
    CSRF_FIELD,
    CSRF_HEADER,
    check_csrf,
    login,
    login_csrf_token,
    logout,
    set_login_csrf_cookie,
)
from bot.booking import records, service, station_registry
from bot.booking.errors import BookingError
from bot.booking.policy import CHINA_TZ
from bot.redis_client import make_redis
from bot.staff import charts, export
from bot.staff.access import StaffContext, auth_config, runtime, staff_context
from bot.staff.labels import SERVICE_LABELS, STATUS_LABELS
from bot.staff.present import Row, export_row, row_of
from bot.staff.stats import compute
from bot.store.db import session_scope
from bot.store.models import Appointment, AppointmentStatus, AuditEvent, User

__all__ = ["router"]

HERE = Path(__file__).resolve().parent
STATIC_FILES = {
    "htmx.min.js": "text/javascript",
    "staff.css": "text/css",
    "staff.js": "text/javascript",
}
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(prefix="/staff", include_in_schema=False)
Staff = Annotated[StaffContext, Depends(staff_context)]
MARKS = {
    "checked_in": AppointmentStatus.checked_in,
    "served": AppointmentStatus.served,
    "no_show": AppointmentStatus.no_show,
    "booked": AppointmentStatus.booked,
}


def _today() -> date:
    return datetime.now(CHINA_TZ).date()


def _parse_day(value: str | None) -> date:
    if not value:
        return _today()
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise HTTPException(400, "日期格式应为 YYYY-MM-DD") from error


def _day_start(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=CHINA_TZ)


def _render(request: Request, name: str, ctx: StaffContext | None, **values: Any) -> HTMLResponse:
    if ctx is not None:
        values.setdefault("user", ctx.user)
        values.setdefault("csrf", ctx.session.csrf_token)
        values.setdefault("is_admin", ctx.is_admin)
        values.setdefault("station_name", _station_name(ctx))
    values.update(
        service_labels=SERVICE_LABELS,
        status_labels=STATUS_LABELS,
        csrf_field=CSRF_FIELD,
        csrf_header=CSRF_HEADER,
    )
    return templates.TemplateResponse(request, name, values)


def _station_name(ctx: StaffContext) -> str:
    if ctx.is_admin:
        return "全部工作站（管理员）"
    with session_scope(ctx.runtime.engine) as session:
        station = station_registry.get_station(session=session, station_id=ctx.user.station_id or 0)
        return station.name if station else ""


def _stations(ctx: StaffContext) -> list[tuple[int, str]]:
    if not ctx.is_admin:
        return []
    with session_scope(ctx.runtime.engine) as session:
        return [(s.id, s.name) for s in station_registry.list_stations(session=session)]


def _rows(
    ctx: StaffContext,
    *,
    start: datetime,
    end: datetime,
    station: int | None,
    service_filter: str | None,
    status: str | None,
) -> list[Row]:
    with session_scope(ctx.runtime.engine) as session:
        appointments = records.list_appointments(
            session=session,
            station_id=ctx.station_scope(station),
            start=start,
            end=end,
            service=service_filter or None,
            status=status or None,
        )
        return [row_of(a, ctx.runtime.cipher) for a in appointments]


def _check_filters(service_filter: str | None, status: str | None) -> None:
    if service_filter and service_filter not in SERVICE_LABELS:
        raise HTTPException(400, "未知的项目")
    if status and status not in STATUS_LABELS:
        raise HTTPException(400, "未知的状态")


# --- login ---------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return _login_form(request, error=None, username="", status_code=200)


def _login_form(
    request: Request, *, error: str | None, username: str, status_code: int
) -> HTMLResponse:
    config = auth_config(request)
    token = login_csrf_token(request, config)
    page = _render(request, "login.html", None, error=error, csrf=token, username=username)
    page.status_code = status_code
    set_login_csrf_cookie(page, config, token)
    return page


@router.post("/login", response_model=None)
async def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    config = auth_config(request)
    redirect = RedirectResponse("/staff/day", status_code=303)
    redis_client = getattr(request.app.state, "redis", None)
    if redis_client is None:  # the gateway always has one; a bare test app may not
        redis_client = request.app.state.redis = make_redis(None)
    result = await login(
        request,
        redirect,
        config=config,
        database=runtime(request).engine,
        redis_client=redis_client,
        username=username,
        password=password,
        csrf_token=csrf_token,
    )
    if result.user is not None:
        return redirect
    too_many = "次数太多" in (result.error or "")
    return _login_form(
        request, error=result.error, username=username, status_code=429 if too_many else 400
    )


@router.post("/logout")
def logout_submit(
    request: Request, ctx: Staff, csrf_token: Annotated[str, Form(max_length=100)] = ""
) -> RedirectResponse:
    _require_csrf(request, ctx, csrf_token)
    response = RedirectResponse("/staff/login", status_code=303)
    logout(response, auth_config(request), database=ctx.runtime.engine, data=ctx.session)
    return response


# --- lists ---------------------------------------------------------------------------


@router.get("", include_in_schema=False)
@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/staff/day", status_code=303)


@router.get("/day", response_class=HTMLResponse)
def day_view(
    request: Request,
    ctx: Staff,
    day: Annotated[str | None, Query(alias="date")] = None,
    station: int | None = None,
    service_filter: Annotated[str | None, Query(alias="service")] = None,
    status: str | None = None,
) -> HTMLResponse:
    _check_filters(service_filter, status)
    chosen = _parse_day(day)
    rows = _rows(
        ctx,
        start=_day_start(chosen),
        end=_day_start(chosen + timedelta(days=1)),
        station=station,
        service_filter=service_filter,
        status=status,
    )
    filters = {
        "date": chosen.isoformat(),
        "station": station or "",
        "service": service_filter or "",
        "status": status or "",
    }
    template = "_day_list.html" if request.headers.get("HX-Request") else "day.html"
    return _render(
        request,
        template,
        ctx,
        rows=rows,
        day=chosen,
        filters=filters,
        query=urlencode({k: v for k, v in filters.items() if v}),
        prev_day=(chosen - timedelta(days=1)).isoformat(),
        next_day=(chosen + timedelta(days=1)).isoformat(),
        today=_today().isoformat(),
        stations=_stations(ctx),
        view="day",
        counts={s: sum(1 for r in rows if r.status == s) for s in STATUS_LABELS},
    )


@router.get("/week", response_class=HTMLResponse)
def week_view(
    request: Request,
    ctx: Staff,
    day: Annotated[str | None, Query(alias="date")] = None,
    station: int | None = None,
    service_filter: Annotated[str | None, Query(alias="service")] = None,
    status: str | None = None,
) -> HTMLResponse:
    _check_filters(service_filter, status)
    chosen = _parse_day(day)
    monday = chosen - timedelta(days=chosen.weekday())
    rows = _rows(
        ctx,
        start=_day_start(monday),
        end=_day_start(monday + timedelta(days=7)),
        station=station,
        service_filter=service_filter,
        status=status,
    )
    days = [monday + timedelta(days=i) for i in range(7)]
    by_day = {d.isoformat(): [r for r in rows if r.day == d.isoformat()] for d in days}
    filters = {
        "date": monday.isoformat(),
        "station": station or "",
        "service": service_filter or "",
        "status": status or "",
    }
    return _render(
        request,
        "week.html",
        ctx,
        days=days,
        by_day=by_day,
        filters=filters,
        query=urlencode({k: v for k, v in filters.items() if v}),
        prev_week=(monday - timedelta(days=7)).isoformat(),
        next_week=(monday + timedelta(days=7)).isoformat(),
        stations=_stations(ctx),
        view="week",
        today=_today().isoformat(),
        total=len(rows),
    )


# --- one appointment -----------------------------------------------------------------


def _load(ctx: StaffContext, session: Any, appointment_id: int) -> Appointment:
    appointment = session.get(Appointment, appointment_id)
    if not ctx.may_see(appointment):
        raise HTTPException(404, "没有这个预约")
    return appointment  # type: ignore[no-any-return]


@router.get("/appointments/{appointment_id}", response_class=HTMLResponse)
def detail(request: Request, ctx: Staff, appointment_id: int) -> HTMLResponse:
    """The full record, with the phone number in full — and that view is audited."""
    now = datetime.now(UTC)
    with session_scope(ctx.runtime.engine) as session:
        appointment = _load(ctx, session, appointment_id)
        row = row_of(appointment, ctx.runtime.cipher)
        try:
            phone = (
                ctx.runtime.cipher.decrypt(appointment.phone_encrypted)
                if appointment.phone_encrypted
                else "（已删除）"
            )
        except ValueError:
            phone = "（无法解密：密钥不匹配）"
        records.record_audit(
            session=session,
            user_id=ctx.user.id,
            action="view_phone",
            appointment_id=appointment.id,
            station_id=appointment.station_id,
            now=now,
        )
        history = [
            (event.at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M"), name, event.action)
            for event, name in session.execute(_audit_query(appointment.id)).all()
        ]
        created = appointment.created_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
    return _render(
        request, "detail.html", ctx, row=row, phone=phone, history=history, created=created
    )


def _audit_query(appointment_id: int) -> Any:
    return (
        select(AuditEvent, User.display_name)
        .join(User, AuditEvent.user_id == User.id, isouter=True)
        .where(AuditEvent.appointment_id == appointment_id)
        .order_by(AuditEvent.at.desc())
        .limit(20)
    )


def _require_csrf(request: Request, ctx: StaffContext, form_token: str) -> None:
    token = request.headers.get(CSRF_HEADER) or form_token
    if not check_csrf(ctx.session, token):
        raise HTTPException(403, "页面已过期，请刷新后再试。")


@router.post("/appointments/{appointment_id}/status", response_class=HTMLResponse)
def mark(
    request: Request,
    ctx: Staff,
    appointment_id: int,
    status: Annotated[str, Form(max_length=20)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    _require_csrf(request, ctx, csrf_token)
    if status not in MARKS:
        raise HTTPException(400, "未知的状态")
    now = datetime.now(UTC)
    with session_scope(ctx.runtime.engine) as session:
        appointment = _load(ctx, session, appointment_id)
        try:
            service.set_status(
                session=session, appointment=appointment, status=MARKS[status], now=now
            )
        except BookingError as error:
            raise HTTPException(409, str(error)) from error
        records.record_audit(
            session=session,
            user_id=ctx.user.id,
            action=f"status:{status}",
            appointment_id=appointment.id,
            station_id=appointment.station_id,
            now=now,
        )
        row = row_of(appointment, ctx.runtime.cipher)
    if request.headers.get("HX-Request"):
        return _render(request, "_row.html", ctx, row=row)
    return RedirectResponse(f"/staff/appointments/{appointment_id}", status_code=303)


@router.post("/appointments/{appointment_id}/notes")
def notes(
    request: Request,
    ctx: Staff,
    appointment_id: int,
    text: Annotated[str, Form(max_length=4000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> RedirectResponse:
    _require_csrf(request, ctx, csrf_token)
    now = datetime.now(UTC)
    with session_scope(ctx.runtime.engine) as session:
        appointment = _load(ctx, session, appointment_id)
        service.set_notes(session=session, appointment=appointment, notes=text, now=now)
        records.record_audit(
            session=session,
            user_id=ctx.user.id,
            action="notes",
            appointment_id=appointment.id,
            station_id=appointment.station_id,
            now=now,
        )
    return RedirectResponse(f"/staff/appointments/{appointment_id}?saved=1", status_code=303)


# --- export and statistics ------------------------------------------------------------


@router.get("/export.{fmt}")
def export_list(
    ctx: Staff,
    fmt: str,
    day: Annotated[str | None, Query(alias="date")] = None,
    view: str = "day",
    station: int | None = None,
    service_filter: Annotated[str | None, Query(alias="service")] = None,
    status: str | None = None,
) -> Response:
    """The filtered list, as shown (phones masked), as CSV or Excel."""
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(404, "只支持 csv 和 xlsx")
    _check_filters(service_filter, status)
    chosen = _parse_day(day)
    start = chosen - timedelta(days=chosen.weekday()) if view == "week" else chosen
    days = 7 if view == "week" else 1
    rows = _rows(
        ctx,
        start=_day_start(start),
        end=_day_start(start + timedelta(days=days)),
        station=station,
        service_filter=service_filter,
        status=status,
    )
    span = (
        start.isoformat()
        if days == 1
        else f"{start.isoformat()}_{(start + timedelta(days=6)).isoformat()}"
    )
    name = f"appointments_{span}.{fmt}"
    items = [export_row(r) for r in rows]
    if fmt == "csv":
        body, media = export.to_csv(items), "text/csv; charset=utf-8"
    else:
        title = f"{_station_name(ctx)} 预约名单 {span.replace('_', ' 至 ')}"
        body = export.to_xlsx(items, title=title)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/stats", response_class=HTMLResponse)
def statistics(
    request: Request,
    ctx: Staff,
    days: int = Query(default=30, ge=7, le=366),
    station: int | None = None,
) -> HTMLResponse:
    now = datetime.now(UTC)
    last_day = _today()
    first_day = last_day - timedelta(days=days - 1)
    with session_scope(ctx.runtime.engine) as session:
        raw = records.stats_rows(
            session=session,
            station_id=ctx.station_scope(station),
            start=_day_start(first_day),
            end=_day_start(last_day + timedelta(days=15)),
        )
    figures = compute(raw, first_day=first_day, last_day=last_day + timedelta(days=14), now=now)
    return _render(
        request,
        "stats.html",
        ctx,
        figures=figures,
        days=days,
        view="stats",
        stations=_stations(ctx),
        filters={"station": station or ""},
        per_day_svg=charts.column_chart(figures.per_day, title="每天的预约数"),
        questions_svg=charts.bar_chart(figures.questions, title="问题类别"),
        cities_svg=charts.bar_chart(figures.cities, title="城市"),
        no_show_svg=charts.column_chart(figures.no_show_by_week, title="每周未到率（%）", peak=100),
    )


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    if name not in STATIC_FILES:
        raise HTTPException(404)
    return FileResponse(
        HERE / "static" / name,
        media_type=STATIC_FILES[name],
        headers={"Cache-Control": "public, max-age=3600"},
    )
