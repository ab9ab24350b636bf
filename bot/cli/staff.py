"""``hotline staff create-user``: accounts for the staff dashboard (and the consoles)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.auth import service as accounts
from bot.auth.errors import AuthError
from bot.booking.errors import BookingError
from bot.booking.runtime import booking_runtime
from bot.booking.service import guard_database
from bot.cli.output import fail, print_json
from bot.settings import get_settings
from bot.store.db import session_scope
from bot.store.models import UserRole

__all__ = ["app"]

app = typer.Typer(help="工作人员账号。", no_args_is_help=True)


@app.command("create-user")
def create_user(
    username: Annotated[str, typer.Option(help="登录用户名（小写字母、数字）")],
    role: Annotated[str, typer.Option(help="admin、staff 或 operator")] = "staff",
    station: Annotated[int | None, typer.Option(help="所属工作站编号（staff 必填）")] = None,
    display_name: Annotated[str | None, typer.Option(help="显示的姓名")] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="密码；不填则提示输入（不会回显）。也可用环境变量 HOTLINE_NEW_PASSWORD",
            envvar="HOTLINE_NEW_PASSWORD",
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Create an account. Passwords are hashed with argon2; staff belong to one station."""
    try:
        chosen_role = UserRole(role)
    except ValueError:
        fail("角色只能是 admin、staff 或 operator。")
    secret = password or typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    runtime = booking_runtime(get_settings())
    try:
        with guard_database(), session_scope(runtime.engine) as session:
            user = accounts.create_user(
                session=session,
                username=username,
                password=secret,
                role=chosen_role,
                station_id=station,
                display_name=display_name,
            )
            result = {
                "id": user.id,
                "username": user.username,
                "role": user.role.value,
                "station_id": user.station_id,
            }
    except (AuthError, BookingError) as error:
        fail(str(error))
    if json_output:
        print_json(result)
    else:
        typer.echo(f"已创建账号 {result['username']}（{result['role']}）。")
