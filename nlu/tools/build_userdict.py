"""Generate the jieba user dictionary ``nlu/dictionary/userdict.txt``.

Rasa's ``JiebaTokenizer`` loads every file in ``nlu/dictionary/`` with
``jieba.load_userdict``; entity spans must fall on token boundaries, so the words that
entities are made of (place names, period words, birth types, services) and the domain
terms the classifier relies on must come out of jieba whole.

Each line is ``word freq tag``. The frequency is the larger of jieba's own frequency for the
word and a floor high enough to keep the word whole inside a sentence, so the dictionary
never makes a word *less* likely than jieba already had it. A frequency of 0 is a forced
split: jieba's HMM otherwise glues a date's last character to the next word (``5号生的`` →
``号生``) and the date span would end inside a token.

Run: ``python3 nlu/tools/build_userdict.py`` (then ``python3 nlu/tools/check_alignment.py``).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import jieba
import yaml

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ROOT / "knowledge" / "data" / "regions.yml"
OUT = ROOT / "nlu" / "dictionary" / "userdict.txt"

PLACE_FLOOR = 2000
TERM_FLOOR = 3000


def _words(text: str) -> list[str]:
    """The whitespace-separated words of a block of text."""
    return text.split()


# Words of the three periods and of childbirth. No word here may contain a period word
# followed by more text (怀孕期, 产假期间, 休产假): the period word inside it could then not
# be annotated on its own.
PERIOD_TERMS = _words("""
孕期 孕早期 孕中期 孕晚期 怀孕 懷孕 产期 产前 产后 哺乳期 哺乳 三期 孕产期
产假 產假 产检 產檢 孕检 哺乳假 哺乳时间 喂奶 喂奶时间 背奶 吸奶
育儿假 陪产假 护理假 独生子女护理假 生育假 奖励假 生育奖励假 晚育假 保胎假 产前假
流产 流产假 小产 人流 药流 引产 胎停 宫外孕 早产 生育津贴 生育保险 生育险 生育医疗费
预产期 生娃 生孩子 二胎 三胎 二孩 三孩 备孕 怀二胎
""")

BIRTH_TERMS = _words("""
顺产 剖腹产 剖宫产 剖腹 顺转剖 难产 多胞胎 双胞胎 龙凤胎 三胞胎
""")

DOMAIN_TERMS = _words("""
劳动仲裁 仲裁委 仲裁委员会 劳动人事争议 劳动争议 速裁 法律援助 法援 维权接待日 接待日 维权工作站
经济补偿 经济补偿金 赔偿金 双倍工资 违法解除 违法辞退 劳动合同 劳动合同法 劳动监察 劳动局 人社局
妇联 总工会 工会 社保 五险一金 公积金 医保 养老保险 失业保险 工伤保险 工伤 断缴 补缴 停保
加班费 调休 夜班 倒班 三班倒 调岗 降薪 降工资 扣工资 扣绩效 绩效 全勤奖 年终奖 底薪 基本工资
辞退 劝退 开除 裁员 不续签 续签 主动辞职 被迫辞职 离职证明 拖欠 欠薪 工资条 性骚扰 咸猪手
入职体检 婚育 婚育状况 试用期 用人单位 女职工 女员工 打工人 宝妈
""")

# The HMM glues a date's final character to the next one; force these apart.
FORCED_SPLITS = _words("""
号生 日生 号到 号开 号去 号被 号那 号要 号公 日被 日开 月生 周了 号休 号早 号下 号上 周要
""")


def _place_compounds(regions: list[dict[str, Any]], known: dict[str, int]) -> list[str]:
    """Words in jieba's own dictionary that glue a province to one of its cities (吉林长春)."""
    found = []
    for province in regions:
        heads = [province["name"], province["short"]]
        for city in province.get("cities", []) + province.get("direct_counties", []):
            for head in heads:
                for tail in (city["name"], city["short"]):
                    if known.get(head + tail):
                        found.append(head + tail)
    return found


def _places() -> list[str]:
    regions = yaml.safe_load(REGIONS.read_text(encoding="utf-8"))["provinces"]
    words: list[str] = []
    for province in regions:
        words += [province["name"], province["short"], *province.get("aliases", [])]
        for city in province.get("cities", []) + province.get("direct_counties", []):
            words += [city["name"], city["short"], *city.get("aliases", [])]
    return [w for w in dict.fromkeys(words) if len(w) >= 2]


def build() -> list[str]:
    jieba.setLogLevel(logging.WARNING)
    jieba.dt.check_initialized()
    existing = jieba.dt.FREQ
    lines: list[str] = []
    seen: set[str] = set()

    def add(word: str, floor: int, tag: str) -> None:
        if word in seen:
            return
        seen.add(word)
        lines.append(f"{word} {max(floor, existing.get(word) or 0)} {tag}")

    for word in _places():
        add(word, PLACE_FLOOR, "ns")
    for word in PERIOD_TERMS + BIRTH_TERMS + DOMAIN_TERMS:
        add(word, TERM_FLOOR, "n")
    regions = yaml.safe_load(REGIONS.read_text(encoding="utf-8"))["provinces"]
    for word in FORCED_SPLITS + _place_compounds(regions, existing):
        if word not in seen:
            seen.add(word)
            lines.append(f"{word} 0 x")
    return lines


def main() -> int:
    lines = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} words -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
