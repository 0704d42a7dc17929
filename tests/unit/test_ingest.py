"""Reading seed files: encodings, and quarantine of bad files with distinct reasons."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mscflow.clean import clean_document
from mscflow.clean.document import clean_batch
from mscflow.contracts.reasons import BINARY, DUPLICATE, EMPTY, TOO_LARGE
from mscflow.ingest import read_seed

SEED_003 = "003_76ec61e83f750a5e.txt"


@pytest.fixture
def seeds_003(tmp_path, seed_texts) -> tuple[Path, str]:
    """Seed 003 re-encoded by the test itself, plus empty, binary and oversized files."""
    text = seed_texts[SEED_003]
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a_utf8.txt").write_text(text, encoding="utf-8")
    (folder / "b_utf8_bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8") + b"\n")
    (folder / "c_gbk.txt").write_bytes(text.encode("gbk"))
    # Big5 proper lacks one character of this article (酶); HKSCS is the Big5 superset that has it
    (folder / "d_big5.txt").write_bytes(text.encode("big5hkscs"))
    (folder / "e_utf16.txt").write_bytes(text.encode("utf-16"))
    (folder / "f_utf16le_nobom.txt").write_bytes(text.encode("utf-16-le"))
    (folder / "g_empty.txt").write_bytes(b"")
    (folder / "h_binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048) + b"\x00" * 64)
    (folder / "i_large.txt").write_bytes(("很长的文章。" * 400_000).encode("utf-8"))
    (folder / "j_dup.txt").write_text(text, encoding="utf-8")
    return folder, text


def test_encodings_give_the_clean_text_of_the_utf8_original(seeds_003):
    folder, text = seeds_003
    expected = clean_document(text).text
    encodings = {}
    for name in ("b_utf8_bom.txt", "c_gbk.txt", "d_big5.txt", "e_utf16.txt", "f_utf16le_nobom.txt"):
        doc = read_seed(folder / name, folder, 5 * 1024 * 1024)
        assert doc.ok, (name, doc.quarantine_detail)
        encodings[name] = doc.encoding
        assert clean_document(doc.text).text == expected, name
    assert encodings["c_gbk.txt"] in ("gb18030", "gbk", "gb2312")
    assert encodings["d_big5.txt"].startswith("big5")
    assert encodings["e_utf16.txt"] == "utf_16"


def test_all_chinese_utf16_without_bom_or_nul_bytes_decodes():
    from mscflow.ingest import decode_bytes

    text = "间充质干细胞治疗膝骨关节炎，临床数据力证安全有效。" * 40
    for enc in ("utf-16-le", "utf-16-be"):
        decoded, encoding, _ = decode_bytes(text.encode(enc))
        assert decoded == text and encoding == enc.replace("-", "_")


def test_bad_files_are_quarantined_with_distinct_reasons(seeds_003):
    folder, _ = seeds_003
    reasons = {name: read_seed(folder / name, folder, 5 * 1024 * 1024).quarantine_reason
               for name in ("g_empty.txt", "h_binary.bin", "i_large.txt", "j_dup.txt")}
    assert reasons == {"g_empty.txt": EMPTY, "h_binary.bin": BINARY, "i_large.txt": TOO_LARGE, "j_dup.txt": DUPLICATE}
    assert read_seed(folder / "a_utf8.txt", folder, 5 * 1024 * 1024).ok  # the first of two twins is kept


def test_size_limit_is_a_setting(seeds_003):
    folder, _ = seeds_003
    doc = read_seed(folder / "a_utf8.txt", folder, 1000)
    assert doc.quarantine_reason == TOO_LARGE and "1000" in doc.quarantine_detail


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="gone"):
        read_seed(tmp_path / "nope.txt", tmp_path, 100)


def test_frames_reconcile_one_row_per_file(seeds_003):
    folder, _ = seeds_003
    raws = {p.name: read_seed(p, folder, 5 * 1024 * 1024).record() for p in sorted(folder.iterdir())}
    batch = clean_batch(raws)
    for name in raws:
        assert len(batch.documents[name]) + len(batch.quarantine[name]) == 1, name


def test_ids_are_content_derived(seeds_003):
    folder, _ = seeds_003
    a = read_seed(folder / "a_utf8.txt", folder, 5 * 1024 * 1024)
    assert a.document_id == a.sha256[:16]


def test_document_failing_validation_is_quarantined_with_the_message(seeds_003):
    folder, _ = seeds_003
    raw = read_seed(folder / "a_utf8.txt", folder, 5 * 1024 * 1024).record()
    raw["document_id"] = "not-an-id"  # what a corrupted stored row would look like
    good = read_seed(folder / "c_gbk.txt", folder, 5 * 1024 * 1024).record()
    batch = clean_batch({"a_utf8.txt": raw, "c_gbk.txt": good})
    docs, quarantined = batch.documents["a_utf8.txt"], batch.quarantine["a_utf8.txt"]
    assert len(docs) == 0 and len(quarantined) == 1
    assert len(batch.documents["c_gbk.txt"]) == 1  # the rest of the batch goes on
    row = quarantined.iloc[0]
    assert (row["stage"], row["reason"]) == ("documents", "failed_validation")
    assert "document_id" in row["detail"]


def test_hidden_swap_and_backup_files_never_displace_a_seed(tmp_path, seed_texts):
    """``.a.txt.swp`` beside ``a.txt`` once made a.txt a "duplicate" of its own swap file."""
    from mscflow.ingest import duplicate_owners, list_seeds

    folder = tmp_path / "seeds"
    folder.mkdir()
    text = seed_texts[SEED_003]
    for name in ("a.txt", ".a.txt.swp", "a.txt~", "a.txt.bak", "#a.txt#"):
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "b.txt").write_text(text, encoding="utf-8")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "gone.txt").symlink_to(folder / "missing.txt")
    listing = list_seeds(folder)
    assert listing.names == ["a.txt"]
    assert {s.name: s.reason for s in listing.skipped} == {
        ".a.txt.swp": "hidden_file", "a.txt~": "editor_backup", "a.txt.bak": "editor_backup",
        "#a.txt#": "editor_backup", "sub": "folder", "passwd.txt": "link_outside_seeds", "gone.txt": "broken_link",
    }
    assert duplicate_owners(folder, listing) == {}
    assert read_seed(folder / "a.txt", folder, 5 * 1024 * 1024).ok


@pytest.mark.parametrize("case", ["invalid_byte_mid_utf8", "gb18030_four_byte", "short_big5", "gbk_with_times_sign"])
def test_readable_text_is_decoded_not_quarantined(tmp_path, seed_texts, case):
    """A flaw in an otherwise readable file costs its flawed characters, never the file."""
    text = seed_texts[SEED_003]
    data = {
        "invalid_byte_mid_utf8": text.encode("utf-8")[:4000] + b"\xff\xfe" + text.encode("utf-8")[4000:],
        "gb18030_four_byte": ("间充质干细胞治疗𠀀与膝骨关节炎，纳入30例患者，剂量1×10^6/kg。" * 3).encode("gb18030"),
        "short_big5": "間充質幹細胞治療膝關節炎，共納入二十名患者，追蹤一年，結果良好。".encode("big5"),
        "gbk_with_times_sign": ("间充质干细胞治疗膝骨关节炎，纳入30例患者，剂量1×10^6/kg，随访12个月。" * 40).encode("gbk"),
    }[case]
    path = tmp_path / f"{case}.txt"
    path.write_bytes(data)
    doc = read_seed(path, tmp_path, 5 * 1024 * 1024)
    assert doc.ok, doc.quarantine_detail
    if case == "invalid_byte_mid_utf8":
        assert doc.encoding == "utf_8" and "\ufffd" in doc.text
        assert clean_document(doc.text).repairs["n_damaged_spans"] >= 1  # located and counted
    else:
        assert "纳入30例" in clean_document(doc.text).text or "纳入二十名" in clean_document(doc.text).text


@pytest.mark.parametrize("encoding", ["shift_jis", "latin-1"])
def test_text_that_is_not_chinese_is_quarantined_with_the_reason(tmp_path, encoding):
    sample = {"shift_jis": "間葉系幹細胞による治療の臨床試験を行いました。患者は三十名です。" * 5,
              "latin-1": "Le traitement par cellules souches a été évalué chez des patients âgés. " * 10}[encoding]
    path = tmp_path / "page.txt"
    path.write_bytes(sample.encode(encoding))
    doc = read_seed(path, tmp_path, 5 * 1024 * 1024)
    assert doc.quarantine_reason == "undecodable" and "Chinese text" in doc.quarantine_detail
