"""The dashboard's pure parts: statistics, charts, exports, and the signed sessions."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from bot.auth.errors import WeakPassword
from bot.auth.passwords import check_strength, hash_password, verify
from bot.auth.sessions import SessionSigner
from bot.booking.links import calendar_token, code_from_token
from bot.staff.charts import bar_chart, column_chart
from bot.staff.export import ExportRow, to_csv, to_xlsx
from bot.staff.stats import compute


def _row(**changes: str) -> ExportRow:
    values = dict(
        day="2026-12-09",
        time="09:00–09:30",
        code="K7P3QX",
        station="演示站",
        service="维权接待日",
        name="王芳",
        phone_masked="138****5678",
        question="三期被辞退",
        summary="怀孕被辞退",
        status="已预约",
        notes="",
        channel="微信",
    )
    values.update(changes)
    return ExportRow(**values)


def test_csv_export_opens_in_excel_and_defuses_formulas() -> None:
    body = to_csv([_row(notes='=HYPERLINK("x")')])
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "日期" and rows[1][6] == "138****5678"
    assert rows[1][10].startswith("'=")


def test_excel_export_has_a_title_a_header_and_one_row_per_appointment() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx([_row(), _row(name="李娟")], title="名单"))).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "名单" and values[1][5] == "姓名"
    assert [v[5] for v in values[2:]] == ["王芳", "李娟"]


def test_statistics_count_per_day_class_city_and_the_no_show_rate() -> None:
    now = datetime(2026, 12, 10, tzinfo=UTC)
    rows = [
        (datetime(2026, 12, 2, 1, tzinfo=UTC), "served", "three_period_dismissal", "济南市", "r"),
        (datetime(2026, 12, 2, 2, tzinfo=UTC), "no_show", "maternity_leave", "济南市", "r"),
        (
            datetime(2026, 12, 3, 2, tzinfo=UTC),
            "checked_in",
            "three_period_dismissal",
            "淄博市",
            "r",
        ),
        (datetime(2026, 12, 3, 3, tzinfo=UTC), "cancelled", None, "淄博市", "r"),
        (datetime(2026, 12, 20, 1, tzinfo=UTC), "booked", None, "济南市", "r"),
    ]
    figures = compute(rows, first_day=date(2026, 12, 1), last_day=date(2026, 12, 21), now=now)
    assert figures.total == 4 and figures.cancelled == 1
    assert dict(figures.per_day)["12/2"] == 2 and dict(figures.per_day)["12/20"] == 1
    assert dict(figures.questions) == {"三期被辞退": 2, "产假": 1, "未说明": 1}
    assert dict(figures.cities) == {"济南市": 3, "淄博市": 1}
    assert figures.no_show_rate == pytest.approx(1 / 3)


def test_charts_are_svg_with_escaped_labels() -> None:
    svg = bar_chart([("<script>", 3), ("产假", 1)], title="问题类别")
    assert svg.startswith("<svg") and "&lt;script&gt;" in svg and "<script>" not in svg
    assert "暂无数据" in bar_chart([], title="城市")
    assert column_chart([("12/1", 0), ("12/2", 4)], title="每天").count("<rect") == 2


def test_passwords_are_hashed_with_argon2_and_weak_ones_refused() -> None:
    stored = hash_password("correct horse 42")
    assert stored.startswith("$argon2id$")
    assert verify(stored, "correct horse 42") and not verify(stored, "wrong horse 42")
    for weak in ("short1", "aaaaaaaaaaaa", "1234567890"):
        with pytest.raises(WeakPassword):
            check_strength(weak)


def test_session_cookies_are_signed_and_expire() -> None:
    signer = SessionSigner("k" * 32, salt="s", max_age_s=60)
    token, data = signer.issue(7, "fp")
    assert signer.read(token) == data
    assert signer.read(token[:-2] + "xx") is None
    assert SessionSigner("other" * 8, salt="s", max_age_s=60).read(token) is None
    assert SessionSigner("k" * 32, salt="s", max_age_s=-1).read(token) is None


def test_calendar_links_cannot_be_made_from_a_code_alone() -> None:
    token = calendar_token("secret-one", "K7P3QX")
    assert code_from_token("secret-one", token) == "K7P3QX"
    assert code_from_token("secret-two", token) is None
    assert code_from_token("secret-one", "K7P3QX") is None
