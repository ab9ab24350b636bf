"""``hotline rights …``: the rights calculators from the command line.

Each command turns its flags into one calculator call and prints the result: JSON with
``--json`` (a stable contract for outside checks), readable Chinese otherwise. Bad input
gives a Chinese message on stderr and exit code 2.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from bot.cli.output import fail, print_json
from knowledge.calculators.allowance import maternity_allowance
from knowledge.calculators.arbitration import arbitration_deadline
from knowledge.calculators.compensation import economic_compensation
from knowledge.calculators.leave import LeaveResult, maternity_leave, miscarriage_leave
from knowledge.calculators.nursing import nursing_entitlement
from knowledge.calculators.protection import protected_period
from knowledge.citations import cite
from knowledge.errors import KnowledgeError, UnknownProvisionError
from knowledge.loader import load_knowledge
from knowledge.models import ProvinceFile
from knowledge.regions import resolve_province

__all__ = ["app"]

app = typer.Typer(help="权益计算：产假、哺乳、保护期、津贴、时效、补偿。", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="输出 JSON")]
ProvinceOption = Annotated[
    str | None, typer.Option("--province", help="省份或城市，例如 山东、山东省、济南")
]
DateOption = Annotated[str | None, typer.Option(help="日期，格式 YYYY-MM-DD")]
FIRST_YEAR, LAST_YEAR = 1900, 2100


def _date(value: str | None, label: str) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        fail(f"{label}的格式不对：{value}。请用 YYYY-MM-DD，例如 2025-03-08。")
    # The calculators add months and years to dates: near date.min/max they would overflow.
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        fail(f"{label}超出了可以计算的范围：{value}。请核对年份（{FIRST_YEAR}–{LAST_YEAR}年）。")
    return day


def _province(name: str | None, *, required: bool) -> ProvinceFile | None:
    if name is None:
        if required:
            fail("请用 --province 提供省份或城市，例如 --province 山东。")
        return None
    try:
        full_name = resolve_province(name)
    except KnowledgeError as error:
        fail(f"{error}。请提供省、自治区、直辖市或地级市的名称，例如 山东、济南。")
    province = load_knowledge().provinces.get(full_name)
    if province is None:
        fail(f"暂时没有{full_name}的地方规定数据，无法按本省计算。请拨打 12333 咨询当地人社部门。")
    return province


def _citations(ids: tuple[str, ...] | list[str]) -> list[dict[str, str | None]]:
    """Citation text for each provision id the knowledge base holds."""
    knowledge = load_knowledge()
    result: list[dict[str, str | None]] = []
    for provision_id in ids:
        try:
            text: str | None = cite(provision_id, knowledge)
        except UnknownProvisionError:
            text = None
        result.append({"id": provision_id, "text": text})
    return result


def _emit(data: dict[str, Any], json_output: bool, lines: list[str]) -> None:
    basis = data.get("basis", [])
    data["citations"] = _citations(basis)
    if json_output:
        print_json(data)
        return
    for line in lines:
        typer.echo(line)
    for note in data.get("notes", []):
        typer.echo(f"· {note}")
    cited = [item["text"] or item["id"] for item in data["citations"]]
    if cited:
        typer.echo("依据：" + "；".join(str(text) for text in cited))


def _run(call: Any) -> Any:
    try:
        return call()
    except KnowledgeError as error:
        fail(str(error))


def _leave_lines(result: LeaveResult) -> list[str]:
    lines = [
        f"产假共 {result.total_days} 天" + (f"（{result.province}）" if result.province else "")
    ]
    for component in result.components:
        lines.append(f"  {component.days} 天：{component.reason}")
    if result.start_date and result.end_date:
        lines.append(f"从 {result.start_date.isoformat()} 到 {result.end_date.isoformat()}")
    return lines


@app.command()
def leave(
    province: ProvinceOption = None,
    birth_date: DateOption = None,
    due_date: DateOption = None,
    dystocia: Annotated[bool, typer.Option("--dystocia", help="难产")] = False,
    babies: Annotated[int, typer.Option(help="婴儿数量（双胞胎为2）")] = 1,
    caesarean: Annotated[bool, typer.Option("--caesarean", help="剖宫产")] = False,
    birth_order: Annotated[int | None, typer.Option(help="第几个孩子")] = None,
    prenatal_days: Annotated[int, typer.Option(help="出生前休假天数（0–15）")] = 15,
    leave_start: DateOption = None,
    json_output: JsonFlag = False,
) -> None:
    """产假：国家规定的98天加难产、多胞胎和本省增加的天数，以及起止日期。"""
    rules = _province(province, required=True)
    result = _run(
        lambda: maternity_leave(
            province=rules,
            birth_date=_date(birth_date, "出生日期"),
            due_date=_date(due_date, "预产期"),
            babies=babies,
            dystocia=dystocia,
            caesarean=caesarean,
            birth_order=birth_order,
            prenatal_days=prenatal_days,
            leave_start=_date(leave_start, "开始休假日期"),
        )
    )
    _emit(result.as_dict(), json_output, _leave_lines(result))


@app.command()
def miscarriage(
    months: Annotated[int, typer.Option(help="流产时已怀孕的整月数")],
    event_date: Annotated[str | None, typer.Option("--date", help="流产日期 YYYY-MM-DD")] = None,
    province: ProvinceOption = None,
    json_output: JsonFlag = False,
) -> None:
    """流产假：怀孕未满4个月15天，满4个月42天。"""
    rules = _province(province, required=False)
    result = _run(
        lambda: miscarriage_leave(
            completed_months=months, event_date=_date(event_date, "流产日期"), province=rules
        )
    )
    _emit(result.as_dict(), json_output, _leave_lines(result))


@app.command()
def nursing(
    birth_date: Annotated[str, typer.Option(help="宝宝出生日期 YYYY-MM-DD")],
    babies: Annotated[int, typer.Option(help="婴儿数量")] = 1,
    province: ProvinceOption = None,
    on_date: DateOption = None,
    json_output: JsonFlag = False,
) -> None:
    """哺乳时间和哺乳期：每天1小时（多胞胎每多1个加1小时），到宝宝满一周岁。"""
    rules = _province(province, required=False)
    born = _date(birth_date, "出生日期")
    if born is None:  # typer makes the option required; this keeps the type checker honest
        fail("请提供宝宝出生日期。")
    result = _run(
        lambda: nursing_entitlement(
            birth_date=born, babies=babies, province=rules, on_date=_date(on_date, "查询日期")
        )
    )
    lines = [
        f"每天哺乳时间：{result.daily_hours} 小时",
        f"哺乳期到：{result.nursing_end_date.isoformat()}（宝宝满一周岁）",
    ]
    if result.in_nursing_period is not None:
        lines.append(
            "所查询的日期在哺乳期内。" if result.in_nursing_period else "所查询的日期不在哺乳期内。"
        )
    _emit(result.as_dict(), json_output, lines)


@app.command()
def protection(
    birth_date: DateOption = None,
    due_date: DateOption = None,
    pregnancy_date: DateOption = None,
    contract_end: DateOption = None,
    on_date: DateOption = None,
    json_output: JsonFlag = False,
) -> None:
    """三期保护期：从怀孕到宝宝满一周岁；合同在期内到期的续延到期满。"""
    result = _run(
        lambda: protected_period(
            birth_date=_date(birth_date, "出生日期"),
            due_date=_date(due_date, "预产期"),
            pregnancy_date=_date(pregnancy_date, "怀孕日期"),
            contract_end=_date(contract_end, "合同到期日"),
            on_date=_date(on_date, "查询日期"),
        )
    )
    start = result.start_date.isoformat() if result.start_date else "怀孕之日"
    lines = [f"三期保护期：{start} 至 {result.end_date.isoformat()}"]
    if result.contract_extended_to:
        lines.append(f"劳动合同续延至：{result.contract_extended_to.isoformat()}")
    _emit(result.as_dict(), json_output, lines)


@app.command()
def allowance(
    employer_avg_wage: Annotated[
        str | None, typer.Option(help="单位上年度职工月平均工资（元）")
    ] = None,
    province: ProvinceOption = None,
    leave_days: Annotated[
        int | None, typer.Option(help="产假天数；不填则按省份和生育情况计算")
    ] = None,
    provincial_days: Annotated[int | None, typer.Option(help="其中本省增加的天数")] = None,
    dystocia: Annotated[bool, typer.Option("--dystocia", help="难产")] = False,
    babies: Annotated[int, typer.Option(help="婴儿数量")] = 1,
    caesarean: Annotated[bool, typer.Option("--caesarean", help="剖宫产")] = False,
    birth_order: Annotated[int | None, typer.Option(help="第几个孩子")] = None,
    not_insured: Annotated[
        bool, typer.Option("--not-insured", help="单位没有参加生育保险")
    ] = False,
    pre_leave_wage: Annotated[
        str | None, typer.Option(help="产假前月工资（元），单位未参保时使用")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """生育津贴估算：单位上年度职工月平均工资折算到天 × 天数。"""
    rules = _province(province, required=leave_days is None)
    days, extra = leave_days, provincial_days or 0
    if days is None:
        leave_result = _run(
            lambda: maternity_leave(
                province=rules,
                babies=babies,
                dystocia=dystocia,
                caesarean=caesarean,
                birth_order=birth_order,
            )
        )
        days, extra = leave_result.total_days, leave_result.provincial_days
    result = _run(
        lambda: maternity_allowance(
            leave_days=days,
            provincial_extra_days=extra,
            province=rules,
            insured=not not_insured,
            employer_avg_monthly_wage=employer_avg_wage,
            pre_leave_monthly_wage=pre_leave_wage,
        )
    )
    lines = [f"支付方：{result.payer}；计算基数：{result.monthly_base} 元/月"]
    for estimate in result.estimates:
        lines.append(
            f"  {estimate.method}：约 {estimate.amount} 元（日津贴 {estimate.daily_rate} 元）"
        )
    _emit(result.as_dict(), json_output, lines)


def _span(value: str) -> tuple[date, date]:
    first, sep, last = value.partition(":")
    start, end = _date(first, "时效中止开始日期"), _date(last, "时效中止结束日期")
    if not sep or start is None or end is None:
        fail(f"时效中止期间的格式应为 开始:结束，例如 2025-01-01:2025-02-01，收到的是 {value}。")
    return start, end


@app.command("arbitration-deadline")
def arbitration_deadline_command(
    knew_date: DateOption = None,
    interruption: Annotated[
        list[str] | None, typer.Option(help="时效中断的日期，可多次填写")
    ] = None,
    suspension: Annotated[
        list[str] | None, typer.Option(help="时效中止期间 开始:结束，可多次填写")
    ] = None,
    wage_arrears: Annotated[bool, typer.Option("--wage-arrears", help="追讨拖欠的工资")] = False,
    employment_ended: DateOption = None,
    today: DateOption = None,
    json_output: JsonFlag = False,
) -> None:
    """劳动仲裁时效：一年，从知道或应当知道权利被侵害之日起算；可中断、中止。"""
    interruptions = [d for d in (_date(v, "时效中断日期") for v in interruption or []) if d]
    suspensions = [_span(v) for v in suspension or []]
    result = _run(
        lambda: arbitration_deadline(
            knew_date=_date(knew_date, "知道权利被侵害的日期"),
            interruptions=interruptions,
            suspensions=suspensions,
            wage_arrears=wage_arrears,
            employment_ended=_date(employment_ended, "劳动关系终止日期"),
            today=_date(today, "今天的日期") or date.today(),
        )
    )
    if result.deadline is None:
        lines = ["劳动关系存续期间追讨拖欠工资，申请仲裁不受一年时效限制。"]
    else:
        lines = [f"最迟申请仲裁日期：{result.deadline.isoformat()}", *result.steps]
        if result.days_left is not None and not result.expired:
            lines.append(f"距今还有 {result.days_left} 天")
    _emit(result.as_dict(), json_output, lines)


@app.command()
def compensation(
    monthly_wage: Annotated[str, typer.Option(help="解除或终止前12个月的平均月工资（元）")],
    start_date: Annotated[str, typer.Option(help="入职日期 YYYY-MM-DD")],
    last_day: Annotated[str, typer.Option(help="最后工作日（合同解除或终止之日）YYYY-MM-DD")],
    local_avg_wage: Annotated[
        str | None, typer.Option(help="当地上年度职工月平均工资（元），用于封顶")
    ] = None,
    minimum_wage: Annotated[str | None, typer.Option(help="当地最低工资标准（元/月）")] = None,
    unlawful: Annotated[bool, typer.Option("--unlawful", help="单位违法解除或终止")] = False,
    json_output: JsonFlag = False,
) -> None:
    """经济补偿（每满一年一个月工资）和违法解除的二倍赔偿金。"""
    start, last = _date(start_date, "入职日期"), _date(last_day, "最后工作日")
    if start is None or last is None:
        fail("请提供入职日期和最后工作日。")
    result = _run(
        lambda: economic_compensation(
            monthly_wage=monthly_wage,
            start_date=start,
            last_day=last,
            local_avg_monthly_wage=local_avg_wage,
            minimum_wage=minimum_wage,
            unlawful=unlawful,
        )
    )
    lines = [
        f"工作年限：{result.service.text()}；按 {result.months} 个月计算，"
        f"月工资基数 {result.monthly_base} 元",
        f"经济补偿：{result.economic_compensation} 元",
    ]
    if result.unlawful_compensation is not None:
        lines.append(f"违法解除赔偿金（二倍）：{result.unlawful_compensation} 元")
    _emit(result.as_dict(), json_output, lines)
