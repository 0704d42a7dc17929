"""Reference lists and in-text citation markers."""

from __future__ import annotations

import hashlib

import pandera.errors
import pytest

from mscflow.contracts import contract
from mscflow.contracts.frames import frame_for
from mscflow.extract.references import (
    expand_marker,
    extract_references,
    find_reference_markers,
    parse_citation,
)

REFERENCES = contract("references")


def references_frame(records: list[dict]):
    return frame_for(REFERENCES, records).frame

DOC = "0123456789abcdef"
LISTING_DOC = "003_76ec61e83f750a5e.txt"


def test_seed_reference_list(clean_docs, seed_paths):
    text = clean_docs[LISTING_DOC].text
    document_id = hashlib.sha256(next(p for p in seed_paths if p.name == LISTING_DOC).read_bytes()).hexdigest()[:16]
    refs = extract_references(document_id, text)
    assert [r["marker"] for r in refs] == ["1", "2", "3", "4", "5"]
    assert [r["year"] for r in refs] == [2012, 2018, 2021, 2022, 2023]
    assert sum(1 for r in refs if r["doi"]) == 4
    assert sum(1 for r in refs if r["pmid"]) == 1
    assert all(r["title"] and r["journal"] and r["authors"] for r in refs)
    for r in refs:
        assert text[r["char_start"] : r["char_end"]] == r["evidence_text"]
        assert r["evidence_text"].startswith("【" + r["marker"] + "】")
    frame = REFERENCES.schema.validate(references_frame(refs), lazy=True)
    assert frame["reference_id"].is_unique
    assert extract_references(document_id, text) == refs  # content-derived: reruns agree
    cited = {m for m, _, _ in find_reference_markers(text)}
    assert cited == {"1", "2", "3", "4", "5"}


def test_every_seed_validates(clean_docs, seed_paths):
    for path in seed_paths:
        document_id = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        REFERENCES.schema.validate(references_frame(extract_references(document_id, clean_docs[path.name].text)), lazy=True)


def test_heading_section_with_plain_numbers_and_continuation():
    text = (
        "正文提到一项研究[1],另见[2]。\n\n参考文献:\n"
        "1. 张三, 李四. 间充质干细胞治疗膝骨关节炎的研究[J]. 中华医学杂志, 2019, 99(3): 1-5.\n"
        "2. Smith J, Doe A. Stem cells for knee osteoarthritis[J]. Stem Cells Transl Med, 2020, 9(2): 10-20.\n"
        "   doi:10.1002/sctm.19-0001\n"
    )
    refs = extract_references(DOC, text)
    assert [r["marker"] for r in refs] == ["1", "2"]
    first, second = refs
    assert first["authors"] == "张三, 李四"
    assert first["title"] == "间充质干细胞治疗膝骨关节炎的研究"
    assert first["journal"] == "中华医学杂志"
    assert first["year"] == 2019
    assert second["doi"] == "10.1002/sctm.19-0001"  # on the continuation line
    assert second["journal"] == "Stem Cells Transl Med"
    assert [m for m, _, _ in find_reference_markers(text)] == ["1", "2"]


def test_apa_and_vancouver_styles():
    apa = parse_citation("Wang, A., Li, B. and Chen, C. (2016), A trial of cells. Journal of Things, 3: 1-9. https://doi.org/10.1000/xyz.1")
    assert apa["authors"] == "Wang, A., Li, B. and Chen, C"
    assert apa["title"] == "A trial of cells"
    assert apa["journal"] == "Journal of Things"
    assert (apa["year"], apa["doi"]) == (2016, "10.1000/xyz.1")
    van = parse_citation("Lee, K., Park, S. et al. Cells in cirrhosis. Hepatol Res 12, 100-110 (2019). PMID: 12345678")
    assert van["authors"] == "Lee, K., Park, S. et al"
    assert van["title"] == "Cells in cirrhosis"
    assert van["journal"] == "Hepatol Res"
    assert (van["year"], van["pmid"]) == (2019, "12345678")


def test_numbered_lines_that_are_not_references():
    text = "操作步骤:\n[1] 先采集骨髓。\n[2] 再分离细胞。\n结束。\n"
    assert extract_references(DOC, text) == []
    assert extract_references(DOC, "没有参考文献的文章。\n") == []


@pytest.mark.parametrize(
    ("inner", "numbers"),
    [("12", ["12"]), ("5-7", ["5", "6", "7"]), ("7, 12-15", ["7", "12", "13", "14", "15"]), ("047", ["47"]), ("1-200", [])],
)
def test_expand_marker(inner, numbers):
    assert expand_marker(inner) == numbers


def test_in_text_markers():
    text = "甲[12]。乙【3】。丙[5-7]。丁[7, 12-15]。戊[J]。己[2.5]。庚[1-200]。"
    markers = find_reference_markers(text)
    assert [m for m, _, _ in markers] == ["12", "3", "5", "6", "7", "7", "12", "13", "14", "15"]
    for _, s, e in markers:
        assert text[s] in "[【" and text[e - 1] in "]】"


def test_schema_rejects_bad_doi():
    frame = references_frame(extract_references(DOC, "参考文献\n[1] 张三. 研究[J]. 杂志, 2020.\n"))
    REFERENCES.schema.validate(frame)
    with pytest.raises(pandera.errors.SchemaErrors):
        REFERENCES.schema.validate(frame.assign(doi=["doi.org/x"], year=[1066]), lazy=True)
