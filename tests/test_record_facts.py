"""Regression tests for the accuracy audit of 2026-12-04 (issue 20): one test per status, event,
trial and source row fixed, named after the row (``audit_1_03`` = section 1, row 3), plus the
validator and output rules for copies (staging hosts, mirror hosts, ``secondary``/``note``)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from psycompare.schema.rules import MIRROR_HOSTS, mirror_host, staging_host

from .conftest import BUNDLED, Run

SOURCES: dict[str, dict[str, Any]] = tomllib.loads((BUNDLED / "sources.toml").read_text("utf-8"))


def record(sid: str) -> dict[str, Any]:
    return tomllib.loads((BUNDLED / "substances" / f"{sid}.toml").read_text("utf-8"))


def status(rec: dict[str, Any], jurisdiction: str) -> dict[str, Any]:
    return next(s for s in rec["status"] if s["jurisdiction"] == jurisdiction)


def host(url: str) -> str:
    return url.partition("://")[2].split("/", 1)[0].lower()


# ----------------------------------------------------------------------------- headline


def test_mdma_us_status_cites_fdas_own_complete_response_letter() -> None:
    us = status(record("mdma"), "US")
    crl = SOURCES["fda-crl-nda-215455"]
    assert crl["kind"] == "regulator" and host(crl["url"]) == "download.open.fda.gov"
    assert "215455" in crl["url"] and not crl.get("secondary")
    assert us["short_sources"][0] == "fda-crl-nda-215455"
    assert "fda-crl-nda-215455" in us["sources"]
    for key in ("sources", "short_sources"):  # no summary or aggregator on the headline status
        for sid in us.get(key, []):
            assert not mirror_host(SOURCES[sid].get("url", "")), sid
            assert SOURCES[sid]["kind"] in ("regulator", "rule", "label"), sid


# ----------------------------------------------------------------------------- section 1


def test_audit_1_03_5meo_dmt_us_clinical_hold_lifted() -> None:
    us = status(record("5-meo-dmt"), "US")
    assert "not confirmed" not in us["note"]
    assert "lifted" in us["note"] and "5 January 2026" in us["note"]
    assert "gh-research-ind-hold-lifted-2026-01-05" in us["sources"]


def test_audit_1_04_dmt_intl_note_follows_the_supreme_court_on_hoasca() -> None:
    intl = status(record("dmt"), "INTL")
    assert "district court held that the Convention does not apply" not in intl["note"]
    assert "Supreme Court" in intl["note"] and "preparation" in intl["note"]
    assert "incb-annual-report-2010" in intl["sources"]
    assert "brew are not listed" not in intl["short"]


@pytest.mark.parametrize("name", ["ketamine", "esketamine"])
def test_audit_1_10_ketamine_intl_note_says_who_advised_against_control(name: str) -> None:
    intl = status(record(name), "INTL")
    assert "with WHO's recommendation" not in intl["note"]
    assert "China" in intl["note"] and "advised against" in intl["note"]
    assert "un-e-cn7-2015-7" in intl["sources"] and "cndblog-2015-cnd-scheduling" not in intl["sources"]


def test_audit_1_11_ibogaine_colorado_records_the_board_recommendation() -> None:
    co = status(record("ibogaine"), "US-CO")
    assert "5-2" in co["note"] and "September 2025" in co["note"]
    assert "marijuanamoment-co-ibogaine-board-2025-09-19" in co["sources"]


def test_audit_1_13_methylone_records_the_otsuka_acquisition_report() -> None:
    rec = record("methylone")
    us = status(rec, "US")
    assert "Otsuka" in us["note"] and "not confirmed" in us["note"]
    ptsd = next(u for u in rec["uses"] if u["condition"].startswith("Post-traumatic"))
    assert "endpoints-otsuka-transcend-2026" in ptsd["sources"]


@pytest.mark.xfail(reason="audit 1 #14: NZ Schedule 1 not read in a primary copy; left to the jurisdictions work")
def test_audit_1_14_psilocybin_nz_class_recorded() -> None:
    assert status(record("psilocybin"), "NZ")["schedule_code"] not in ("", "unknown")


def test_audit_1_15_5meo_dmt_history_says_the_ind_was_submitted_in_august_2023() -> None:
    rec = record("5-meo-dmt")
    hist = next(h for h in rec["status_history"] if h["jurisdiction"] == "US" and str(h["until"]) == "2023-09-29")
    assert "August 2023" in hist["note"] and "announced" in hist["note"]
    assert "August 2023" in status(rec, "US")["note"]


def test_audit_1_16_ayahuasca_trial_cites_the_peer_reviewed_article() -> None:
    trial = next(t for t in record("dmt")["trials"] if t["name"].startswith("Ayahuasca"))
    assert trial["doi"] == "10.1017/S0033291718001356" and trial["pmid"] == "29903051"
    src = SOURCES["ayahuasca-trd-rct-2018"]
    assert src["doi"] == "10.1017/S0033291718001356" and src["pmid"] == "29903051"
    assert "preprint" not in src["title"] and "prod.aop" not in src.get("url", "")


# ----------------------------------------------------------------------------- section 5


def test_audit_5_03_5meo_dmt_hold_lift_event() -> None:
    ev = [e for e in record("5-meo-dmt")["events"] if str(e["date"]) == "2026-01-05"]
    assert len(ev) == 1 and ev[0]["jurisdiction"] == "US" and "lifted" in ev[0]["text"]


# ----------------------------------------------------------------------------- section 7 (= section 1 rows 17-25)


def test_audit_7_01_cfr_1307_31_cites_ecfr() -> None:
    src = SOURCES["cfr-21-1307-31"]
    assert host(src["url"]) == "www.ecfr.gov" and "1307.31" in src["url"]


def test_audit_7_02_udv_opinion_cites_supremecourt_gov() -> None:
    src = SOURCES["gonzales-v-udv-2006"]
    assert host(src["url"]) == "www.supremecourt.gov" and "04-1084" in src["url"]


def test_audit_7_03_auvelity_highlights_cite_dailymed() -> None:
    src = SOURCES["dailymed-auvelity-highlights"]
    assert host(src["url"]) == "dailymed.nlm.nih.gov" and "dcefda7c-9a68-278e-e053-2995a90aec79" in src["url"]


def test_audit_7_04_gh001_phase_2b_paper_is_not_a_stock_news_page() -> None:
    src = SOURCES["gh-research-jama-2026"]
    assert src["doi"] == "10.1001/jamapsychiatry.2026.0096"
    assert "stockysis" not in src.get("url", "") and src["kind"] == "trial"


def test_audit_7_05_gh001_hold_cites_the_sec_filing() -> None:
    src = SOURCES["gh-research-ind-hold-2023"]
    assert src["kind"] == "sponsor" and host(src["url"]) == "www.sec.gov"


def test_audit_7_06_spl026_cites_small_pharmas_release() -> None:
    src = SOURCES["smallpharma-spl026-phase2a-2023"]
    assert src["kind"] == "sponsor" and "easyinvestix" not in src["url"]
    assert src["secondary"] and "release" in src["note"]


def test_audit_7_07_transcend_trade_press_says_the_release_was_not_reached() -> None:
    for sid in ("transcend-btd-2025-07-10", "transcend-impact1-topline-2025"):
        assert "not reached" in SOURCES[sid]["note"], sid


def test_audit_7_08_auvelity_atc_page_is_marked_a_copy() -> None:
    src = SOURCES["canpharm-auvelity-fact-table"]
    assert src["secondary"] and "WHOCC" in src["note"]


def test_audit_7_09_wikipedia_mirrors_are_marked_copies() -> None:
    wiki = [sid for sid in SOURCES if sid.startswith("wikipedia-") or sid == "drugs-encyclopedia-ibogaine"]
    assert len(wiki) >= 7
    for sid in wiki:
        src = SOURCES[sid]
        assert src.get("secondary") and src.get("note", "").strip(), sid
        assert mirror_host(src["url"]), f"{sid}: {host(src['url'])} should be on schema.MIRROR_HOSTS"


def test_audit_7_12_cnd_2015_cites_the_un_document() -> None:
    assert "cndblog-2015-cnd-scheduling" not in SOURCES
    assert host(SOURCES["un-e-cn7-2015-7"]["url"]) == "undocs.org"


def test_audit_7_13_gemini_registry_record_is_kind_registry() -> None:
    assert SOURCES["ctgov-nct04019704"]["kind"] == "registry"


# ----------------------------------------------------------------------------- validator rules


def test_no_bundled_source_on_a_staging_or_dev_host() -> None:
    bad = {sid: s["url"] for sid, s in SOURCES.items() if staging_host(s.get("url", ""))}
    assert not bad


def test_every_bundled_source_on_a_mirror_host_is_marked_secondary_with_a_note() -> None:
    for sid, src in SOURCES.items():
        if mirror_host(src.get("url", "")):
            assert src.get("secondary") and src.get("note", "").strip(), sid


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://dev.funandflip.com/a", "dev.funandflip.com"),
        ("https://sit.mimsdev.com/philippines/x", "sit.mimsdev.com"),
        ("https://prdmimsweb.azurewebsites.net/x", "prdmimsweb.azurewebsites.net"),
        ("https://latam-cl.demo.elsevierpure.com/en/x", "latam-cl.demo.elsevierpure.com"),
        ("https://homsy-staging.cambridgecore.org/core/x", "homsy-staging.cambridgecore.org"),
        ("https://gamestartup.netlify.app/x", "gamestartup.netlify.app"),
        ("http://127.0.0.1:8000/x", "127.0.0.1"),
        ("https://lexbuild.dev/ecfr/x", ""),  # .dev is a top-level domain, not a dev host
        ("https://www.fda.gov/x", ""),
        ("https://developer.nvidia.com/x", ""),
        ("https://www.devon.gov.uk/x", ""),
    ],
)
def test_staging_host_matching(url: str, expected: str) -> None:
    assert staging_host(url) == expected


def _set_url(data: Path, sid: str, url: str, extra: str = "") -> None:
    src = data / "sources.toml"
    text = src.read_text("utf-8")
    text, n = re.subn(
        rf'(?ms)(^\[{re.escape(sid)}\]\n.*?^url = )"[^"]*"\n', lambda m: f'{m.group(1)}"{url}"\n{extra}', text, count=1
    )
    assert n == 1
    src.write_text(text, "utf-8")


def test_data_validate_refuses_a_staging_host_even_when_marked_secondary(run: Run, data_copy: Path) -> None:
    _set_url(data_copy, "cfr-21-1308", "https://staging.ecfr.gov/x", 'secondary = true\nnote = "copy"\n')
    code, out, err = run("data", "validate", str(data_copy))
    assert code != 0
    assert re.search(r"sources\.toml:\d+:\d+: cfr-21-1308\.url: staging\.ecfr\.gov is a staging", out + err)


def test_data_validate_refuses_a_mirror_host_without_the_secondary_mark(run: Run, data_copy: Path) -> None:
    assert "fda.report" in MIRROR_HOSTS
    _set_url(data_copy, "fda-ketalar-label", "https://fda.report/DailyMed/x")
    code, out, err = run("data", "validate", str(data_copy))
    assert code != 0
    assert re.search(r"fda-ketalar-label\.url: fda\.report is a mirror/aggregator host", out + err)


# ----------------------------------------------------------------------------- output of copies


def test_sources_json_carries_secondary_and_note(run: Run) -> None:
    code, out, _ = run("sources", "sertraline", "--format", "json")
    assert code == 0
    srcs = json.loads(out)["substances"][0]["sources"]
    assert all("secondary" in s and "note" in s for s in srcs)
    copy = next(s for s in srcs if s["id"] == "nz-zoloft-data-sheet")
    assert copy["secondary"] is True and "medsafe.govt.nz" in copy["note"]
    orig = next(s for s in srcs if s["id"] == "fda-zoloft-label-2023-08")
    assert orig["secondary"] is False and orig["note"] == ""


def test_human_source_list_names_the_host_of_a_copy(run: Run) -> None:
    code, out, _ = run("sources", "sertraline", "--wide", "--format", "plain")  # titles whole
    assert code == 0
    flat = " ".join(out.split())
    assert "copy on vdocuments.site of: ZOLOFT (sertraline) 50 mg and 100 mg tablets: New Zealand data sheet" in flat
    assert "copy on www." not in flat  # the www. prefix is dropped
    code, out, _ = run("sources", "sertraline", "--format", "markdown")
    assert code == 0 and "copy on vdocuments.site of:" in out


def test_csv_sources_have_secondary_and_note_columns(run: Run) -> None:
    code, out, _ = run("sources", "sertraline", "--format", "csv")
    assert code == 0
    header = out.splitlines()[0].split(",")
    assert header[-2:] == ["secondary", "note"]


# ----------------------------------------------------------------------------- locators (issue 20 item 6)


def test_locator_is_a_field_in_json_and_points_into_the_first_source(run: Run) -> None:
    code, out, _ = run("show", "5-meo-dmt", "--format", "json")
    assert code == 0
    events = {e["date"]: e for e in json.loads(out)["substances"][0]["events"]}
    assert events["2011-01-19"]["locator"] == "the DATES paragraph"
    assert events["2023-06-20"]["locator"] == ""
    code, out, _ = run("show", "5-meo-dmt", "--format", "plain")
    flat = " ".join(out.split())
    assert re.search(
        r"took effect, on an HHS scheduling recommendation\. \[(\d+)\] \(see the DATES paragraph in \[\1\]\)", flat
    )


def test_sources_list_says_where_facts_point_into_a_source(run: Run) -> None:
    code, out, _ = run("sources", "5-meo-dmt", "--format", "json")
    assert code == 0
    srcs = {s["id"]: s for s in json.loads(out)["substances"][0]["sources"]}
    assert srcs["fr-2010-12-20-5-meo-dmt-schedule-i"]["cited_at"] == [
        "status: 75 FR 79296",
        "events: the DATES paragraph",
        "status_history: 75 FR 79296",
    ]
    assert srcs["cfr-21-1308"]["cited_at"] == []
    code, out, _ = run("sources", "5-meo-dmt", "--wide", "--format", "plain")
    assert "cited at: status: 75 FR 79296; events: the DATES paragraph" in " ".join(out.split())


def test_data_validate_limits_a_locator_to_80_characters(run: Run, data_copy: Path) -> None:
    rec = data_copy / "substances" / "5-meo-dmt.toml"
    rec.write_text(
        rec.read_text("utf-8").replace('locator = "the DATES paragraph"', f'locator = "{"x" * 81}"'), "utf-8"
    )
    code, out, err = run("data", "validate", str(data_copy))
    assert code != 0 and "locator" in out + err


def test_compare_full_and_status_show_a_status_locator(run: Run) -> None:
    # the bundled MDMA US entry points into 21 CFR Part 1308, its first source
    code, out, err = run("compare", "mdma", "ketamine", "--full", "--fields", "status", "--format", "plain")
    assert code == 0, err
    assert re.search(r"\(see 21 CFR 1308\.11\(d\) in \[\d+\]\)", " ".join(out.split()))
    code, out, _ = run("compare", "mdma", "ketamine", "--full", "--fields", "status", "--format", "json")
    values = json.loads(out)["rows"][0]["values"]["mdma"]
    assert values[0]["locator"] == "21 CFR 1308.11(d)"
    code, out, _ = run("status", "mdma", "-j", "US", "--format", "plain")
    assert "(see 21 CFR 1308.11(d) in [" in " ".join(out.split())


@pytest.mark.parametrize("sid", ["dmt", "mescaline", "lsd", "psilocybin"])
def test_us_schedule_i_hallucinogens_say_since_1971(sid: str) -> None:
    """Audit 2026-12-04 UX Low list: DMT and mescaline showed "C-I" while LSD and psilocybin showed
    "C-I since 1971"; all four were in the CSA's initial Schedule I (effective 1971-05-01)."""
    from psycompare.store.dataset import Dataset

    us = Dataset([]).get(sid).status_for("US")
    assert us is not None and us.schedule_code == "C-I" and us.schedule_since is not None
    assert us.schedule_since.isoformat() == "1971-05-01" and "pl-91-513-csa-1970" in us.schedule_sources


# ----------------------------------------------------------------------------- issue 20 item 3


def _gaps() -> list[dict[str, Any]]:
    return list(tomllib.loads((BUNDLED / "gaps.toml").read_text("utf-8")).get("gap", []))


def _side_effects_checked(sid: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    effects = record(sid)["side_effects"]
    for e in effects:  # every side effect names registered sources
        assert e["sources"] and all(s in SOURCES for s in e["sources"]), e["text"]
    mild = [e for e in effects if e["severity"] == "mild"]
    serious = [e for e in effects if e["severity"] == "serious"]
    return mild, serious


def test_issue_20_5meo_dmt_has_six_mild_side_effects_and_serious_risks() -> None:
    mild, serious = _side_effects_checked("5-meo-dmt")
    assert len(mild) >= 6 and len(serious) >= 2
    texts = " ".join(e["text"] for e in mild)
    for word in ("Nasal discomfort", "Nausea", "Headache", "Vomiting", "Craving"):
        assert word in texts, word
    bpl = SOURCES["bpl003-phase1-2024"]
    assert bpl["kind"] == "trial" and bpl["doi"] == "10.1177/02698811241246857"
    assert SOURCES["davis-2018-5-meo-dmt-epidemiology"]["pmid"] == "29708042"
    survey = [e for e in mild if "davis-2018-5-meo-dmt-epidemiology" in e["sources"]]
    assert survey and all(e["setting"] == "nonmedical" and "survey" in e["note"] for e in survey)
    assert any("sklerov-2005-5-meo-dmt-fatality" in e["sources"] for e in serious)
    assert not any(g["record"] == "5-meo-dmt" and g["what"] == "side_effects" for g in _gaps())


def test_issue_20_methylone_side_effects_and_serious_toxicity() -> None:
    mild, serious = _side_effects_checked("methylone")
    assert len(serious) >= 2
    fatal = [e for e in serious if "pmid-22589523" in e["sources"]]
    assert fatal and fatal[0]["setting"] == "nonmedical" and "hyperthermia" in fatal[0]["text"]
    assert SOURCES["pmid-22589523"]["pmid"] == "22589523"
    # six mild effects, or the shortfall stated as a gap with its reason
    stated = [g for g in _gaps() if g["record"] == "methylone" and g["what"] == "side_effects"]
    assert len(mild) >= 6 or (len(mild) >= 4 and stated and stated[0]["reason"])
