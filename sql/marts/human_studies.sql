-- One row per distinct clinical study in people (mentions sharing a cluster_id are one study;
-- animal and in-vitro studies left out), named so a reader can find it: the article's own
-- label when it names the study; when the label names no study (a bare country name such as
-- 法国, a phrase such as 有研究显示 / 有报道 / 据报道 / 纳入标准, an institution that 报道/开展) the
-- reporting institution and year, else the clause of the evidence that tells the study. A study
-- left with no anchor at all is not listed (it stays in core.studies). Facts come from the
-- study's first mention that states them (table rows before prose); follow-up rounded to 0.1.
-- @column study_key: The study's cluster_id (core.studies.cluster_id): count rows to count distinct studies
-- @column study_label: How the study is named for reading: the article's label, or a better anchor (label_source)
-- @column label_source: article (the extracted label names the study) | institution (the reporting institution and year, read from the evidence) | evidence (the clause of the evidence that tells the study)
-- @column article_label: The label as extracted (core.studies.label) of the mention study_id
-- @column study_id: The mention the study is shown by (core.studies.study_id): its evidence and spans are these columns
-- @column n_mentions: Mentions of the study (table rows and prose passages) in core.studies
-- @column source_path: Seed file the study is told in (core.documents.source_path)
-- @column follow_up_months: Longest follow-up stated over the study's mentions, in months, rounded to 0.1
-- @column n_total: Largest number of patients stated over the study's mentions
WITH place_names(place) AS (
    VALUES ('中国'), ('美国'), ('法国'), ('韩国'), ('日本'), ('英国'), ('德国'), ('意大利'), ('西班牙'),
           ('伊朗'), ('印度'), ('巴西'), ('加拿大'), ('澳大利亚'), ('以色列'), ('荷兰'), ('比利时'),
           ('瑞典'), ('瑞士'), ('丹麦'), ('挪威'), ('波兰'), ('俄罗斯'), ('土耳其'), ('埃及'), ('墨西哥'),
           ('阿根廷'), ('新加坡'), ('泰国'), ('越南'), ('马来西亚'), ('巴基斯坦'), ('沙特'), ('台湾'),
           ('香港'), ('国外'), ('国内'), ('欧洲'), ('美洲'), ('亚洲')
),

mentions AS (
    SELECT
        s.*,
        d.source_path,
        regexp_replace(s.label, '\s*(【\d+】|\[\d+\])\s*$', '') AS bare_label
    FROM core.studies AS s
    JOIN core.documents AS d USING (document_id)
    WHERE s.is_human
),

kinded AS (
    SELECT
        m.*,
        CASE
            WHEN m.bare_label IN (SELECT place FROM place_names) THEN 'place'
            WHEN regexp_matches(m.bare_label, '^(也?有研究(显示|表明|发现|报道)|研究(显示|表明|发现)|也?有报道|据报道|有报告|纳入标准|一项研究|研究|报道)$') THEN 'phrase'
            WHEN regexp_matches(m.bare_label, '(医院|医学院|大学|研究所|研究院|中心)(报道|开展|报告)$') THEN 'institution'
            ELSE 'names_study'
        END AS label_kind
    FROM mentions AS m
),

-- what a better anchor is read from, only for the labels that need one (most name their study)
judged AS (
    SELECT
        m.*,
        -- the evidence cut into clauses, and the clause that follows the label in it
        CASE WHEN m.label_kind <> 'names_study' THEN
            list_filter(regexp_split_to_array(m.evidence_text, '[,,。;；!！?？\n]'), lambda x: length(trim(x)) >= 4)
        END AS clauses,
        -- the label is text, not a pattern: escaped (a label with a parenthesis stopped the build).
        -- A pattern made per row is compiled per row (8 s at 1,000 documents), so the clause is
        -- first read after the label's first occurrence with one constant pattern; only when
        -- that finds none is the per-row pattern tried (a later occurrence may be followed by one)
        CASE WHEN m.label_kind = 'phrase' AND strpos(m.evidence_text, m.bare_label) > 0 THEN COALESCE(
            NULLIF(regexp_extract(substr(m.evidence_text, strpos(m.evidence_text, m.bare_label) + length(m.bare_label)),
                                  '^[,,:：]?([^,,。;；!！?？\n]{4,})', 1), ''),
            NULLIF(regexp_extract(m.evidence_text, regexp_escape(m.bare_label) || '[,,:：]?([^,,。;；!！?？\n]{4,})', 1), ''))
        END AS after_label,
        CASE WHEN m.label_kind = 'institution' THEN NULLIF(regexp_extract(m.evidence_text,
            '(?:\d{4}年)?([^\s,,。、;；()()]{2,24}?(?:医院|医学院|大学|研究所|研究院|中心))(?:报道|开展|报告)', 1), '')
        END AS institution
    FROM kinded AS m
),

anchored AS (
    SELECT
        j.*,
        CASE j.label_kind
            WHEN 'names_study' THEN j.label
            WHEN 'institution' THEN COALESCE(j.institution || COALESCE(' ' || j.year || '年', ''),
                                             left(trim(j.clauses[1]), 40))
            WHEN 'place' THEN j.bare_label || ' · ' || left(trim(COALESCE(
                list_filter(j.clauses, lambda x: contains(x, j.bare_label))[1], j.clauses[1])), 40)
            ELSE left(trim(COALESCE(j.after_label, j.clauses[1])), 40)
        END AS study_label,
        CASE
            WHEN j.label_kind = 'names_study' THEN 'article'
            WHEN j.label_kind = 'institution' AND j.institution IS NOT NULL THEN 'institution'
            ELSE 'evidence'
        END AS label_source,
        -- which mention shows the study: one whose label names it, a table row, then the first
        row_number() OVER (PARTITION BY j.cluster_id
                           ORDER BY j.label_kind <> 'names_study', j.kind <> 'table_row', j.char_start, j.study_id)
            AS mention_rank
    FROM judged AS j
),

facts AS (
    SELECT
        cluster_id,
        CAST(count(*) AS BIGINT)                                        AS n_mentions,
        max(n_total)                                                    AS n_total,
        first(n_treatment ORDER BY mention_rank) FILTER (WHERE n_treatment IS NOT NULL) AS n_treatment,
        first(n_control ORDER BY mention_rank) FILTER (WHERE n_control IS NOT NULL)     AS n_control,
        first(phase ORDER BY mention_rank) FILTER (WHERE phase IS NOT NULL)             AS phase,
        first(donor ORDER BY mention_rank) FILTER (WHERE donor IS NOT NULL)             AS donor,
        first(route ORDER BY mention_rank) FILTER (WHERE route IS NOT NULL)             AS route,
        first(mention_rank ORDER BY mention_rank) FILTER (WHERE dose_low IS NOT NULL)   AS dose_rank,
        max(n_administrations)                                          AS n_administrations,
        round(max(follow_up_months), 1)                                 AS follow_up_months,
        min(year)                                                       AS year
    FROM anchored
    GROUP BY cluster_id
),

final AS (
    SELECT
        a.cluster_id       AS study_key,
        a.study_label,
        a.label_source,
        a.label            AS article_label,
        a.disease,
        a.design,
        f.phase,
        a.cell_type,
        a.tissue_source,
        f.donor,
        f.route,
        f.n_total,
        f.n_treatment,
        f.n_control,
        dose.dose_low,
        dose.dose_high,
        dose.dose_per_kg,
        f.n_administrations,
        f.follow_up_months,
        f.year,
        f.n_mentions,
        a.study_id,
        a.document_id,
        a.source_path,
        a.kind,
        a.reference_marker,
        a.evidence_text,
        a.char_start,
        a.char_end,
        a.raw_start,
        a.raw_end
    FROM anchored AS a
    JOIN facts AS f USING (cluster_id)
    LEFT JOIN anchored AS dose
      ON dose.cluster_id = a.cluster_id AND dose.mention_rank = f.dose_rank
    WHERE a.mention_rank = 1
      AND length(trim(COALESCE(a.study_label, ''))) >= 2
)

SELECT * FROM final
ORDER BY disease, year NULLS LAST, study_label, study_key
