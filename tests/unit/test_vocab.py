"""The vocabulary module: YAML-defined codes, simplified and traditional terms, safe matching."""

import pytest

from mscflow.parse.vocab import Match, load_vocab

SCHEMA_CODES = {
    "route": {"intra_articular", "arthroscopic_implant", "subchondral", "intravenous", "hepatic_artery",
              "portal_vein", "intrasplenic", "intrathecal", "intracerebral", "intracoronary",
              "intramyocardial", "intramuscular", "intratracheal", "intrauterine", "local_injection",
              "intra_arterial"},
    "design": {"rct", "non_randomized_controlled", "single_arm", "retrospective", "long_term_follow_up",
               "meta_analysis", "animal", "case_report", "other"},
    "cell_type": {"msc", "mpc", "hsc", "pbsc", "bm_mnc", "ucb_mnc", "treg_msc", "other"},
    "tissue_source": {"bone_marrow", "adipose", "umbilical_cord", "umbilical_cord_blood", "placenta",
                      "peripheral_blood", "dental_pulp", "mixed", "unspecified"},
    "donor": {"autologous", "allogeneic"},
    "phase": {"I", "I/II", "II", "III"},
}


@pytest.mark.parametrize("name", sorted(SCHEMA_CODES))
def test_codes_are_the_schema_codes(name):
    assert set(load_vocab(name).codes) == SCHEMA_CODES[name]


def test_disease_codes_include_schema_examples():
    codes = load_vocab("disease").codes
    for code in ("knee_osteoarthritis", "sle", "lupus_nephritis", "gvhd", "covid19", "autoimmune_disease", "other"):
        assert code in codes


def test_loads_by_file_stem_or_name():
    assert load_vocab("routes").codes == load_vocab("route").codes
    with pytest.raises(KeyError):
        load_vocab("no_such_vocabulary")


def test_find_returns_spans_longest_first():
    text = "两次关节内注射自体 BM-MSC,门静脉"
    hits = load_vocab("route").find(text)
    assert hits[0] == Match("intra_articular", "关节内注射", 2, 7)
    assert hits[-1].code == "portal_vein"  # not the shorter "静脉" inside it
    assert all(text[h.start : h.end] == h.term for h in hits)


def test_traditional_and_simplified_both_match():
    diseases = load_vocab("disease")
    assert diseases.first("膝骨关节炎") == diseases.first("膝骨關節炎") == "knee_osteoarthritis"
    assert load_vocab("route").first("靜脈內") == "intravenous"


def test_latin_terms_respect_word_edges_and_case():
    diseases = load_vocab("disease")
    assert diseases.first("KOA") == "knee_osteoarthritis"
    assert [m.code for m in diseases.find("MSC治疗")] == []  # MS is not inside MSC
    assert load_vocab("tissue_source").first("自体 bm - mscs") == "bone_marrow"
    assert load_vocab("tissue_source").first("hUCB-MSC") == "umbilical_cord_blood"
    # a hyphenated term also matches when a space stands for its dash, never when nothing does
    assert load_vocab("tissue_source").first("并将 AD MSCs 注入膝关节") == "adipose"
    assert load_vocab("phase").first("III期") != load_vocab("phase").first("I-II期")


def test_first_is_none_without_a_term():
    assert load_vocab("route").first("输注") is None
    assert load_vocab("donor").first("自身免疫性疾病") is None


def test_abbreviations():
    cells = load_vocab("cell_type")
    assert cells.first("ADSCs") == "msc"
    assert cells.first("PBSC") == "pbsc"
    assert cells.first("MPC+HA") == "mpc"
    assert load_vocab("tissue_source").first("ASC 的关节内注射") == "adipose"


def test_extra_attributes_are_kept():
    assert load_vocab("disease").attr("knee_osteoarthritis", "refines") == "osteoarthritis"
    assert load_vocab("disease").attr("sle", "refines") is None
