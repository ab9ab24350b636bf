"""``scripts/audit.sh``: pip-audit over both virtual environments, decided by the ignore list.

pip-audit itself is replaced (``PIP_AUDIT``) by a small script that answers, per environment
and per vulnerability service, what the test says: a report, or a network failure. So every
rule is checked here without the network: unreachable services pass with a clear message,
a reached service's unlisted finding fails, listed ones (by id or alias) pass, a broken
ignore list or an unexpected pip-audit failure is an error, not a pass.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "audit.sh"
IGNORE_FILE = PROJECT_ROOT / "requirements" / "audit-ignore.txt"

FAKE_PIP_AUDIT = """#!{python}
import json, os, sys
args = sys.argv[1:]
service = args[args.index("--vulnerability-service") + 1]
target = "engine" if "-r" in args else "gateway"
answer = json.loads(open(os.environ["FAKE_AUDIT_ANSWERS"]).read())[f"{{target}}.{{service}}"]
if "error" in answer:
    sys.stderr.write(answer["error"])
    sys.exit(1)
with open(args[args.index("-o") + 1], "w") as out:
    json.dump(answer["report"], out)
sys.exit(1 if any(d.get("vulns") for d in answer["report"]["dependencies"]) else 0)
"""
OFFLINE = {"error": "requests.exceptions.ConnectionError: Max retries exceeded (NameResolution)"}


def _skipped(*names: str) -> dict[str, Any]:
    """PyPI's answer on this workplace's network: every package 'not found'."""
    return {
        "report": {
            "dependencies": [
                {"name": n, "skip_reason": f"Dependency not found on PyPI: {n}"} for n in names
            ]
        }
    }


def _report(*vulns: tuple[str, str, list[str]]) -> dict[str, Any]:
    """Two audited packages; ``vulns`` are (package, id, aliases) found in them."""
    dependencies: list[dict[str, Any]] = [
        {"name": "aiohttp", "version": "3.9.5", "vulns": []},
        {"name": "jinja2", "version": "3.1.6", "vulns": []},
    ]
    for package, vuln_id, aliases in vulns:
        found = next(d for d in dependencies if d["name"] == package)
        found["vulns"].append(
            {"id": vuln_id, "aliases": aliases, "fix_versions": ["3.10.11"], "description": ""}
        )
    return {"report": {"dependencies": dependencies}}


def _run(
    tmp_path: Path, answers: dict[str, Any], ignore: str | None = None
) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "pip-audit"
    fake.write_text(FAKE_PIP_AUDIT.format(python=sys.executable))
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    ignore_path = IGNORE_FILE
    if ignore is not None:
        ignore_path = tmp_path / "audit-ignore.txt"
        ignore_path.write_text(ignore)
    env = {
        **os.environ,
        "PIP_AUDIT": str(fake),
        "AUDIT_IGNORE": str(ignore_path),
        "AUDIT_PYTHON": sys.executable,
        "FAKE_AUDIT_ANSWERS": str(tmp_path / "answers.json"),
    }
    return subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_no_reachable_service_is_said_plainly_and_does_not_fail(tmp_path: Path) -> None:
    answers = {
        "gateway.pypi": _skipped("fastapi", "jinja2"),
        "engine.pypi": _skipped("rasa"),
        "gateway.osv": OFFLINE,
        "engine.osv": OFFLINE,
    }
    result = _run(tmp_path, answers)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("无法连接漏洞数据库") == 2
    assert "gateway not audited" in result.stdout and "engine not audited" in result.stdout


def test_a_clean_audit_of_both_environments_passes_and_counts_the_packages(
    tmp_path: Path,
) -> None:
    answers = {f"{t}.{s}": _report() for t in ("gateway", "engine") for s in ("pypi", "osv")}
    result = _run(tmp_path, answers)  # the project's own ignore list: it must parse
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("审计 2 个包（pypi），发现 0 个漏洞") == 2


def test_an_unlisted_finding_fails_and_names_the_package_the_id_and_the_fix(
    tmp_path: Path,
) -> None:
    answers = {
        "gateway.pypi": _report(),
        "engine.pypi": _report(("aiohttp", "GHSA-8495-4g3g-x7pr", ["CVE-2024-52304"])),
        "gateway.osv": OFFLINE,
        "engine.osv": OFFLINE,
    }
    result = _run(tmp_path, answers, ignore="")
    assert result.returncode == 1
    assert "aiohttp 3.9.5  GHSA-8495-4g3g-x7pr (CVE-2024-52304)" in result.stdout
    assert "3.10.11" in result.stdout and "未处理 1 个" in result.stdout


def test_a_finding_listed_by_its_id_or_an_alias_with_a_reason_passes(tmp_path: Path) -> None:
    answers = {
        "gateway.pypi": _report(("jinja2", "PYSEC-2099-1", ["CVE-2099-0001"])),
        "engine.pypi": _report(("aiohttp", "GHSA-8495-4g3g-x7pr", ["CVE-2024-52304"])),
        "gateway.osv": OFFLINE,
        "engine.osv": OFFLINE,
    }
    ignore = (
        "# comment\n"
        "CVE-2024-52304  Rasa 3.6.21 pins aiohttp<3.10; the engine listens on loopback only\n"
        "PYSEC-2099-1    template sandbox unused: no user-supplied templates\n"
    )
    result = _run(tmp_path, answers, ignore=ignore)
    assert result.returncode == 0, result.stdout
    assert result.stdout.count("已列入忽略清单 1 个，未处理 0 个") == 2


def test_an_entry_no_longer_found_is_pointed_out_for_removal(tmp_path: Path) -> None:
    answers = {f"{t}.pypi": _report() for t in ("gateway", "engine")}
    answers |= {f"{t}.osv": OFFLINE for t in ("gateway", "engine")}
    result = _run(tmp_path, answers, ignore="GHSA-0000-0000-0000  fixed upstream long ago\n")
    assert result.returncode == 0
    assert "GHSA-0000-0000-0000 no longer found" in result.stdout


def test_when_pypi_is_unreachable_the_osv_service_is_used_and_its_findings_count(
    tmp_path: Path,
) -> None:
    answers = {
        "gateway.pypi": _skipped("fastapi"),
        "engine.pypi": _skipped("rasa"),
        "gateway.osv": _report(("jinja2", "GHSA-cpwx-vrp4-4pq7", ["CVE-2025-27516"])),
        "engine.osv": _report(),
    }
    result = _run(tmp_path, answers, ignore="")
    assert result.returncode == 1
    assert "（osv）" in result.stdout and "GHSA-cpwx-vrp4-4pq7" in result.stdout


@pytest.mark.parametrize(
    "ignore", ["GHSA-8495-4g3g-x7pr\n", "GHSA-8495-4g3g-x7pr  ok\n"], ids=["no-reason", "too-short"]
)
def test_an_ignore_line_without_a_real_reason_is_an_error(tmp_path: Path, ignore: str) -> None:
    answers = {f"{t}.{s}": _report() for t in ("gateway", "engine") for s in ("pypi", "osv")}
    result = _run(tmp_path, answers, ignore=ignore)
    assert result.returncode == 2 and "理由" in result.stdout


def test_a_pip_audit_failure_that_is_not_the_network_is_an_error_not_a_pass(
    tmp_path: Path,
) -> None:
    broken = {"error": "pip_audit._cli: ResolutionImpossible: no matching distribution"}
    answers = {f"{t}.{s}": broken for t in ("gateway", "engine") for s in ("pypi", "osv")}
    result = _run(tmp_path, answers)
    assert result.returncode == 2 and "pip-audit 出错" in result.stdout


def test_ci_runs_the_audit_before_the_tests() -> None:
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert "make audit" in ci and ci.index("make audit") < ci.index("make test")
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert "\naudit:" in makefile and "scripts/audit.sh" in makefile
