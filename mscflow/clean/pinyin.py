"""Pinyin readings after characters: ``關(guān)節(jié)`` -> ``關節``.

A parenthesis goes only when its content is a reading of the character before it, as
pypinyin's heteronyms know it; ``(SLE)``, ``(strength)`` and ``(僅 HA)`` stay.

pypinyin is imported only when a parenthesis could be a reading (0.37 s of every cleaning
process otherwise): a reading either carries a tone mark or is one of the few toneless
readings pypinyin knows (``TONELESS_READINGS``), so ``(MSC)`` or ``(RA)`` never needs it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .textmap import TextMap

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TONE_LETTERS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
PINYIN_SYLLABLE = rf"[a-zA-Z{TONE_LETTERS}]{{1,7}}"
READING_RE = re.compile(rf"(?<=[{HAN}])[(（]\s*({PINYIN_SYLLABLE})\s*[)）]")
# a word's reading after the word: 細胞(xìbāo), 干细胞(gàn xì bāo)
WORD_READING_RE = re.compile(rf"(?<=[{HAN}])[(（]\s*([a-zA-Z{TONE_LETTERS}][a-zA-Z{TONE_LETTERS} ]{{2,34}})\s*[)）]")
MAX_WORD = 4
TONE_MARKED_RE = re.compile(rf"[{TONE_LETTERS}]")
# every reading pypinyin knows without a tone mark, as ``_norm`` writes it (the neutral tone and
# a few interjections); tests/unit/test_clean.py checks it against pypinyin's own table
TONELESS_READINGS = frozenset([
    "a", "ba", "bai", "ban", "bei", "beng", "bian", "bin", "bo", "chang", "chen", "chi", "chu",
    "cui", "da", "dai", "dang", "de", "duo", "e", "er", "fa", "fang", "fu", "gong", "gu", "guang",
    "guo", "hai", "han", "hm", "hng", "hu", "huai", "huang", "hui", "huo", "jia", "jian", "jiao",
    "jie", "jing", "jiu", "ju", "ke", "kun", "la", "lang", "le", "lei", "li", "liang", "lie",
    "ling", "lo", "lou", "lu", "luo", "ma", "me", "men", "meng", "mie", "min", "ming", "mo", "m̀",
    "m̄", "n", "na", "nang", "ne", "ng", "niao", "nin", "o", "ou", "po", "pu", "qi", "qian", "qing",
    "qu", "quan", "rong", "ru", "sa", "san", "sha", "shang", "shi", "shou", "shui", "si", "suo",
    "ta", "tai", "te", "tiao", "tou", "tu", "wa", "wai", "wei", "wen", "wu", "xian", "xiao", "xin",
    "xing", "xu", "ya", "yang", "ye", "yin", "yo", "you", "yu", "yun", "zan", "ze", "zen", "zha",
    "zhang", "zhao", "zhe", "zhi", "zhuo", "zi", "zong", "zui", "zuo", "ê̄", "ê̌", "ế", "ề"
])
LONGEST_TONELESS = max(map(len, TONELESS_READINGS))


def _norm(syllable: str) -> str:
    s = syllable.lower().replace("ü", "v").replace("u:", "v")
    return unicodedata.normalize("NFC", s)


@lru_cache(maxsize=8192)
def readings(char: str) -> frozenset[str]:
    """All tone-marked readings pypinyin knows for one character (simplified form too)."""
    from pypinyin import Style, pinyin

    out: set[str] = set()
    for ch in {char, _simplified(char)}:
        for group in pinyin(ch, style=Style.TONE, heteronym=True, errors="ignore"):
            out.update(_norm(p) for p in group)
    return frozenset(out)


@lru_cache(maxsize=8192)
def _simplified(char: str) -> str:
    from .script import converter

    return converter("t2s").convert(char)


def could_be_readings(letters: str) -> bool:
    """False when the (normalized, space-free) ``letters`` cannot be one or more readings of
    any character: without a tone mark they must split into toneless readings."""
    if TONE_MARKED_RE.search(letters):
        return True
    ends = {0}  # prefixes of ``letters`` that split into toneless readings
    for end in range(1, len(letters) + 1):
        if any(end - n in ends and letters[end - n:end] in TONELESS_READINGS
               for n in range(1, min(end, LONGEST_TONELESS) + 1)):
            ends.add(end)
    return len(letters) in ends


def is_reading(char: str, syllable: str) -> bool:
    syllable = _norm(syllable)
    return could_be_readings(syllable) and syllable in readings(char)


def remove_readings(tm: TextMap) -> tuple[TextMap, int]:
    """Drop every parenthesised syllable that is a reading of the preceding character."""

    def repl(m: re.Match[str]) -> str | None:
        char = tm.text[m.start() - 1]
        return "" if is_reading(char, m.group(1)) else None

    tm2, hits = tm.sub(READING_RE, repl)
    tm3, words = remove_word_readings(tm2)
    return tm3, len(hits) + words


def splits_into_readings(chars: str, letters: str) -> bool:
    """True when ``letters`` is the readings of ``chars`` one after another (spaces optional)."""
    letters = letters.replace(" ", "")
    if not chars:
        return not letters
    for syllables in readings(chars[0]):
        if letters.startswith(syllables) and splits_into_readings(chars[1:], letters[len(syllables):]):
            return True
    return False


def remove_word_readings(tm: TextMap) -> tuple[TextMap, int]:
    """Drop a parenthesised reading of the 2-4 characters before it (``細胞(xìbāo)``)."""

    def repl(m: re.Match[str]) -> str | None:
        before = tm.text[max(0, m.start() - MAX_WORD) : m.start()]
        letters = _norm(m.group(1))
        if not could_be_readings(letters.replace(" ", "")):
            return None
        for n in range(2, MAX_WORD + 1):
            chars = before[-n:]
            if len(chars) == n and re.fullmatch(rf"[{HAN}]+", chars) and splits_into_readings(chars, letters):
                return ""
        return None

    tm2, hits = tm.sub(WORD_READING_RE, repl)
    return tm2, len(hits)


def leftover_readings(text: str) -> list[tuple[int, str]]:
    """Tone-marked parenthesised syllables still following a Han character (should be none)."""
    return [
        (m.start(), m.group(0))
        for m in READING_RE.finditer(text)
        if TONE_MARKED_RE.search(m.group(1))
    ]
