"""Cleaning rules, each with its negative cases, plus properties and the seed acceptance."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mscflow.clean import clean_document
from mscflow.clean.chrome import match_rule
from mscflow.clean.damage import find_damaged_spans
from mscflow.clean.html import TAG_RE
from mscflow.clean.pinyin import leftover_readings
from mscflow.clean.script import converter, detect_script


def test_pinyin_reading_removed_only_after_its_character():
    assert clean_document("骨關(guān)節(jié)炎").text == "骨关节炎"
    # parentheses that are not readings stay
    for keep in ("系統性紅斑狼瘡(SLE)", "造血幹細胞移植(HSCT)", "強度(strength)", "效果(effectiveness)", "安慰劑(僅 HA)"):
        assert "(" in clean_document(keep).text
    # a pinyin syllable that is not a reading of the character before it stays
    assert "(mā)" in clean_document("關(mā)").text


def test_pinyin_after_latin_letter_is_not_a_reading():
    assert clean_document("F(xiàn)").text == "F(xiàn)"


def test_toneless_readings_are_the_ones_pypinyin_knows():
    """The list that spares pypinyin's import must be exactly pypinyin's toneless readings, or a
    reading would be kept that the full check removes."""
    from pypinyin.pinyin_dict import pinyin_dict

    from mscflow.clean.pinyin import TONE_MARKED_RE, TONELESS_READINGS, _norm

    known = {_norm(r) for readings in pinyin_dict.values() for r in readings.split(",")}
    assert {r for r in known if not TONE_MARKED_RE.search(r)} == TONELESS_READINGS


def test_toneless_readings_still_go_and_other_parentheses_never_import_pypinyin():
    import subprocess
    import sys

    code = ("import sys\n"
            "from mscflow.clean import clean_document\n"
            "kept = clean_document('间充质干细胞(MSC)治疗类风湿关节炎(RA)与骨髓(stem cells)(BMSCs)').text\n"
            "before = 'pypinyin' in sys.modules\n"
            "gone = clean_document('好吗(ma)？骨關(guān)節(jié)炎').text\n"
            "print(before, kept.count('('), gone)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "4", "好吗？骨关节炎"]


def test_html_tags_removed_inner_text_kept():
    doc = clean_document('他說<mark style="color:red" class="x">但症狀</mark>很快&amp;消失&nbsp;了')
    assert doc.text == "他说但症状很快&消失 了"
    assert doc.repairs["n_html_tags"] == 2 and doc.repairs["n_html_entities"] == 2


def test_tag_with_eaten_angle_bracket_removed_but_prose_comparison_kept():
    doc = clean_document('溫?mark style="background-color:red" class="c">但症狀')
    assert "mark" not in doc.text and "但症状" in doc.text
    assert clean_document("P < 0.05 且 a<b>c").text.startswith("P < 0.05")


def test_traditional_converted_with_t2s_and_script_recorded():
    doc = clean_document("間充質幹細胞治療膝骨關節炎的臨床應用")
    assert doc.text == "间充质干细胞治疗膝骨关节炎的临床应用"
    assert doc.script == "traditional"
    assert clean_document("间充质干细胞治疗").script == "simplified"
    assert detect_script("abc") == "none"


def test_t2s_keeps_medical_terms():
    # tw2sp would rewrite 程序 -> 进程 and 指標 -> 指针; t2s must not
    assert clean_document("治療程序與指標").text == "治疗程序与指标"


def test_normalisation_fullwidth_dashes_times_spaces():
    doc = clean_document("１２３ＡＢ　1.15–1.25 ✕ 10，。")
    assert doc.text == "123AB 1.15-1.25 × 10，。"


def test_chrome_rules_positive_and_negative():
    positives = {
        "扫码咨询": "qr_code", "可扫描下方二维码联系客服": "qr_code", "18145842518": "phone",
        "TOP": "back_to_top", "免责说明:本文仅用于传播科普知识": "disclaimer",
        "版权说明:本文来自某某团队": "copyright", "备案号:粤ICP备2022073049号": "icp",
        "首页 干细胞文章正文": "navigation", "标签: msc间充质干细胞": "tags",
        "相关阅读:了解更多关于干细胞的新闻资讯!": "related_links", "发表评论": "comments",
        "干细胞 2023年03月17日 21:29 im": "post_meta", "咨询热线:400-800-6688": "phone",
        "服务热线：400-800-6688 工作时间：周一至周五 8:30-17:30": "phone",
        "发布时间:2024-05-16 来源:某某干细胞医学中心 阅读量:3271": "post_meta",
        "来源:某健康网 发布日期:2024-03-18 浏览次数:2316次 【字体:大 中 小】": "post_meta",
        "【字体:大 中 小】": "font_size", "上一篇:夏季如何预防中暑 下一篇:近视防控": "prev_next",
        "某某网 - 首页 | 新闻 | 医学前沿 | 专家访谈": "site_navigation", "责任编辑:周某": "editor",
        "相关新闻": "related_links", "繁 | 简 | EN": "language_switch", "点击上方蓝字关注我们": "wechat",
        "END": "wechat", "通信作者:李某,E-mail:li@hospital.example": "email",
        "某医院 | 三级甲等综合医院 | 预约挂号:0794-8120120": "contact_bar", "摘要点击次数: 1023": "journal_portal",
        "此回答对您有帮助吗? 是(3) 否(0)": "qa_furniture", "上一页 1 2 3 下一页": "pager",
    }
    for line, rule in positives.items():
        assert match_rule(line) == rule, line
    negatives = [
        "关于这方面的详细内容可参考本公众号的文章《盘点:再生医学中干细胞和新材料的研究和应用》和《生物材料》。",
        "TOP患者的数量很多", "共招募了45名患者,电话随访12个月。", "相关研究表明干细胞治疗安全有效,且患者生活质量明显提高。",
        "2023年11月22日,一项关于膝骨关节炎干细胞注射临床试验的荟萃分析发表于期刊。",
        "时间:2024年5月起,共入组30名患者,随访12个月,结果显示安全性良好并且疗效确切,详见下文的统计表。",
        "随访时间:12个月,治疗时间:4周", "| 1 | 2 | 3 |", "治疗组 | 对照组 | 合计", "研究共纳入了96名患者,编辑:无",
        "END期肾病患者纳入了30例,结果显示肾功能稳定。",
    ]
    for line in negatives:
        assert match_rule(line) is None, line


def test_related_links_take_their_bulleted_items_with_them():
    doc = clean_document("正文。\n相关新闻\n· 干细胞治疗糖尿病:12名患者停用胰岛素\n· 另一条新闻\n正文再续。")
    assert doc.text == "正文。\n正文再续。"
    assert [c.rule for c in doc.chrome] == ["related_links"] * 3


def test_chrome_removal_is_recorded():
    doc = clean_document("正文第一段。\n扫码咨询\n正文第二段。\nTOP")
    assert doc.text == "正文第一段。\n正文第二段。"
    assert [c.rule for c in doc.chrome] == ["qr_code", "back_to_top"]


def test_damaged_spans_kept_located_counted():
    text = "移植可能能够?qū)崿F(xiàn)SLE的疾病控制。"
    spans = find_damaged_spans(text)
    assert len(spans) == 1 and spans[0].text.startswith("?qū)") and spans[0].kind == "shifted_bytes"
    assert text[spans[0].start : spans[0].end] == spans[0].text
    assert [s.kind for s in find_damaged_spans("中位OS??时间")] == ["stray_question_mark"]
    assert [s.kind for s in find_damaged_spans("使用Stempeucel?)治疗")] == ["stray_question_mark"]
    assert find_damaged_spans("坏\ufffd\ufffd字")[0].kind == "replacement_char"


def test_real_question_marks_are_not_damage():
    for text in ("什么是膝骨关节炎?间充质干细胞", "这是为何?肺血管系统", "是不是都有病变?估计也不是",
                 "先有疾病,后导致缺陷?还是先出现缺陷", "MSC有效吗?"):
        assert find_damaged_spans(text) == [], text


def test_offset_map_points_back_to_raw():
    raw = "骨關(guān)節(jié)炎 <b>(OA)</b>\n扫码咨询\n完"
    doc = clean_document(raw)
    for i, ch in enumerate(doc.text):
        raw_ch = raw[doc.offsets[i]]
        assert raw_ch == ch or converter("t2s").convert(raw_ch) == ch or raw_ch in "\n "


def test_blocks_and_sentences():
    doc = clean_document("标题行\n第一句。第二句!\n- 列表项\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["heading", "paragraph", "list_item", "table"]
    assert [doc.text[s.start : s.end] for s in doc.sentences if s.block == 1] == ["第一句。", "第二句!"]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("關節炎(guān)<mark>&amp;?qū)崿F xiàn扫码咨询\n TOP１２|-—–×")), max_size=80))
def test_cleaning_never_raises_is_idempotent_and_offsets_are_monotonic(text):
    doc = clean_document(text)
    again = clean_document(doc.text)
    assert again.text == doc.text
    assert len(doc.offsets) == len(doc.text)
    assert all(0 <= o < max(len(text), 1) for o in doc.offsets)
    assert list(doc.offsets) == sorted(doc.offsets)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_cleaning_arbitrary_unicode(text):
    doc = clean_document(text)
    assert len(doc.offsets) == len(doc.text)
    assert list(doc.offsets) == sorted(doc.offsets)


def test_seed_acceptance(clean_docs):
    for name, doc in clean_docs.items():
        assert leftover_readings(doc.text) == [], name
        assert not TAG_RE.search(doc.text), name
        assert converter("t2s").convert(doc.text) == doc.text, name
    all_text = "\n".join(d.text for d in clean_docs.values())
    for kept in ("(SLE)", "(HSCT)", "(strength)", "(effectiveness)", "(仅 HA)"):
        assert kept in all_text, kept
    damaged = next(d for n, d in clean_docs.items() if n.startswith("002_"))
    assert damaged.repairs["n_damaged_spans"] >= 5


def test_ruled_table_data_lines_counted_without_the_parser():
    from mscflow.clean.blocks import ruled_table_data_lines

    text = "表1\n| a | b |\n|---|---|\n| 1 | 2 |\n3 | 4 |\n正文 a | b 不是表\n"
    spans = ruled_table_data_lines(text)
    assert [text[s:e] for s, e in spans] == ["| 1 | 2 |", "3 | 4 |"]
    assert ruled_table_data_lines("a | b | c\nd | e | f\n") == []  # no rule: not counted here


def test_title_skips_generic_section_headings():
    assert clean_document("介绍\n系统性红斑狼疮是一种疾病。它很常见。").title == "系统性红斑狼疮是一种疾病"
    assert clean_document("干细胞治疗狼疮的进展\n介绍\n正文。").title == "干细胞治疗狼疮的进展"


def test_word_reading_after_the_word_is_removed():
    assert clean_document("細胞(xìbāo)治療").text == "细胞治疗"
    assert clean_document("干细胞(gàn xì bāo)移植").text == "干细胞移植"
    assert clean_document("細胞(cell)").text == "细胞(cell)"  # not a reading: kept


def test_markup_escaped_twice_is_removed_too():
    doc = clean_document("&lt;div class=&quot;a&quot;&gt;间充质干细胞&lt;/div&gt;治疗")
    assert not TAG_RE.search(doc.text) and "间充质干细胞" in doc.text and "治疗" in doc.text


def test_a_document_breaking_an_invariant_is_quarantined_and_the_batch_goes_on(seed_texts):
    from mscflow.clean.document import clean_batch

    def raw(name: str, text: str) -> dict:
        import hashlib

        sha = hashlib.sha256(text.encode()).hexdigest()
        return {"source_path": name, "document_id": sha[:16], "sha256": sha, "size_bytes": len(text.encode()),
                "encoding": "utf_8", "encoding_confidence": 1.0, "text": text,
                "quarantine_reason": None, "quarantine_detail": None}

    good = seed_texts["001_f265937341a56d21.txt"]
    odd = "间充质干细胞(xìbāoo)治疗膝骨关节炎,纳入30例患者。"  # a reading-like parenthesis that is no reading
    batch = clean_batch({"good.txt": raw("good.txt", good), "odd.txt": raw("odd.txt", odd)})
    assert len(batch.documents["good.txt"]) == 1 and len(batch.quarantine["good.txt"]) == 0
    q = batch.quarantine["odd.txt"].iloc[0]
    assert (q["stage"], q["reason"]) == ("documents", "failed_check")
    assert q["detail"].startswith("no_pinyin_readings_left")


PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>干细胞新闻 - 某某生命</title>
<style>.nav{color:red} p{margin:0}</style>
<script type="application/ld+json">{"headline": "脐带间充质干细胞治疗帕金森病", "patients": 24}</script>
<script>var _hmt = _hmt || []; (function(){ var hm = document.createElement("script"); })();</script>
</head><body>
<div class="top-nav"><a href="/">首页</a> | <a href="/news">新闻中心</a></div>
<nav><ul><li>医院概况</li><li>专家团队</li></ul></nav>
<article><h1>干细胞治疗帕金森病研究取得进展</h1>
<p>该研究共入组24例患者,每例静脉输注2&times;10<sup>6</sup>/kg细胞,随访12个月。</p>
<table><tr><th>组别</th><th>例数</th><th>随访</th></tr><tr><td>干细胞组</td><td>12</td><td>12个月</td></tr></table>
</article>
<div class="footer">版权所有 © 2024 某某医院 | 备案号</div>
<!-- tracking --></body></html>"""


def test_full_html_page_keeps_the_article_and_maps_back_to_the_page():
    doc = clean_document(PAGE)
    text = doc.text
    assert "该研究共入组24例患者" in text and "2×10^6/kg" in text
    for gone in ("headline", "_hmt", "margin", "医院概况", "新闻中心", "版权所有", "tracking", "DOCTYPE", "某某生命"):
        assert gone not in text, gone
    assert "干细胞组 | 12 | 12个月" in text  # table cells become a pipe row
    assert doc.title == "干细胞治疗帕金森病研究取得进展"
    start = text.index("该研究共入组")
    raw_start, raw_end = doc.raw_span(start, start + 10)
    assert PAGE[raw_start:raw_end] == "该研究共入组24例患"


PDF = """某某再生医学杂志 2021年8月 第11卷 第4期                     · 301 ·
Chin J Regen Med, Aug 2021, Vol.11, No.4
·临床研究·
鞘内移植脐带间充质干细胞治疗慢性脊髓损伤的随机对照
II期试验
【摘要】 目的:评价鞘内移植脐带间充质干细胞治疗慢性脊髓损伤的安全性。方
法:将66例患者随机分为MSC组(n=3
4)和对照组(n=32),随访12个月,观察运动评分的变化及不良事件发生情况,结果良好。
Abstract: Objective To evaluate the safety of intra-
thecal umbilical cord cells in chronic spinal
cord injury, measured over twelve months of follow-up in both groups.
表1 两组基线资料
指标                 MSC组(n=34)     对照组(n=32)     P值
年龄(岁)             36.2±9.8        38.0±10.4        0.47
男性[例(%)]          25(73.5)        24(75.0)         0.89
                                                                · 302 ·
某某再生医学杂志 2021年8月 第11卷 第4期
续表1
指标                 MSC组(n=34)     对照组(n=32)     P值
伤后时间(月)         27.4±11.3       25.9±12.1        0.61
1 资料与方法
共纳入66例患者,男49例,女17例,年龄18~55岁,损伤平面位于胸段,均为完全性损伤,病程均超过一年。
"""


def test_pdf_text_is_rejoined_and_its_tables_and_furniture_handled():
    doc = clean_document(PDF)
    text = doc.text
    assert "方法:将66例患者随机分为MSC组(n=34)和对照组(n=32)" in text  # a number split by the wrap, rejoined
    assert "intrathecal umbilical cord cells in chronic spinal cord injury" in text  # hyphen and wrap
    assert "随机对照II期试验" in text
    assert "· 302 ·" not in text and text.count("第11卷") == 1  # page furniture gone, first banner kept
    assert "年龄(岁) | 36.2±9.8 | 38.0±10.4 | 0.47" in text
    assert text.count("指标 | MSC组(n=34)") == 1 and "续表" not in text  # the continued table has one header
    assert doc.repairs["n_layout_repairs"] > 0
    start = text.index("共纳入66例")
    assert PDF[slice(*doc.raw_span(start, start + 6))] == "共纳入66例"


def test_web_text_is_not_taken_for_pdf(seed_texts):
    from mscflow.clean.pdf import looks_like_pdf

    assert not any(looks_like_pdf(clean_document(t).text) for t in seed_texts.values())


def test_document_shapes_are_read_from_the_text():
    from mscflow.parse.shape import document_shape

    abstract = "某研究\n【摘要】 目的:评价脐带间充质干细胞的疗效。方法:纳入40例患者。结果:改善。"
    assert document_shape(abstract) == ("single_study", "a structured abstract (目的/方法)")
    case = "某医院病例\n患儿,男,9岁,因腹泻入院,给予间充质干细胞输注。"
    assert document_shape(case)[0] == "single_study"
    review = "间充质干细胞治疗肝硬化的临床研究进展\n张三等人(2019)报道…李四等人(2020)报道…Smith等(2021)报道…"
    assert document_shape(review)[0] == "review"
    listing = "注册项目\n| 标题 | NCT 编号 | 状态 |\n|---|---|---|\n| a | NCT00000001 | 招募 |\n| b | NCT00000002 | 招募 |\n| c | NCT00000003 | 完成 |"
    assert document_shape(listing)[0] == "registry"
    assert document_shape("干细胞是什么?一种细胞。") == ("other", "")
    # a news item whose team and verb stand either side of a long journal name, or whose trial's results were published
    news = ("韩国一家大学医院骨科团队在《美国运动医学杂志》(The American Journal of Sports Medicine)上刊登了一项III期试验结果。",
            "由某医院牵头的III期临床试验结果于2024年6月在《柳叶刀·胃肠病学与肝病学》上发表。")
    assert [document_shape(t)[0] for t in news] == ["single_study", "single_study"]


def test_a_pdf_of_any_journal_and_a_row_that_lost_a_column_gap():
    pdf = ("某某组织工程研究  Journal of Something Research\n2023年8月 第27卷 第24期  www.example.org\n"
           "目的:综述近10年间充质干细胞治疗失代偿期肝硬化的临床研究进\n展,纳入文献56篇进行分析并比较其输注途\n"
           "径和剂量,以期为临床应用提供参考依据和方向。\n"
           "作者(年份)        疾病            设计     例数\n"
           "Suk KT(2016)      酒精性肝硬化    RCT      72(48/24)\n"
           "Mohamadnejad M(2013) 失代偿期肝硬化 RCT    27(14/13)\n"
           "Fang X(2018)      失代偿期肝硬化  单臂     17\n"
           " 3902                    某某组织工程研究 第27卷 第24期 2023年8月出版\n")
    text = clean_document(pdf).text
    assert "临床研究进展,纳入文献" in text and text.count("第27卷") == 1  # its banner makes it a PDF
    assert "Mohamadnejad M(2013) | 失代偿期肝硬化 | RCT | 27(14/13)" in text


def test_a_web_pages_source_field_naming_a_journal_issue_is_no_pdf_banner():
    page = ("某某干细胞治疗多发性硬化的II期随机双盲安慰剂对照试验\n作者:张三1,李四2\n"
            "来源:《中华神经医学杂志》2020年第19卷第11期\n\n[摘要]\n目的 评价自体骨髓间充质干细胞单次静脉输注治疗多发性硬化的安全性\n")
    text = clean_document(page).text
    assert "对照试验\n作者" in text and "2020年第19卷第11期" in text


def test_a_table_layout_page_keeps_each_data_row_on_one_line():
    page = ("<html><head><title>x</title></head><body><table><tr><td>导航<br>首页</td><td>\n"
            "<b>干细胞移植治疗脊髓损伤</b><br>\n<table border=\"1\">\n"
            "<tr><td>研究</td><td>细胞与途径</td><td>病例与随访</td></tr>\n"
            "<tr><td>日本某大学<br>（2016年）</td><td>自体骨髓MSC<br>静脉输注</td><td>13例患者<br>随访6个月</td></tr>\n"
            "<tr><td>中国某大学<br>（2015年）</td><td>脐带MSC<br>鞘内注射</td><td>34例患者<br>随访12个月</td></tr>\n"
            "</table></td></tr></table></body></html>")
    text = clean_document(page).text
    assert "| 日本某大学 （2016年） | 自体骨髓MSC 静脉输注 | 13例患者 随访6个月\n| 中国某大学" in text
