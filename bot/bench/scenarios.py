"""What the simulated workers say: short real conversations that reach custom actions.

Each script is one worker's conversation, message by message, taken from the situations
the hotline hears most (dismissal in pregnancy, leave dates, nursing time, allowance,
deadlines, booking). Every first message is answered by a custom action, so the load
exercises the engine, the action server and the knowledge base, not only rules.
"""

from __future__ import annotations

__all__ = ["SCRIPTS"]

SCRIPTS: tuple[tuple[str, ...], ...] = (
    ("我怀孕了，公司要辞退我", "1", "济南", "5个月", "1"),
    ("我在湖北，生了双胞胎，宝宝2026年3月10日出生，产假到哪天结束？", "1", "1"),
    ("我在北京上班，宝宝2026年5月20日出生，单位不给我哺乳时间", "一个", "对"),
    ("我在武汉，上个月生的孩子，生育津贴怎么算", "一个", "顺产", "交了", "6000", "对"),
    ("我怀孕四个月，在杭州，已经被公司辞退了", "2026年11月16日", "对"),
    ("公司拖欠了我三个月工资", "1"),
    ("产假有多少天", "广东", "2026年12月1日", "1", "1"),
    ("怀孕了公司给我降工资合法吗", "1"),
    ("产检请假公司算我旷工", "1"),
    ("哺乳期公司让我加班怎么办", "1"),
    ("流产了有假吗", "上海", "3个月"),
    ("我想预约法律援助", "1"),
    ("你好", "我怀孕了，单位不给我交社保"),
    ("孕期被调岗降薪怎么办", "深圳", "1"),
)
