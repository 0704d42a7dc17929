"""The fast paths of issue 11 against the plain definitions they replace: the offset map an
edit list makes, and the study that owns a sentence (random inputs, hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mscflow.clean.script import _convert_lines, _convert_once
from mscflow.clean.textmap import TextMap
from mscflow.extract.results import owned_sentences, sentences


def _plain_apply(offsets: list[int], text: str, edits: list[tuple[int, int, str]]) -> tuple[str, list[int]]:
    """The definition: character by character, a replacement takes the replaced span's
    positions, then its last one; an insertion takes the position it is inserted at."""
    end = offsets[-1] + 1 if offsets else 0
    out_text, out = [], []
    pos = 0
    for start, stop, repl in sorted(edits):
        out_text.append(text[pos:start])
        out += offsets[pos:start]
        span = offsets[start:stop]
        anchor = offsets[start] if start < len(offsets) else end
        out += [span[i] if i < len(span) else (span[-1] if span else anchor) for i in range(len(repl))]
        out_text.append(repl)
        pos = stop
    out_text.append(text[pos:])
    return "".join(out_text), out + offsets[pos:]


@st.composite
def edited_text(draw):
    text = draw(st.text(alphabet="ab中文 \n", max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=10)))
    edits = [(a, b, draw(st.text(alphabet="xy", max_size=3))) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    return text, edits


@settings(max_examples=300, deadline=None)
@given(edited_text(), st.booleans())
def test_offset_map_of_edits_is_the_plain_definition(case, shifted):
    text, edits = case
    tm = TextMap.identity(text)
    if shifted:  # a map that is not the identity: every raw position two further on
        tm = TextMap(text, tm.offsets * 2 + 3)
    got = tm.apply(edits)
    want_text, want_offsets = _plain_apply([int(o) for o in tm.offsets], text, edits)
    assert got.text == want_text
    assert [int(o) for o in got.offsets] == want_offsets


def _plain_owner(span, studies, text):
    """The definition: the study overlapped most (first listed on a tie), else the last one
    opened earlier on the sentence's line, else the document study, else a page's only study."""
    def overlap(s):
        return max(0, min(span[1], s["char_end"]) - max(span[0], s["char_start"]))

    def told_within(study):
        if study.get("kind") != "document":
            return study
        inner = [s for s in studies if s is not study
                 and study["char_start"] <= s["char_start"] and s["char_end"] <= study["char_end"]]
        return inner[0] if len(inner) == 1 else study

    best = max(studies, key=overlap, default=None)
    if best is not None and overlap(best) > 0:
        return told_within(best)
    line_start = text.rfind("\n", 0, span[0]) + 1
    before = [s for s in studies if line_start <= s["char_start"] < span[0]]
    if before:
        return max(before, key=lambda s: s["char_start"])
    doc = next((s for s in studies if s.get("kind") == "document"), None)
    if doc is not None:
        return told_within(doc)
    return studies[0] if len(studies) == 1 and studies[0]["char_start"] < span[0] else None


@st.composite
def text_and_studies(draw):
    text = draw(st.text(alphabet="甲乙。\n!", min_size=1, max_size=60))
    studies = []
    for i in range(draw(st.integers(0, 6))):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        studies.append({"study_id": str(i), "char_start": a, "char_end": b,
                        "kind": draw(st.sampled_from(["row", "prose", "document"]))})
    return text, studies


@settings(max_examples=400, deadline=None)
@given(text_and_studies())
def test_sentence_owners_are_the_plain_definition(case):
    text, studies = case
    got = {(s.start, s.end): s.study["study_id"] for s in owned_sentences(text, studies)}
    for a, b in sentences(text):
        want = _plain_owner((a, b), studies, text)
        if want is not None:  # a section-label line may inherit an owner the definition leaves out
            assert got.get((a, b)) == want["study_id"], (a, b)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["骨關節炎", "幹細胞", "臨床試驗", "间充质", "abc", "", "髮", "乾燥", "後", "著"]), max_size=12))
def test_whole_text_conversion_is_the_line_by_line_one(lines):
    text = "\n".join(lines)
    tm = TextMap.identity(text)
    fast, fast_changed = _convert_once(tm, "t2s")
    slow, slow_changed = _convert_lines(tm, "t2s")
    assert fast.text == slow.text and fast_changed == slow_changed
    assert list(fast.offsets) == list(slow.offsets)
