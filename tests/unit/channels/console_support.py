"""Operator accounts and a logged-in console session, for the console's tests."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.auth import service
from bot.store.db import session_scope
from bot.store.models import UserRole

PASSWORD = "hotline-Operator-2026"


def create_account(database: Engine, username: str, role: UserRole = UserRole.operator) -> None:
    with session_scope(database) as session:
        station_id = None
        if role == UserRole.staff:
            from bot.store.models import Station

            station = Station(
                code=f"test-{username}",
                name="测试工作站",
                province="山东省",
                city="济南市",
                address="测试地址",
            )
            session.add(station)
            session.flush()
            station_id = station.id
        service.create_user(
            session=session,
            username=username,
            password=PASSWORD,
            role=role,
            station_id=station_id,
            display_name=f"接线员{username[-1]}",
        )


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> tuple[int, str]:
    """Log in through the login form; returns (status, CSRF token of the console page)."""
    page = client.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    if response.status_code != 303:
        return response.status_code, ""
    console = client.get("/console")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', console.text)
    return console.status_code, csrf.group(1) if csrf else ""
