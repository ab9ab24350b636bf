"""``hotline knowledge check``: refuse to ship inconsistent legal knowledge."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.output import fail, print_json
from knowledge.check import check as check_knowledge
from knowledge.errors import KnowledgeDataError
from knowledge.loader import load_knowledge

app = typer.Typer(help="法律知识库：一致性检查。", no_args_is_help=True)

__all__ = ["app"]


@app.command()
def check(
    json_output: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Load every data file and cross-check citations; exit 1 on any problem."""
    try:
        base = load_knowledge()
    except KnowledgeDataError as error:
        fail(f"知识库数据文件有误：{error}", 1)
    problems = check_knowledge(base)
    summary = {
        "ok": not problems,
        "laws": len(base.laws),
        "provisions": len(base.provisions),
        "answers": len(base.answers),
        "provinces": len(base.provinces),
        "problems": [
            {"code": str(p.code), "where": p.where, "message": p.message} for p in problems
        ],
    }
    if json_output:
        print_json(summary)
    else:
        typer.echo(
            f"法律 {summary['laws']} 部，条文 {summary['provisions']} 条，"
            f"答案 {summary['answers']} 个，省份 {summary['provinces']} 个。"
        )
        for problem in problems:
            typer.echo(f"  ✗ [{problem.code}] {problem.where}: {problem.message}")
        typer.echo("检查通过。" if not problems else f"发现 {len(problems)} 个问题。")
    if problems:
        raise typer.Exit(1)
