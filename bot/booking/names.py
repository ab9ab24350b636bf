"""Check the name a worker gives for her booking."""

from __future__ import annotations

import re
import unicodedata

from bot.booking.errors import InvalidName

__all__ = ["normalise_name"]

_CHINESE = re.compile(r"[\u3400-\u9fff]{1,6}")  # 王, 王芳, 欧阳娜娜, 王女士
_WITH_DOT = re.compile(r"[\u3400-\u9fff]{1,10}[·•][\u3400-\u9fff·•]{1,15}")  # 阿依古丽·买买提
_LATIN = re.compile(r"[A-Za-z][A-Za-z .'-]{1,29}")
_PREFIXES = ("我叫", "我是", "姓名是", "姓名", "名字是", "名字", "叫")


def normalise_name(text: str) -> str:
    """The name without 我叫/我是 and spaces around it; Chinese or Latin letters only.

    Why so strict: the name is read out at the station's front desk; digits or a whole
    sentence in it mean the worker answered a different question.
    """
    name = unicodedata.normalize("NFKC", text or "").strip().strip("。，,.!！")
    for prefix in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix) :].strip()
            break
    if not any(p.fullmatch(name) for p in (_CHINESE, _WITH_DOT, _LATIN)):
        raise InvalidName("请只发送您的姓名，例如：王芳。可以只写姓，例如：王女士。")
    return name
