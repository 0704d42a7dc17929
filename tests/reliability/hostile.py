"""A hostile seeds folder, generated: what a careless user, a faulty disk and a bad web page
put beside the real articles. Each case is written by ``write_corpus`` and names what must
become of it: ``document`` (processed), a quarantine reason, or a skip reason of the listing.

The cases are built from the real seeds (re-encoded, renamed, wrapped, copied), from short
Chinese articles, and from bytes no article is made of."""

from __future__ import annotations

import codecs
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DOCUMENT = "document"
ARTICLE = ("间充质干细胞治疗膝骨关节炎的临床研究：共纳入30例患者，随机分为两组，"
           "治疗组关节腔注射1×10^7个细胞，随访12个月，疼痛评分明显改善。\n")
TRAD = "間充質幹細胞治療膝關節炎，共納入二十名患者，追蹤一年，結果良好。\n"
S0, S1, S2, S3, S4 = ("000_aa6cdcf6a1fedf25.txt", "001_f265937341a56d21.txt", "002_3f2e8c28027ac12c.txt",
                      "003_76ec61e83f750a5e.txt", "004_24f22d3fac1932e4.txt")


@dataclass(frozen=True)
class Case:
    name: str  # file name in the seeds folder
    make: Callable[[Path, dict[str, bytes]], None]  # writes the entry, given the folder and the seeds' bytes
    expect: str | tuple[str, ...]  # document | a quarantine reason | a skip reason (any of a tuple)


def _bytes(data: bytes | Callable[[dict[str, bytes]], bytes]) -> Callable[[Path, dict[str, bytes]], None]:
    def make(path: Path, seeds: dict[str, bytes]) -> None:
        path.write_bytes(data(seeds) if callable(data) else data)
    return make


def _text(seed: str) -> Callable[[dict[str, bytes]], str]:
    return lambda seeds: seeds[seed].decode("utf-8")


def _link(target: Callable[[Path], Path | str]) -> Callable[[Path, dict[str, bytes]], None]:
    def make(path: Path, seeds: dict[str, bytes]) -> None:
        path.symlink_to(target(path.parent))
    return make


def _outside_file(folder: Path) -> Path:
    """A readable article beside the seeds folder, not in it."""
    target = folder.parent / "outside.txt"
    target.write_text(ARTICLE * 2 + "文件夹之外。\n", encoding="utf-8")
    return target


def _fifo(path: Path, seeds: dict[str, bytes]) -> None:
    os.mkfifo(path)


def _folder(path: Path, seeds: dict[str, bytes]) -> None:
    path.mkdir()
    (path / "inner.txt").write_text(ARTICLE * 3, encoding="utf-8")


def _socket(path: Path, seeds: dict[str, bytes]) -> None:
    import socket

    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(str(path))
    finally:
        s.close()


def _html_page(text: str, charset: str = "utf-8") -> str:
    body = "".join(f"<p>{line}</p>\n" for line in text.splitlines() if line.strip())
    return (f"<!DOCTYPE html><html><head><meta charset=\"{charset}\"><title>干细胞</title>"
            "<style>p{color:red}</style><script>var x = '<p>not text</p>';</script></head><body>"
            "<form action=\"/login\" method=\"post\"><input name=\"user\" value=\"用户名\"><select><option>北京</option>"
            "</select><textarea>请输入</textarea><button>提交</button></form>\n" + body + "</body></html>")


def _table(columns: int, rows: int) -> str:
    header = "|" + "|".join(f"列{i}" for i in range(columns)) + "|\n"
    rule = "|" + "-|" * columns + "\n"
    line = "|" + "|".join(str(i % 10) for i in range(columns)) + "|\n"
    return "干细胞数据表\n" + header + rule + line * rows


def _noise(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


LONG_ASCII = "a" * 246 + ".txt"  # 250 bytes, the longest name most file systems allow
LONG_CHINESE = "间充质干细胞" * 13 + ".txt"  # 78 Han characters = 234 bytes in UTF-8
NON_UTF8_NAME = os.fsdecode(b"\xc4\xe3\xba\xc3_gbk_name.txt")  # a GBK file name on a UTF-8 system

CASES: tuple[Case, ...] = (
    # --- encodings of readable text: processed ------------------------------------------
    Case("enc_gbk.txt", _bytes(lambda s: (ARTICLE * 20).encode("gbk")), DOCUMENT),
    Case("enc_gb18030_4byte.txt", _bytes(("间充质干细胞治疗𠀀与膝骨关节炎，纳入30例患者。" + ARTICLE * 3).encode("gb18030")), DOCUMENT),
    Case("enc_big5_short.txt", _bytes(TRAD.encode("big5")), DOCUMENT),
    Case("enc_big5hkscs.txt", _bytes((TRAD * 5 + "使用的酶。\n").encode("big5hkscs")), DOCUMENT),
    Case("enc_utf16le_bom.txt", _bytes(codecs.BOM_UTF16_LE + (ARTICLE * 5 + "小端。").encode("utf-16-le")), DOCUMENT),
    Case("enc_utf16be_bom.txt", _bytes(codecs.BOM_UTF16_BE + (ARTICLE * 5).encode("utf-16-be")), DOCUMENT),
    Case("enc_utf16le_nobom.txt", _bytes((ARTICLE * 5 + "无标记。").encode("utf-16-le")), DOCUMENT),
    Case("enc_utf8_bom.txt", _bytes(codecs.BOM_UTF8 + (ARTICLE * 4 + "补充。\n").encode()), DOCUMENT),
    Case("enc_utf8_one_bad_byte.txt", _bytes((ARTICLE * 10).encode()[:300] + b"\xff" + (ARTICLE * 10).encode()[300:]), DOCUMENT),
    # a whole paragraph in another encoding is more damage than a flaw (> 2 % invalid sequences)
    Case("enc_mixed_utf8_gbk.txt", _bytes((ARTICLE * 5).encode() + ("另一段：" + ARTICLE).encode("gbk")), "undecodable"),
    Case("enc_crlf.txt", _bytes((ARTICLE * 6 + "行尾。\n").replace("\n", "\r\n").encode()), DOCUMENT),
    # --- not Chinese text: quarantined --------------------------------------------------
    Case("enc_latin1.txt", _bytes(("Le traitement par cellules souches a été évalué chez des patients âgés. " * 10).encode("latin-1")), "undecodable"),
    Case("enc_shift_jis.txt", _bytes(("間葉系幹細胞による治療の臨床試験を行いました。患者は三十名です。" * 5).encode("shift_jis")), "undecodable"),
    Case("enc_utf32.txt", _bytes((ARTICLE * 3).encode("utf-32")), "binary_file"),  # read as UTF-16: NULs
    Case("bin_png.png", _bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _noise(3000)), "binary_file"),
    Case("bin_pdf.pdf", _bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 2000 >>\nstream\n" + _noise(2000, 3) + b"\nendstream"), "binary_file"),
    Case("bin_zip.docx", _bytes(b"PK\x03\x04\x14\x00\x06\x00" + _noise(4000, 5)), "binary_file"),
    Case("bin_gzip.txt.gz", _bytes(b"\x1f\x8b\x08\x00" + _noise(1000, 11)), "binary_file"),
    Case("bin_elf", _bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + _noise(2000, 13)), "binary_file"),
    Case("bin_random.txt", _bytes(_noise(5000, 17)), "binary_file"),
    Case("bin_nul_in_text.txt", _bytes((ARTICLE * 3).encode() + b"\x00" * 40 + (ARTICLE * 3).encode()), "binary_file"),
    # --- control characters and invisible characters -----------------------------------
    Case("ctl_many.txt", _bytes(bytes(range(1, 9)) * 200 + (ARTICLE * 2).encode()), "binary_file"),
    Case("ctl_few.txt", _bytes((ARTICLE * 3).encode() + b"\x07\x08\x0b\x0c" + (ARTICLE * 3).encode()), DOCUMENT),
    Case("ctl_ansi_escapes.txt", _bytes(("\x1b[31m" + ARTICLE * 6 + "\x1b[0m").encode()), DOCUMENT),
    Case("ctl_zero_width_bidi.txt", _bytes(("\u200b\u200d\ufeff\u202e" + ARTICLE + "\u2066\u2069").encode() * 4), DOCUMENT),
    Case("ctl_form_feeds.txt", _bytes((ARTICLE + "\f") .encode() * 8), DOCUMENT),
    # --- sizes --------------------------------------------------------------------------
    Case("size_empty.txt", _bytes(b""), "empty_file"),
    Case("size_whitespace.txt", _bytes(b" \n\t\r\n   \n"), "empty_file"),
    Case("size_one_byte.txt", _bytes(b"x"), DOCUMENT),
    Case("size_one_han.txt", _bytes("干".encode()), DOCUMENT),
    Case("size_too_large.txt", _bytes(("很长的文章。" * 600_000).encode()), "too_large"),
    Case("size_one_long_line.txt", _bytes(("干细胞治疗膝骨关节炎" * 60_000).encode()), DOCUMENT),
    # --- file names ---------------------------------------------------------------------
    Case(LONG_ASCII, _bytes(lambda s: (ARTICLE * 3).encode()), DOCUMENT),
    Case(LONG_CHINESE, _bytes((ARTICLE * 3 + "长文件名。\n").encode()), DOCUMENT),
    Case("name with spaces and 'quotes'; DROP TABLE x.txt", _bytes((ARTICLE * 2 + "引号。\n").encode()), DOCUMENT),
    Case("name\nwith newline.txt", _bytes((ARTICLE * 2 + "换行。\n").encode()), "name_unusable"),
    Case("study...final.txt", _bytes((ARTICLE * 2 + "省略号。\n").encode()), "name_unusable"),
    Case("tab\tname.txt", _bytes((ARTICLE * 2 + "制表符。\n").encode()), "name_unusable"),
    Case("-rf --help.txt", _bytes((ARTICLE * 2 + "选项。\n").encode()), DOCUMENT),
    Case("name_\U0001f9ec_emoji.txt", _bytes((ARTICLE * 2 + "表情。\n").encode()), DOCUMENT),
    Case("no_extension", _bytes((ARTICLE * 2 + "无扩展名。\n").encode()), DOCUMENT),
    Case(NON_UTF8_NAME, _bytes((ARTICLE * 2 + "文件名编码。\n").encode()), "name_not_utf8"),
    Case("nfd_cafe\u0301.txt", _bytes((ARTICLE * 2 + "组合字符。\n").encode()), DOCUMENT),
    # --- pathological inputs for the rules -----------------------------------------------
    Case("path_100k_lines.txt", _bytes(("干细胞\n" * 100_000).encode()), DOCUMENT),
    Case("path_500_columns.txt", _bytes(_table(500, 20).encode()), DOCUMENT),
    Case("path_500x5000_table.txt", _bytes(_table(500, 5000).encode()), DOCUMENT),
    Case("path_pipes.txt", _bytes(("干细胞" + "|" * 100_000 + "\n").encode()), DOCUMENT),
    Case("path_parentheses.txt", _bytes(("干细胞" + "(" * 50_000 + ")" * 50_000 + "\n").encode()), DOCUMENT),
    Case("path_doses.txt", _bytes(("剂量1×10^" * 20_000 + "\n" + ARTICLE).encode()), DOCUMENT),
    Case("path_digits.txt", _bytes(("干细胞" + "1" * 600_000 + "例\n").encode()), "timeout"),  # a quadratic number rule
    Case("path_nested_tags.txt", _bytes(("<div>" * 20_000 + ARTICLE + "嵌套。" + "</div>" * 20_000).encode()), DOCUMENT),
    # --- HTML -----------------------------------------------------------------------------
    Case("html_form_page.html", _bytes(_html_page(ARTICLE * 5 + "表单页面。").encode()), DOCUMENT),
    Case("html_gbk_meta.html", _bytes(_html_page(ARTICLE * 5 + "国标编码。", "gbk").encode("gbk")), DOCUMENT),
    Case("html_escaped.txt", _bytes(("&lt;div class=&quot;x&quot;&gt;" + ARTICLE + "转义。&lt;/div&gt;&amp;nbsp;").encode() * 5), DOCUMENT),
    Case("html_unclosed_comment.html", _bytes(("<html><body>" + ARTICLE * 3 + "<!-- never closed " + ARTICLE * 3).encode()), DOCUMENT),
    Case("html_svg.svg", _bytes(("<svg xmlns=\"http://www.w3.org/2000/svg\"><text>" + ARTICLE + "</text></svg>").encode()), DOCUMENT),
    # --- copies of the seeds: never displace them, never counted twice ------------------------
    Case(S0.replace(".txt", " - 副本.txt"), _bytes(lambda s: s[S0]), "duplicate_content"),
    Case(S1.replace(".txt", "(1).txt"), _bytes(lambda s: s[S1]), "duplicate_content"),
    Case(S2.replace(".txt", "_gb18030.txt"), _bytes(lambda s: _text(S2)(s).encode("gb18030")), "near_duplicate"),
    Case(S3.replace(".txt", " copy.html"), _bytes(lambda s: _html_page(_text(S3)(s)).encode()), "near_duplicate"),
    Case(S4.replace(".txt", "_cr.txt"), _bytes(lambda s: _text(S4)(s).replace("\n", "\r").encode()), "near_duplicate"),
    Case(S1.replace(".txt", "_utf16.txt"), _bytes(lambda s: _text(S1)(s).encode("utf-16")), "near_duplicate"),
    # --- hidden files, editors' leftovers, folders, links, special files: skipped ------------
    Case("." + S0, _bytes(lambda s: s[S0]), "hidden_file"),
    Case(".000_aaa_first.txt", _bytes(lambda s: s[S0]), "hidden_file"),
    Case(S1 + "~", _bytes(lambda s: s[S1]), "editor_backup"),
    Case(S2 + ".bak", _bytes(lambda s: s[S2]), "editor_backup"),
    Case("." + S3 + ".swp", _bytes(lambda s: s[S3]), "hidden_file"),
    Case("#" + S4 + "#", _bytes(lambda s: s[S4]), "editor_backup"),
    Case("sub_folder", _folder, "folder"),
    Case("link_passwd.txt", _link(lambda folder: "/etc/passwd"), "link_outside_seeds"),
    Case("link_up.txt", _link(_outside_file), "link_outside_seeds"),
    Case("link_dangling.txt", _link(lambda folder: "does_not_exist.txt"), "broken_link"),
    Case("link_loop.txt", _link(lambda folder: "link_loop.txt"), "broken_link"),
    Case("link_to_folder", _link(lambda folder: "sub_folder"), "folder"),
    Case("link_inside.txt", _link(lambda folder: "enc_gbk.txt"), "duplicate_content"),
    Case("fifo.txt", _fifo, "not_a_regular_file"),
    Case("socket.sock", _socket, "not_a_regular_file"),
)


def write_corpus(folder: Path, seeds: dict[str, bytes]) -> dict[str, Case]:
    """Write every hostile case into ``folder`` (beside the seeds); {name: case}."""
    for case in CASES:
        case.make(folder / case.name, seeds)
    return {c.name: c for c in CASES}
