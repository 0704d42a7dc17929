"""Study fields from a study's own text (a table row's cells or a prose passage).

Codes come only from the vocabulary module; numbers only from ``mscflow.parse.numbers``. The rules
are the annotation conventions of the gold notes, written for the genre: the first stated
route wins (a procedure such as arthroscopy or a bare "local injection" only when nothing more
specific is said), strong designs (animal, meta-analysis, retrospective, long-term follow-up)
win over weak ones (randomised, controlled, single arm), the longest stated time is the
follow-up unless it is an interval, an onset or a gestational age.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..parse.memo import per_document
from ..parse.numbers import (
    Value,
    find_administrations,
    find_counts,
    find_doses,
    find_durations,
    find_years,
    parse_number,
)
from ..parse.vocab import Match, Vocabulary, load_vocab

STRONG_DESIGNS = ("animal", "meta_analysis", "retrospective", "long_term_follow_up")
DEMOTED_ROUTES = ("arthroscopic_implant", "local_injection")

_TITLE = re.compile(r"《[^》]*》")
_ABBR_DEF = re.compile(r"\s*[((]\s*([A-Za-z][A-Za-z\-]{1,7})\s*[))]")
_RETRO_WINDOW = re.compile(r"纳入\s*(?:19|20)\d\d\s*年[^。]{0,12}?[至到\-]\s*(?:19|20)?\d\d")
# a window of admissions is retrospective only with records read back (a prospective trial enrols in a window too)
_RETRO_SUPPORT = re.compile(r"PSM|倾向性?评分|匹配|病历|病案|资料|队列|数据库")
_DURATION_NOT_FOLLOW_UP_BEFORE = re.compile(
    r"(?:发病|发作|病程|妊娠|孕|胎龄|相隔|间隔|每|(?<!至)(?<!随访)第|开始[^,，;;。]{0,10}"
    r"|过去|過去|以往|婚后|婚後|存活|等了)[^,，;;。]{0,3}$"  # 过去两年, 只能存活15年, 整整等了六年
)
# how long the patients have been ill, not how long they were followed: 患病9.6年, 病史8年,
# 确诊心衰已4.1年, 糖尿病已有17年, 伤后12个月以上
_DISEASE_DURATION_BEFORE = re.compile(
    r"(?:病程|病史|患病|罹病|罹患|确诊|確診|诊断|已有|已患|伤后|傷後|损伤后|发病后|起病|透析|病期|困扰|困擾|折磨|饱受|飽受|停经|停經|闭经|閉經|中风后|中風後|卒中后|梗死后)[^,，;;。]{0,8}$"
    # 中风时间最长已经五年,最短也有八个月 (not 随访时间最长5年)
    r"|(?<!随访)(?<!观察)(?<!随访时间)(?<!观察时间)(?:时间)?最[长短](?:也有|已经|已|为|达|约)?\s*$"
    r"|患(?!者|儿)[\u4e00-\u9fff]{1,6}已(?:经)?有?\s*$"
)
# a relapse time (…3个月复发) or a span of the field's history (20年来, 近10年以来)
_DURATION_NOT_FOLLOW_UP_AFTER = re.compile(
    r"^[^,，;;。]{0,3}(?<!未见)(?<!未)(?<!无)(?<!無)(?<!没有)复发|^\s*(?:来|以来|間|间)(?![^,，;;。]{0,6}随访)"
    r"|^\s*(?:前|之前|以前)(?!后)"  # 4个月前,因高血压…: when the illness began
    r"|^\s*内的?(?:死亡率|病死率|发病率)"  # 截肢后5年内的死亡率: a population's statistic (5年生存率 is a follow-up)
    r"|^[^,，;;。]{0,4}(?:困扰|困擾|折磨|不见好|不見好|不愈|未愈|难愈|難癒)"  # 被困扰的这近十年, 溃疡一年多都不见好
    r"|^[\s\"“”「」』余多]{0,3}(?:入院|就诊|就診|来院|來院|来我院|來我院|收住|收入院)"  # 因"四肢无力2年"入院: the history
)
_BRACKETED_AFTER = re.compile(r"^\s*[(（][^)）]{0,8}$")
# the mean or median right after a skipped range: 病程5~28年,平均14.2年
_SUMMARY_AFTER = re.compile(r"^\s*[,，]?\s*(?:平均|中位数?|均值|平均为|中位数为)\s*(?:为)?\s*$")
# an age written in English (children aged 3 to 12 years, 45 years old) is no time span
_AGE_BEFORE = re.compile(r"\b(?:aged|ages?)\s+(?:(?:from|between)\s+)?(?:\d+(?:\.\d+)?\s*(?:to|-|–|and)\s*)?$", re.I)
_AGE_AFTER = re.compile(r"^\s*(?:old|of age)\b", re.I)
_SEVERAL_TIMES = re.compile(r"多次")
_STATED_IN_ALL = re.compile(r"(?:[共总總]计?|分)\s*(?:\d{1,2}|[一二两兩三四五六七八九十]{1,2})\s*次")  # 共3次, 分4次
_CASE_SERIES = re.compile(r"(?:报道|報道|报告|報告)了?\s*(?:[1-3]|[一二两兩三])\s*(?:例|名)")  # 报道了2例…


@dataclass
class DocContext:
    """What the whole article tells about every study in it."""

    disease: str | None = None
    abbreviations: dict[str, str] = field(default_factory=dict)  # ABBR -> disease code


def _vocab(name: str) -> Vocabulary:
    return load_vocab(name)


def document_context(text: str) -> DocContext:
    """The article's main disease and the disease abbreviations it defines (``自身免疫性疾病(AD)``)."""
    diseases = _vocab("disease")
    abbreviations: dict[str, str] = {}
    for m in diseases.find(text):
        d = _ABBR_DEF.match(text, m.end)
        if d and not diseases.find(d.group(1)):
            abbreviations[d.group(1)] = m.code
    ctx = DocContext(abbreviations=abbreviations)
    codes = [c for c in disease_codes(text, ctx) if c != "other"]
    if not codes:
        return ctx
    head = _head(text)
    head_codes = set(disease_codes(head, ctx))
    top = Counter(codes).most_common()
    for code, _ in top:
        if code in head_codes:
            ctx.disease = code
            break
    return ctx


_THERAPY_WORD = re.compile(r"干细胞|幹細胞|间充质|間充質|MSC|细胞治疗|細胞治療", re.I)


def _head(text: str) -> str:
    """The first two lines, and the title when a page's navigation comes first: the first short
    line among the first fifteen that names the therapy."""
    lines = text.strip().splitlines()
    title = next((ln for ln in lines[:15] if 6 <= len(ln.strip()) <= 80 and _THERAPY_WORD.search(ln)
                  and not ln.strip().endswith("。")), "")
    return "\n".join([*lines[:2], title])


def disease_codes(text: str, ctx: DocContext | None = None) -> list[str]:
    """Disease codes in order of appearance, including abbreviations the article defined."""
    hits: list[Match] = list(_vocab("disease").find(text))
    if ctx and ctx.abbreviations:
        for abbr, code in ctx.abbreviations.items():
            for m in re.finditer(rf"(?<![A-Za-z]){re.escape(abbr)}(?![A-Za-z])", text):
                if not any(h.start < m.end() and m.start() < h.end for h in hits):
                    hits.append(Match(code, m.group(), m.start(), m.end()))
    return [h.code for h in sorted(hits, key=lambda h: h.start)]


def _refine(vocab: Vocabulary, code: str, text: str, context_code: str | None) -> str:
    """A broader code becomes the narrower one its qualifiers or the article name (OA -> knee OA)."""
    for narrow in vocab.codes:
        if vocab.attr(narrow, "refines") != code:
            continue
        qualifiers = vocab.attr(narrow, "qualifiers", []) or []
        if context_code == narrow or any(q in text for q in qualifiers):
            return narrow
    return code


def disease(text: str, ctx: DocContext) -> str:
    """First disease the study names, refined; else the article's disease; else ``other``."""
    codes = disease_codes(text, ctx)
    if codes:
        return _refine(_vocab("disease"), codes[0], text, ctx.disease)
    return ctx.disease or "other"


@per_document
def design(text: str, primary: str | None = None, default: str = "single_arm", n_total: int | None = None,
           controlled: bool = False) -> str:
    """Strong designs from the whole text; weak ones from ``primary`` (a design column) first."""
    vocab = _vocab("design")
    text = _TITLE.sub("", text)
    found = set(vocab.codes_in(text))
    if _RETRO_WINDOW.search(text) and _RETRO_SUPPORT.search(text):
        found.add("retrospective")
    for code in STRONG_DESIGNS:
        if code in found:
            return code
    for source in ([_TITLE.sub("", primary)] if primary else []) + [text]:
        codes = set(vocab.codes_in(source))
        for code in ("rct", "case_report", "non_randomized_controlled", "single_arm"):
            if code in codes:
                return code
    if n_total == 1 or _CASE_SERIES.search(text):
        return "case_report"
    if controlled:
        return "non_randomized_controlled"  # a control arm of a stated size, and no word of 随机
    if phase(text):
        return "single_arm"
    return default


# a disease's stage names the patients, not the trial: 关节退化为二到三期, 处于III期, III期压疮患者
_STAGE_BEFORE = re.compile(r"(?:为|為|分期|处于|處於|属于|屬於|达到|達到|[到至~～]\s*)\s*$")
_STAGE_AFTER = re.compile(r"^\s*(?:[到至~～]|的?(?:患者|病人|患儿|患兒|病例)|[\u4e00-\u9fff]{0,4}(?:压疮|壓瘡|肿瘤|腫瘤|癌|高血压|肾病|腎病))")


_TRIAL_AFTER = re.compile(
    r"^[^,，;;。]{0,4}(?:临床|臨床|试验|試驗|研究|人体|人體|随机|隨機|双盲|雙盲|开放|開放|对照|對照|安慰|trial|study)", re.I
)


_ISSUE_BEFORE = re.compile(r"(?:卷|年)\s*第?\s*$")  # 第23卷第3期, 2021年7期: a journal's issue


def _is_trial_phase(text: str, m: Match) -> bool:
    before, after = text[max(0, m.start - 3) : m.start], text[m.end : m.end + 8]
    if _STAGE_AFTER.search(after) or _ISSUE_BEFORE.search(before):
        return False
    return not _STAGE_BEFORE.search(before) or bool(_TRIAL_AFTER.search(after))


@per_document
def phase(text: str) -> str | None:
    """The stated phase of the trial, not a disease stage."""
    hits = [m for m in _vocab("phase").find(text) if _is_trial_phase(text, m)]
    return hits[0].code if hits else None


@per_document
def cell_type(text: str) -> str:
    """The cell product named most often (first named on a tie); ``msc`` when none is named more
    precisely than 干细胞 (the genre's convention, docs/extraction.md)."""
    hits = _vocab("cell_type").find(text)
    if not hits:
        return "msc"
    counts = Counter(h.code for h in hits)
    best = max(counts.values())
    if {c for c, k in counts.items() if k == best} == {"msc", "hsc"}:
        # "两次造血干细胞移植失败后,接受了骨髓MSC输注": the graft is history, the MSC the study
        return "msc"
    return next(h.code for h in hits if counts[h.code] == best)


@per_document
def tissue_source(text: str, cell: str, pooled: bool = False) -> str:
    """Source tissue; several sources -> ``mixed``; HSC grafts name a source only when it is blood."""
    vocab = _vocab("tissue_source")
    codes = vocab.codes_in(text)
    if cell == "hsc":  # a graft names its source only when it is blood: mobilised or cord
        return next((c for c in ("peripheral_blood", "umbilical_cord_blood") if c in codes), "unspecified")
    if cell == "pbsc":
        return "peripheral_blood"
    narrower = {c for c in codes if vocab.attr(c, "refines") in codes}
    codes = [c for c in codes if c not in {vocab.attr(n, "refines") for n in narrower}]
    if len(codes) > 1:
        return "mixed"
    if codes:
        return codes[0]
    return "mixed" if pooled else "unspecified"


_REINFUSION = ("回输", "回輸")
_DONOR_TISSUES = ("umbilical_cord", "placenta")  # always another person's


@per_document
def donor(text: str) -> str | None:
    """``autologous`` / ``allogeneic`` when the text says only one of them. 回输 (infused back)
    says autologous only of the patient's own tissue (the genre writes "UC-MSC回输" too), and
    gives way to a word that names the donor."""
    hits = _vocab("donor").find(text)
    if hits and all(h.term in _REINFUSION for h in hits) and set(_DONOR_TISSUES) & set(_vocab("tissue_source").codes_in(text)):
        return None
    stated = [h for h in hits if h.term not in _REINFUSION] or hits  # 回输造血干细胞 beside 第三方UC-MSC: the word that says
    codes = list(dict.fromkeys(h.code for h in stated))
    return codes[0] if len(codes) == 1 else None


# a vessel named by a diagnostic or another procedure is not how the cells went in:
# 肝动脉、脾动脉造影, 经颈静脉肝内门体分流术 (TIPS)
_NOT_DELIVERY_AFTER = re.compile(r"^[^,，;;。]{0,10}?(?:造影|成像|分流)")


@per_document
def route(text: str, fallback: str | None = None) -> str | None:
    """First specific route stated; procedures and bare local injection only when alone."""
    hits = [m for m in _vocab("route").find(text) if not _NOT_DELIVERY_AFTER.search(text[m.end : m.end + 14])]
    codes = list(dict.fromkeys(m.code for m in hits))
    specific = [c for c in codes if c not in DEMOTED_ROUTES]
    if specific:
        return specific[0]
    if fallback:
        return fallback
    return codes[0] if codes else None


@dataclass(frozen=True)
class DoseFacts:
    low: float | None
    high: float | None
    per_kg: bool | None


@per_document
def dose(text: str) -> DoseFacts:
    """Smallest and largest single dose; concentrations, totals and thresholds are not doses."""
    singles = [d for d in find_doses(text) if d.kind == "single" and 1e3 <= d.low <= 1e10]
    if not singles:
        return DoseFacts(None, None, None)
    per_kg = singles[0].per_kg
    same = [d for d in singles if d.per_kg == per_kg]
    return DoseFacts(min(d.low for d in same), max(d.high for d in same), per_kg)


def _not_follow_up(text: str, d, skipped_end: int) -> bool:
    """An interval, an onset, a timing, how long the illness lasted, an age, or the bracketed range of a
    duration just skipped (停经时间平均2.7年(范围0.8至6.1年))."""
    before = text[max(0, d.start - 14) : d.start]
    after = text[d.end : d.end + 6]
    return bool(_DURATION_NOT_FOLLOW_UP_BEFORE.search(before) or _DURATION_NOT_FOLLOW_UP_AFTER.search(after)
                or _DISEASE_DURATION_BEFORE.search(before) or _AGE_BEFORE.search(before) or _AGE_AFTER.search(after)
                or (skipped_end >= 0 and (_BRACKETED_AFTER.match(text[skipped_end : d.start])
                                          or _SUMMARY_AFTER.match(text[skipped_end : d.start]))))


@per_document
def follow_up(text: str) -> float | None:
    """Longest stated time in months that is a follow-up (``_not_follow_up`` says what is not)."""
    text = _TITLE.sub(lambda m: " " * len(m.group()), text)
    best = None
    skipped_end = -1
    for d in find_durations(text):
        if _not_follow_up(text, d, skipped_end):
            skipped_end = d.end
            continue
        if best is None or d.months > best:
            best = d.months
    return best


@per_document
def administrations(text: str) -> int | None:
    """Highest stated number of administrations; unknown when some patients had "多次" and no
    schedule says how many in all (``多次鞘内注射…每3个月1次,共3次`` is 3)."""
    if _SEVERAL_TIMES.search(text) and not _STATED_IN_ALL.search(text):
        return None
    found = find_administrations(text)
    return int(max(v.low for v in found)) if found else None


def year(text: str) -> int | None:
    """First calendar year that dates the report (not a programme start or an enrolment window)."""
    text = _TITLE.sub(lambda m: " " * len(m.group()), text)
    for y in find_years(text):
        before = text[max(0, y.start - 2) : y.start]
        after = text[y.end : y.end + 12]
        if "自" in before or re.match(r"^\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?\s*(?:至|到|[-–~])|^\s*年[^。,，]{0,8}以来", after) or re.search(r"[至到\-]\s*$", before):
            continue
        return int(y.low)
    return None


_ENROL_BEFORE = re.compile(r"(?:共|共有|总共|纳入了?|收纳了?|招募了?|招收了?|入组|涉及|包括|包含|选择|收治|分析了?"
                           r"|[Aa] total of|enrolled|recruited|included)[^,，;;。]{0,6}$")
_ENROL_AFTER = re.compile(r"^[^,，;;。]{0,12}(?:被纳入|入组|参与)")
# an enrolment verb right before the count, and patients after it: the study's total
_ENROLLED_BEFORE = re.compile(r"(?:共|共计|总共)?(?:纳入|入组|招募|招收|收治|入选|募集)了?\s*$")
_PATIENTS = re.compile(r"患者|患儿|病人|受试者|志愿者|儿童|成人|人群")
# "47名…患者中,28名…" / "527名…患者的资料,其中53名…": the count the arms are taken from
_SPLIT_AFTER = re.compile(
    r"^[^,，;;。]{0,32}?(?:(?:患者|病人|受试者|女性|儿童|个体)中\s*[,，]|[,，]\s*其中|被?(?:随机)?(?:分为|分成|分配到|分入|分配入)|(?:随机|按[^,，;;。]{0,8})分组"
    r"|were (?:randomly assigned|randomi[sz]ed|assigned|allocated))"
)
_CONTROL = re.compile(
    r"对照组|作为[^,，;;。]{0,10}对照|安慰剂组|未接受|非\w{0,6}组|生理盐水|(?:常规|标准|传统|康复)(?:药物|内科|综合)?(?:治疗|疗法|训练)?组|假手术|sham"
    r"|(?:单纯|單純|单用|單用)(?![^,，;;。]{0,6}(?:MSC|干细胞|間充質|间充质))[^,，;;。]{0,6}[组組]"
    r"|(?:仅|只)接受|(?:接受|给予|使用)了?安慰剂|(?:接受|采用|给予)[^,，;;。]{0,6}(?:常规|标准)[^,，;;。]{0,4}(?:治疗|护理|疗法)"
)
_ADD_ON = re.compile(r"基础上|联合|MSC|干细胞|間充質|间充质")  # an arm that received cells is never the control
_PER_GROUP = re.compile(r"(?:每|各)(?:个)?组\s*$")
_GROUP = re.compile(r"(?<!入)组")
_TREATMENT_GROUP = re.compile(r"(?<!入)组|接受|完成")
_CLAUSE = re.compile(r"[,，;;。:：]")
_GROUP_BEFORE = re.compile(r"[组組]\s*$")
_LIST_CUT = re.compile(r"[、,，;；]|和|及|与|與")
_OPEN_BRACKET = re.compile(r"[((]")
_CLOSE_BRACKET = re.compile(r"[))]")
# "治疗组与对照组各十五名": both arms have the stated size
# two named groups, one of them a control, with one size: 治疗组与对照组各15名, 对照组和观察组各50例
_EACH_ARM = re.compile(
    r"[^,，;;。、与與和及]{1,10}[组組]\s*(?:与|與|和|及|、)\s*[^,，;;。]{1,10}?[组組]\s*[,，]?\s*各\s*"
    r"(\d+|[一二两兩三四五六七八九十百]+)\s*(?:名|例|位|人)"
)


# "将60例患者分为两组,每组30例" with a placebo or control arm: both arms have that size
_TWO_GROUPS_EACH = re.compile(
    r"(?:(?:分为|分成|分配到|分配为)\s*(?:两|兩|2)\s*[组組][^。;;]{0,4}?[,，]?\s*(?:每|各)\s*[组組]"
    r"|(?:分为|分成|分配到|分配至)[^,，;;。]{1,12}[组組](?:和|与|及|、)[^,，;;。]{1,12}[组組][,，]?\s*(?:每|各)\s*[组組]"
    r"|(?<![分成到为])(?:两|兩|2)\s*[组組]\s*各)"  # "…与 PRP 对照,两组各 12 例": a controlled pair of that size
    r"\s*(\d+|[一二两兩三四五六七八九十百]+)\s*(?:名|例|位|人)"
)


@dataclass(frozen=True)
class Counts:
    n_total: int | None
    n_treatment: int | None
    n_control: int | None


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE.finditer(text, end)), len(text))
    return left, right


def _in_parentheses(text: str, pos: int) -> bool:
    before = text[:pos]
    return before.count("(") + before.count("(") > before.count(")") + before.count(")")


def _is_group_size(text: str, c: Value) -> bool:
    """``每组三名``: the size of each group, not a head count."""
    return bool(_PER_GROUP.search(text[max(0, c.start - 4) : c.start]))


def _each_arm_counts(text: str, found: list[Value]) -> Counts | None:
    """``治疗组与对照组各十五名``: both arms have that size; the total is the one the rest of the
    text states, else twice the arm."""
    each = next((m for m in _EACH_ARM.finditer(text) if re.search(r"对照|對照|安慰剂|安慰劑", m.group())), None)
    if not each:
        return None
    arm = parse_number(each.group(1))
    rest = [c for c in found if not (each.start() <= c.start < each.end())]
    total = counts(text[: each.start()] + " " * (each.end() - each.start()) + text[each.end() :]).n_total if rest else None
    if not arm:
        return None
    return Counts(total or int(arm) * 2, int(arm), int(arm))


_TWO_NAMED_GROUPS = re.compile(r"([^,，;;。分为成到至]{1,12}?)[组組](?:和|与|與|及|、)([^,，;;。]{1,12}?)[组組]")


def _one_group_without_cells(split: str) -> bool:
    """分为干细胞组和玻璃酸钠组: a group named by its cells beside one named by another treatment."""
    m = _TWO_NAMED_GROUPS.search(split)
    return bool(m) and sum(bool(_CELL_WORD.search(g)) for g in m.groups()) == 1


def _two_groups_each_counts(text: str, found: list[Value]) -> Counts | None:
    """``将60例患者分为两组,每组30例`` with a control or placebo arm: both arms have that size, and
    the count before the split is the total (else twice the arm)."""
    pair = _TWO_GROUPS_EACH.search(text)
    if not (pair and (_CONTROL.search(text) or _one_group_without_cells(pair.group())
                      or (pair.group().startswith(("两", "兩", "2")) and re.search(r"对照|對照|安慰剂", text)))):
        return None
    arm = parse_number(pair.group(1))
    before = [c for c in found if c.end <= pair.start()]
    if not arm:
        return None
    total = int(before[-1].low) if before else int(arm) * 2
    return Counts(total, int(arm), int(arm))


def _after_own_bracket(text: str, found: list[Value], i: int, seg_left: int, seg_right: int) -> int:
    """``治疗组(58名)和对照组(60名)``: the group named before the bracket is this count's."""
    c = found[i]
    if re.search(r"[((]\s*$", text[seg_left : c.start]):
        return c.end
    return seg_right


def _before_next_group(text: str, found: list[Value], i: int, seg_left: int, seg_right: int) -> int:
    """``治疗组 24 例、对照组 22 例``: the group named before the next count is that count's."""
    if i + 1 >= len(found):
        return seg_right
    c = found[i]
    between = text[c.end : found[i + 1].start]
    if _GROUP_BEFORE.search(between):
        cut = [m.start() for m in _LIST_CUT.finditer(between)]
        if cut:
            return min(seg_right, c.end + cut[-1])
    return seg_right


def _before_bracketed_groups(text: str, found: list[Value], i: int, seg_left: int, seg_right: int) -> int:
    """``33名患者(细胞组25例,安慰剂组8例)``: the groups in the bracket split this count."""
    bracket = _OPEN_BRACKET.search(text, found[i].end, seg_right)
    if not bracket:
        return seg_right
    close = _CLOSE_BRACKET.search(text, bracket.end(), bracket.end() + 80)
    inside = text[bracket.end() : close.start() if close else bracket.end() + 80]
    if _GROUP.search(inside) and re.search(r"\d", inside):  # (MSC组) names this count's group
        return bracket.start()
    return seg_right


# Where a count's stretch ends, narrowed in this order.
_STRETCH_CUTS = (_after_own_bracket, _before_next_group, _before_bracketed_groups)


def _count_stretches(text: str, found: list[Value]) -> list[tuple[int, int]]:
    """Each count's own stretch: from the previous count to the next one within its clause,
    then narrowed by the stretch cuts."""
    spans = [(c.start, c.end) for c in found]
    out = []
    for i, c in enumerate(found):
        left, right = _clause_bounds(text, c.start, c.end)
        seg_left = max([left] + [e for s, e in spans[:i] if e <= c.start])
        seg_right = min([right] + [s for s, e in spans[i + 1 :] if s >= c.end])
        for cut in _STRETCH_CUTS:
            seg_right = cut(text, found, i, seg_left, seg_right)
        out.append((seg_left, seg_right))
    return out


def _is_control(segment: str) -> bool:
    """The segment names a control arm; "…常规治疗" is none when the arm also got cells (联合, MSC)."""
    m = _CONTROL.search(segment)
    return bool(m) and not (m.group().endswith("治疗") and not m.group().startswith(("仅", "只"))
                            and _ADD_ON.search(segment))


# the name of the group a count belongs to: MSC+DMARDs组(32例), DMARDs组(32例)
_GROUP_NAME = re.compile(r"([^,，;;。、和与與及()（）]{1,16})[组組]\s*[(（]?\s*$")
_CELL_WORD = re.compile(r"MSC|干细胞|幹細胞|间充质|間充質|细胞|細胞", re.I)


def _group_name(text: str, c: Value, stretch: tuple[int, int]) -> str | None:
    """The group named right before a count in its stretch, if any."""
    m = _GROUP_NAME.search(text[stretch[0] : c.start])
    return m.group(1) if m else None


def _cell_free_groups_are_controls(text: str, found: list[Value], stretches: list[tuple[int, int]]) -> list[bool]:
    """Groups named by what they received (MSC+DMARDs组 vs DMARDs组): beside a group named by its
    cells, a group named without them is the control."""
    names = [_group_name(text, c, st) for c, st in zip(found, stretches, strict=True)]
    has_cell_group = any(n and _CELL_WORD.search(n) for n in names)
    return [bool(has_cell_group and n and not _CELL_WORD.search(n) and not _TREATMENT_NAME.search(n)) for n in names]


_TREATMENT_NAME = re.compile(r"治疗|治療|试验|試驗|观察|觀察|实验|實驗|研究|移植|干预|干預|联合|聯合")


@dataclass
class _ArmTally:
    """What the counts of a text were read as, in text order."""

    total: int | None = None
    first_arm_at: int | None = None  # where the first arm count stands
    treatment: dict[int, list[int]] = field(default_factory=dict)  # sentence start -> arm sizes
    control: list[int] = field(default_factory=list)


# what a compared arm received, said after its count in the same sentence
# (患者30例, 在常规治疗基础上经静脉输注UC-MSC…; 另选28例作为对照组)
_GIVEN_CELLS = re.compile(
    r"(?:输注|輸注|注射|移植|给予|給予|接受|回输|回輸|应用|應用)[^,，;;。]{0,12}(?:MSC|干细胞|幹細胞|间充质|間充質)"
)
_SENTENCE_END = re.compile(r"[。;；]")


def _rest_of_sentence(text: str, found: list[Value], i: int) -> str:
    """From a count to the next count or the end of its sentence."""
    stop = _SENTENCE_END.search(text, found[i].end)
    end = min(stop.start() if stop else len(text), found[i + 1].start if i + 1 < len(found) else len(text))
    return text[found[i].end : end]


def _count_role(text: str, c: Value, segment: str, predicate: str, rest: str, tally: _ArmTally,
                has_control: bool) -> str | None:
    """First that applies: the total the arms are split from (``47名…患者中,28名…``), the
    enrolled total said so (``共纳入了96名…患者``), a control arm, a treatment arm (a group, or
    what a compared arm received: ``36名接受…``), the enrolled total (``纳入了48名``); a total only
    before any arm. ``predicate`` is what follows the count in its stretch, ``rest`` what follows
    it up to the next count in its sentence."""
    before_arms = tally.total is None and tally.first_arm_at is None
    if before_arms and _SPLIT_AFTER.search(text[c.end : c.end + 40]):
        return "total"
    if (before_arms and _ENROLLED_BEFORE.search(text[max(0, c.start - 8) : c.start]) and _PATIENTS.search(predicate)
            and not _GROUP.search(text[_clause_bounds(text, c.start, c.end)[0] : c.start])):
        return "total"  # not "治疗组招募了17名": that is an arm
    if _is_control(segment):
        return "control"
    if _GROUP.search(segment) or (has_control and (_TREATMENT_GROUP.search(predicate) or _ADD_ON.search(predicate)
                                                   or _GIVEN_CELLS.search(rest))):
        return "treatment"
    if before_arms and (
        _ENROL_BEFORE.search(text[max(0, c.start - 10) : c.start]) or _ENROL_AFTER.search(text[c.end : c.end + 14])
    ):
        return "total"
    return None


def _tally_arms(text: str, found: list[Value]) -> _ArmTally:
    """Read every count as the total, a control arm or a treatment arm (or none of them)."""
    stretches = _count_stretches(text, found)
    segments = [text[a:b] for a, b in stretches]
    predicates = [text[c.end : b] for c, (_, b) in zip(found, stretches, strict=True)]  # what follows the count
    rests = [_rest_of_sentence(text, found, i) for i in range(len(found))]
    named_controls = _cell_free_groups_are_controls(text, found, stretches)
    has_control = any(_is_control(seg) for seg in segments) or any(named_controls)
    tally = _ArmTally()
    for c, segment, predicate, rest, named_control in zip(found, segments, predicates, rests, named_controls, strict=True):
        role = _count_role(text, c, segment, predicate, rest, tally, has_control)
        if named_control and role == "treatment":
            role = "control"
        v = int(c.low)
        if role == "total":
            tally.total = v
        elif role == "control":
            tally.control.append(v)
        elif role == "treatment":
            tally.treatment.setdefault(text.rfind("。", 0, c.start), []).append(v)
        if role in ("control", "treatment") and tally.first_arm_at is None:
            tally.first_arm_at = c.start
    return tally


def _is_lone_group_count(tally: _ArmTally) -> bool:
    """One "group" count without any comparator or total: the study's size, not an arm."""
    return (not tally.control and tally.total is None and len(tally.treatment) == 1
            and len(next(iter(tally.treatment.values()))) == 1)


def _resolved_counts(text: str, found: list[Value], tally: _ArmTally) -> Counts:
    """Total and arm sizes from the tally: a lone group count is the study's size, arms without a
    comparator under a stated total are all treated, a missing total is the sum of the arms."""
    n_treat = max((sum(vs) for vs in tally.treatment.values()), default=None)
    n_ctrl = max(tally.control) if tally.control else None
    total = tally.total
    if _is_lone_group_count(tally):
        return Counts(n_treat, None, None)
    if n_treat is not None and n_ctrl is None and total is not None:
        # every arm received cells (e.g. one versus two infusions): all enrolled are treated
        return Counts(total, total, None)
    if total is None:
        if n_treat is not None and n_ctrl is not None:
            total = n_treat + n_ctrl
        elif n_treat is None and n_ctrl is None:
            total = _first_count(text, found)
    return Counts(total, n_treat, n_ctrl)


# an arm named before its bracketed size: 接受MSC(n=65)或安慰剂(n=35)
_BRACKETED_N = re.compile(r"([^,，;;。()（）]{1,24})[(（][^()（）]{0,24}?\bn\s*=\s*(\d+)\s*[)）]")
_CONTROL_ARM = re.compile(r"安慰剂|安慰劑|对照|對照|常规|常規|标准治疗|標準治療|假手术|假手術|生理盐水|生理鹽水|placebo|control|sham|saline", re.I)


def _bracketed_arm_counts(text: str, found: list[Value]) -> Counts | None:
    """``随机接受UC-MSC(n=65)或安慰剂(n=35)``: each bracketed ``n=`` is the size of the arm named
    before it; the count stated before the arms is the total (else their sum)."""
    arms = list(_BRACKETED_N.finditer(text))
    control = [int(m.group(2)) for m in arms if _CONTROL_ARM.search(m.group(1))]
    treated = [int(m.group(2)) for m in arms if not _CONTROL_ARM.search(m.group(1))]
    if not (control and treated):
        return None
    before = [c for c in found if c.end <= arms[0].start(2) - 2]
    total = int(before[-1].low) if before else sum(treated) + control[0]
    return Counts(total, sum(treated), control[0])


_ARM_WORD = re.compile(r"[组組]|对照|對照|安慰剂|安慰劑|接受|给予|給予|治疗|治療|MSC|细胞|細胞")
# what a breakdown's items are labelled by: sex, grade, stage, type, severity
_BREAKDOWN_LABEL = re.compile(r"男|女|[级級期型度]\s*$|轻|輕|中度|重度")


def _breakdown_end(text: str, found: list[Value], i: int) -> int | None:
    """The last index of the counts after ``found[i]`` that add up to it in its sentence (男12例,
    女8例; Child-Pugh A级6例, B级8例, C级6例) when none of them names an arm."""
    total, run = int(found[i].low), 0
    stop = _SENTENCE_END.search(text, found[i].end)
    limit = stop.start() if stop else len(text)
    for j in range(i + 1, len(found)):
        item = _LIST_CUT.split(text[found[j - 1].end : found[j].start])[-1]  # 其中Child-Pugh A级
        if found[j].start > limit or _ARM_WORD.search(item + text[found[j].start : found[j].end + 4]) \
                or not _BREAKDOWN_LABEL.search(item[-8:]):
            return None
        run += int(found[j].low)
        if run == total:
            return j if j - i >= 2 else None
        if run > total:
            return None
    return None


def _without_breakdowns(text: str, found: list[Value]) -> tuple[str, list[Value]]:
    """A head count's breakdown by sex, grade or stage is no arm: only the head count stays, and
    the breakdown is blanked (its ``其中`` splits no arms)."""
    out, i = [], 0
    while i < len(found):
        out.append(found[i])
        end = _breakdown_end(text, found, i)
        if end is None:
            i += 1
            continue
        first_label = _LIST_CUT.split(text[found[i].end : found[i + 1].start])[-1]
        a, b = found[i + 1].start - len(first_label), found[end].end
        text = text[:a] + " " * (b - a) + text[b:]
        i = end + 1
    return text, out


@per_document
def counts(text: str) -> Counts:
    """Enrolled total and arm sizes as stated; a total not stated is the sum of the two arms."""
    found = find_counts(text)
    if not found:
        return Counts(None, None, None)
    stated = _each_arm_counts(text, found) or _two_groups_each_counts(text, found) or _bracketed_arm_counts(text, found)
    if stated is None:
        text, found = _without_breakdowns(text, [c for c in found if not _is_group_size(text, c)])
        if not found:
            return Counts(None, None, None)
        stated = _resolved_counts(text, found, _tally_arms(text, found))
    return _all_treated_when_control_got_cells(text, stated)


# the arm called control received cells too (对照组应用脐带间充质干细胞治疗, 观察组…联合…)
_CONTROL_GOT_CELLS = re.compile(
    r"(?:对照|對照)[组組][^,，;;。]{0,6}(?<![未不无無])(?:应用|應用|采用|採用|接受|给予|給予|使用|输注|輸注|注射|行)"
    r"[^,，;;。]{0,12}(?:干细胞|幹細胞|MSC|间充质|間充質)"
)


def _all_treated_when_control_got_cells(text: str, found: Counts) -> Counts:
    """Both arms received cells: every patient is in the cell-therapy arm(s), as the schema counts."""
    if found.n_control is None or not _CONTROL_GOT_CELLS.search(text):
        return found
    total = found.n_total or (found.n_treatment or 0) + found.n_control
    return Counts(total, total, None)


def _first_count(text: str, found: list) -> int | None:
    """The first head count; ``15名MS患者及19名ALS患者`` adds up to 34."""
    for i, c in enumerate(found):
        if i > 0 and _in_parentheses(text, c.start):
            continue
        total = int(c.low)
        j = i
        while j + 1 < len(found):
            gap = text[found[j].end : found[j + 1].start]
            if len(gap) <= 12 and re.search(r"[及和与、]", gap) and not re.search(r"[,，;;。(()]", gap):
                total += int(found[j + 1].low)
                j += 1
            else:
                break
        return total
    return None


# --- table cells ------------------------------------------------------------------------------
# Cells say in a few characters what prose says in a sentence: "40(20/20)", "MSC 15 / control 15",
# "PV", "1 or 2 injections".

_CELL_ARMS_BRACKET = re.compile(r"^\s*(\d{1,5})\s*[(（]\s*(\d{1,5})\s*[/／]\s*(\d{1,5})\s*[)）]")
_CELL_ARMS_NAMED = re.compile(
    r"(?:MSCs?|[A-Z]{2}-MSCs?|cells?|treated|treatment|细胞|干细胞|治疗组?|细胞组|试验组)\D{0,8}?(\d{1,5})\s*[/／,;，、]\s*"
    r"(?:control|controls|placebo|SMT|standard|sham|usual care|对照组?|安慰剂组?|常规治疗组?|假手术组?)\D{0,8}?(\d{1,5})",
    re.I,
)


def cell_arms(cell: str) -> Counts | None:
    """Arm sizes a count cell writes without words: ``40(20/20)`` (total, cells, control) or
    ``MSC 15 / control 15`` (cells, control; the total is their sum)."""
    m = _CELL_ARMS_BRACKET.match(cell)
    if m and int(m.group(2)) + int(m.group(3)) == int(m.group(1)):
        return Counts(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _CELL_ARMS_NAMED.search(cell)
    if m:
        t, c = int(m.group(1)), int(m.group(2))
        return Counts(t + c, t, c)
    return None


def route_of_cell(cell: str) -> str | None:
    """A route cell that is only an abbreviation (``PV``, ``HA``, ``IT``): the route whose
    ``cell_terms`` list it. Only whole cells: ``HA`` in running text is hyaluronic acid."""
    body = re.sub(r"[\s.,;，、]+$", "", cell.strip())
    vocab = _vocab("route")
    return next((code for code in vocab.codes if body in (vocab.attr(code, "cell_terms") or [])), None)


_CELL_NUMBERS = re.compile(r"(?<![\d.])(\d{1,2})(?![\d.])")


_DOSE_CELL_TIMES = re.compile(r"(?:(\d{1,2})\s*[~～\-–至或]\s*)?(\d{1,2})\s*次(?!/)")


def administrations_in_dose_cell(cell: str) -> int | None:
    """A dose cell's schedule: ``5×10^7个/次,1~2次`` (2), ``1×10^6个/kg,3次`` (3); a frequency
    (``每2周1次``) is none."""
    found = [int(m.group(2)) for m in _DOSE_CELL_TIMES.finditer(cell)
             if "每" not in cell[max(0, m.start() - 4) : m.start()] and 0 < int(m.group(2)) <= 50]
    return max(found) if found else None


def administrations_of_cell(cell: str) -> int | None:
    """An injections cell: ``3``, ``4 (weekly)``, ``1 or 2 injections`` (the highest stated)."""
    stated = administrations(cell)
    if stated is not None:
        return stated
    numbers = [int(n) for n in _CELL_NUMBERS.findall(cell) if 0 < int(n) <= 50]
    return max(numbers) if numbers else None
