#!/usr/bin/env bash
# Dependency audit (pip-audit) of both virtual environments:
#   gateway  .venv       the packages installed in it (the project itself, editable, skipped)
#   engine   .venv-rasa  its pinned lock file, requirements/engine.lock.txt (no venv needed)
#
# A known vulnerability that cannot be fixed yet is listed in requirements/audit-ignore.txt,
# one id a line with the reason; any other finding fails the audit (exit 1).
# When no vulnerability service can be reached (PyPI's JSON API, then OSV), the script says
# so and exits 0: CI must not fail for want of a network, but a reached service counts.
#
# Settings for tests: PIP_AUDIT (the pip-audit command), AUDIT_IGNORE (the ignore file),
# AUDIT_PYTHON (the interpreter that evaluates the reports).
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_AUDIT=${PIP_AUDIT:-.venv/bin/pip-audit}
AUDIT_IGNORE=${AUDIT_IGNORE:-requirements/audit-ignore.txt}
AUDIT_PYTHON=${AUDIT_PYTHON:-.venv/bin/python}
ENGINE_LOCK=requirements/engine.lock.txt

if ! command -v "$PIP_AUDIT" >/dev/null 2>&1; then
  echo "找不到 pip-audit：请先运行 make venv（它随 .[dev] 安装）。/ pip-audit is missing: run make venv." >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run_one TARGET SERVICE ARGS...: writes $work/TARGET.SERVICE.{json,err,rc}
run_one() {
  local target=$1 service=$2
  shift 2
  local rc=0
  "$PIP_AUDIT" --vulnerability-service "$service" --format json --progress-spinner off \
    --timeout 20 -o "$work/$target.$service.json" "$@" \
    >/dev/null 2>"$work/$target.$service.err" || rc=$?
  echo "$rc" >"$work/$target.$service.rc"
}

for service in pypi osv; do
  run_one gateway "$service" --skip-editable
  run_one engine "$service" --no-deps --disable-pip -r "$ENGINE_LOCK"
done

# Not exec: the EXIT trap must still remove the reports.
status=0
"$AUDIT_PYTHON" - "$work" "$AUDIT_IGNORE" <<'PY' || status=$?
"""Read pip-audit's reports, decide per environment, print counts, exit 0/1/2."""

import json
import re
import sys
from pathlib import Path

work, ignore_path = Path(sys.argv[1]), Path(sys.argv[2])
TARGETS = {"gateway": ".venv（网关、动作服务）", "engine": ".venv-rasa（Rasa 引擎，engine.lock.txt）"}
UNREACHABLE = re.compile(
    r"ConnectionError|NameResolution|Max retries|timed out|Timeout|Connection refused|"
    r"Temporary failure in name resolution|Network is unreachable|SSLError|ProxyError",
)


def read_ignores(path):
    ignores = {}
    if not path.exists():
        return ignores
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 1)
        if len(parts) < 2 or len(parts[1].strip()) < 10:
            print(f"{path}:{number}: 每行要写漏洞编号和不能修复的理由 / id and reason needed")
            sys.exit(2)
        ignores[parts[0]] = parts[1].strip()
    return ignores


def report(target, service):
    """(reached, audited, findings) of one pip-audit run; findings: (package, version, vuln)."""
    err = (work / f"{target}.{service}.err").read_text(errors="replace")
    rc = int((work / f"{target}.{service}.rc").read_text().strip() or 1)
    path = work / f"{target}.{service}.json"
    data = None
    if path.exists() and path.stat().st_size:
        try:
            data = json.loads(path.read_text())
        except ValueError:
            data = None
    if data is None:
        if UNREACHABLE.search(err):
            return False, 0, []
        print(f"pip-audit 出错（{target}，{service}，退出码 {rc}）：\n{err[-2000:]}")
        sys.exit(2)
    dependencies = data.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if dependencies and not audited:
        # Every package "not found": the service did not answer for any of them.
        return False, 0, []
    findings = [(d["name"], d.get("version", "?"), v) for d in audited for v in d.get("vulns", [])]
    return True, len(audited), findings


ignores = read_ignores(ignore_path)
failed = False
reached_all = True
used = set()
for target, label in TARGETS.items():
    for service in ("pypi", "osv"):
        reached, audited, findings = report(target, service)
        if reached:
            break
    if not reached:
        print(
            f"{label}: 无法连接漏洞数据库（PyPI、OSV），本次没有审计。"
            f" / vulnerability service unreachable: {target} not audited."
        )
        reached_all = False
        continue
    unlisted, listed = [], []
    for name, version, vuln in findings:
        ids = [vuln["id"], *vuln.get("aliases", [])]
        hit = next((i for i in ids if i in ignores), None)
        (listed if hit else unlisted).append((name, version, vuln))
        if hit:
            used.add(hit)
    print(
        f"{label}: 审计 {audited} 个包（{service}），发现 {len(findings)} 个漏洞，"
        f"已列入忽略清单 {len(listed)} 个，未处理 {len(unlisted)} 个。"
        f" / {target}: {audited} packages, {len(findings)} findings, "
        f"{len(listed)} ignored, {len(unlisted)} unlisted"
    )
    for name, version, vuln in unlisted:
        fix = ", ".join(vuln.get("fix_versions", [])) or "无 / none"
        aliases = ", ".join(vuln.get("aliases", []))
        print(f"  未处理 / UNLISTED  {name} {version}  {vuln['id']} ({aliases})  修复版本 / fixed in: {fix}")
    failed = failed or bool(unlisted)

if reached_all:
    for stale in sorted(set(ignores) - used):
        print(f"  忽略清单里的 {stale} 已不再出现，可以删去。 / {stale} no longer found: remove it")
if failed:
    print(f"有未处理的漏洞：升级依赖，或在 {ignore_path} 写明编号和理由。 / unlisted findings")
    sys.exit(1)
sys.exit(0)
PY
exit "$status"
