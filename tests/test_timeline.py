"""Timeline, status on a date (--as-of), data diff, identifiers (issue 13)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from psycompare.query import history
from psycompare.schema import rules as schema
from psycompare.store.dataset import Dataset

from .conftest import BUNDLED, Run

FORMATS = ["table", "plain", "json", "csv", "markdown", "toml", "jsonl"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_timeline_prints_in_every_format(run: Run, fmt: str) -> None:
    code, out, err = run("timeline", "mdma", "esketamine", "-f", fmt)
    assert code == 0, err
    assert "2019-03-05" in out and "1985-07-01" in out


def test_timeline_is_in_date_order_across_all_substances(run: Run) -> None:
    _, out, _ = run("timeline", "-f", "json")
    events = json.loads(out)["events"]
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    assert {e["substance"] for e in events} == set(Dataset().ids())


def test_timeline_filters(run: Run) -> None:
    _, out, _ = run(
        "timeline", "--since", "2019-01-01", "--until", "2020-12-31", "-j", "US", "--kind", "approval", "-f", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all("2019-01-01" <= r["date"] <= "2020-12-31" for r in rows)
    assert {r["kind"] for r in rows} == {"approval"} and {r["jurisdiction"] for r in rows} == {"US"}
    assert any(r["application"] == "NDA 211243" for r in rows)


def test_since_and_until_take_a_year_alone(run: Run) -> None:
    """`--since 2025` is 2025-01-01 and `--until 2025` is 2025-12-31 (audit 2026-12-04 UX, Low list)."""
    assert run("timeline", "--since", "2025", "-f", "csv") == run("timeline", "--since", "2025-01-01", "-f", "csv")
    assert run("timeline", "--until", "2019", "-f", "csv") == run("timeline", "--until", "2019-12-31", "-f", "csv")
    data = json.loads(run("timeline", "--since", "2024", "--until", "2024", "-f", "json")[1])
    assert (data["since"], data["until"]) == ("2024-01-01", "2024-12-31") and data["events"]


def test_timeline_takes_several_jurisdictions(run: Run) -> None:
    """`timeline -j US,GB`: the events of either, US states included (the one -j rule, `jurisdiction.matches`)."""
    _, out, _ = run("timeline", "-j", "us,uk", "-f", "csv")
    both = {r["jurisdiction"] for r in csv.DictReader(io.StringIO(out))}
    assert {"US", "GB"} <= both and any(j.startswith("US-") for j in both)
    assert all(j in ("US", "GB") or j.startswith("US-") for j in both)
    one = [r for code in ("US", "GB") for r in csv.DictReader(io.StringIO(run("timeline", "-j", code, "-f", "csv")[1]))]
    assert len(one) == len(list(csv.DictReader(io.StringIO(out))))
    assert json.loads(run("timeline", "-j", "US,GB", "-f", "json")[1])["jurisdiction"] == "US,GB"
    code, _, err = run("timeline", "-j", "US,XX")
    assert code == 2 and "unknown jurisdiction 'XX'" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["timeline", "--since", "2020-13-01"], "--since expects a date"),
        (["timeline", "--since", "20255"], "--since expects a date as YYYY-MM-DD or a year"),
        (["timeline", "--since", "2021-01-01", "--until", "2020-01-01"], "--since is after --until"),
        (["timeline", "--kind", "party"], "unknown event kind"),
        (["status", "mdma", "--as-of", "yesterday"], "--as-of expects a date"),
    ],
)
def test_bad_dates_and_kinds_are_usage_errors(run: Run, argv: list[str], message: str) -> None:
    code, out, err = run(*argv)
    assert code == 2 and out == "" and message in err


def _status(run: Run, name: str, code: str, on: str) -> list[dict[str, object]]:
    _, out, _ = run("status", name, "-j", code, "--as-of", on, "-f", "json")
    sub = json.loads(out)["substances"][0]
    return [*sub["status"], *({"jurisdiction": j, "approval": None} for j in sub["not_recorded"])]


def test_esketamine_was_not_approved_in_the_us_before_2019_03_05(run: Run) -> None:
    (before,) = _status(run, "esketamine", "US", "2019-03-04")
    (after,) = _status(run, "esketamine", "US", "2019-03-05")
    assert before["approval"] == "not-approved"
    assert after["approval"] == "approved" and len(after["indications"]) == 1  # type: ignore[arg-type]


def test_psilocybin_was_not_prescribable_in_australia_before_2023_07_01(run: Run) -> None:
    (before,) = _status(run, "psilocybin", "AU", "2023-06-30")
    (after,) = _status(run, "psilocybin", "AU", "2023-07-01")
    assert before["approval"] == "not-approved" and before["schedule_code"] == "S9"
    assert after["approval"] == "restricted-access"


def test_mdma_was_not_scheduled_in_the_us_before_its_1985_emergency_scheduling(run: Run) -> None:
    (before,) = _status(run, "mdma", "US", "1985-06-30")
    (after,) = _status(run, "mdma", "US", "1985-07-01")
    assert before["schedule_code"] == "none" and before["schedule"] == ""
    assert after["schedule_code"] == "C-I"


def test_before_the_first_recorded_fact_the_answer_is_not_recorded(run: Run) -> None:
    (row,) = _status(run, "esketamine", "US", "1990-01-01")
    assert row["approval"] is None
    code, out, _ = run("status", "esketamine", "-j", "US", "--as-of", "1990-01-01", "-f", "plain")
    assert code == 0 and "not recorded" in out
    _, out, _ = run("compare", "esketamine", "mdma", "--as-of", "1990-01-01", "--fields", "status", "-f", "csv")
    assert "No US status recorded for 1990-01-01" in out


def _one(run: Run, name: str, code: str, on: str) -> dict[str, object]:
    """The row for exactly one jurisdiction (`-j US` also lists US states)."""
    (row,) = [r for r in _status(run, name, code, on) if r["jurisdiction"] == code]
    return row


def test_ketamine_was_an_uncontrolled_approved_anaesthetic_in_the_us_until_1999(run: Run) -> None:
    before_csa = _one(run, "ketamine", "US", "1971-04-30")
    y1990 = _one(run, "ketamine", "US", "1990-01-01")
    eve = _one(run, "ketamine", "US", "1999-08-11")
    day = _one(run, "ketamine", "US", "1999-08-12")
    y2000 = _one(run, "ketamine", "US", "2000-01-01")
    assert before_csa["approval"] is None  # the day of the 1970 approval was not confirmed
    assert y1990["approval"] == "approved-other-use" and y1990["schedule_code"] == "none"
    assert eve["schedule_code"] == "none" and eve["until"] == "1999-08-12"
    assert day["schedule_code"] == y2000["schedule_code"] == "C-III"
    assert y2000["approval"] == "approved-other-use" and y2000["since"] == "1999-08-12"


def test_sertraline_us_is_not_recorded_before_its_first_dated_us_fact(run: Run) -> None:
    y1995 = _one(run, "sertraline", "US", "1995-01-01")
    y2000 = _one(run, "sertraline", "US", "2000-01-01")
    assert y1995["approval"] is None  # approved in 1991, but no source gives the day
    assert y2000["approval"] == "approved" and y2000["since"] == "1999-12-07"


@pytest.mark.parametrize("name", ["lsd", "psilocybin", "mescaline", "dmt"])
def test_classic_psychedelics_are_schedule_i_from_the_csa_and_the_1971_convention(run: Run, name: str) -> None:
    us_1970 = _one(run, name, "US", "1971-04-30")
    us_1980 = _one(run, name, "US", "1980-01-01")
    assert us_1970["approval"] is None
    assert us_1980["schedule_code"] == "C-I" and us_1980["approval"] == "not-approved"
    intl_before = _one(run, name, "INTL", "1976-08-15")
    intl_after = _one(run, name, "INTL", "1976-08-16")
    assert intl_before["approval"] is None and intl_after["schedule_code"] == "UN 1971 Sch I"


def test_history_follows_the_development_stage(run: Run) -> None:
    psilo_2010 = _one(run, "psilocybin", "US", "2010-01-01")
    psilo_2020 = _one(run, "psilocybin", "US", "2020-01-01")
    psilo_now = _one(run, "psilocybin", "US", "2026-05-01")
    assert psilo_2010["approval"] == "not-approved"
    assert psilo_2020["approval"] == "investigational" and "2026" not in str(psilo_2020["short"])
    assert psilo_now["since"] == "2026-04-24"
    temporary = _one(run, "methylone", "US", "2012-01-01")
    permanent = _one(run, "methylone", "US", "2020-01-01")
    assert "temporary" in str(temporary["schedule"]) and permanent["until"] == "2025-07-10"


def test_gb_class_a_history_and_the_2001_regulations(run: Run) -> None:
    y1980 = _one(run, "lsd", "GB", "1980-01-01")
    y2010 = _one(run, "lsd", "GB", "2010-01-01")
    assert y1980["schedule_code"] == "Class A" and "2001" not in str(y1980["schedule"])
    assert y2010["schedule_code"] == "Class A, Sch 1" and y2010["since"] == "2002-02-01"


def test_compare_as_of_uses_the_history(run: Run) -> None:
    _, out, _ = run("compare", "mdma", "psilocybin", "-j", "AU", "--as-of", "2023-03-01", "-f", "json")
    doc = json.loads(out)
    assert doc["on"] == "2023-03-01"
    status = next(r for r in doc["rows"] if r["field"] == "status")
    assert {v[0]["approval"] for v in status["values"].values()} == {"not-approved"}


def test_status_on_follows_since_and_until() -> None:
    sub = Dataset().get("mdma")
    assert history.status_on(sub, "US", date(1986, 12, 1)).schedule_code == "C-I"  # type: ignore[union-attr]
    assert history.status_on(sub, "US", date(1987, 12, 1)) is None  # the vacated rule: a gap, not a guess
    now, then = sub.status_for("US"), history.status_on(sub, "US", date(2000, 1, 1))
    assert now is not None and then is not None
    assert (then.approval, then.schedule, then.schedule_code) == (now.approval, now.schedule, now.schedule_code)
    # today's prose tells of the 2024 refusal: it is not shown as the status of 2000
    assert "2024" in now.note and "2024" not in then.note and then.short == ""
    assert then.note.startswith("In force from 1988-03-23")
    assert history.status_on(sub, "US", now.as_of) == now
    # an entry without `since` and no history is known only from its as_of date
    gb = sub.status_for("GB")
    assert gb is not None and history.status_on(sub, "GB", gb.as_of) == gb
    assert history.status_on(sub, "GB", date(2000, 1, 1)) is None


def _record(data: Path, name: str) -> Path:
    return data / "substances" / f"{name}.toml"


def test_history_entries_are_validated(data_copy: Path, run: Run) -> None:
    path = _record(data_copy, "mdma")
    text = path.read_text("utf-8")
    path.write_text(text.replace("until = 1986-11-13", "until = 1985-01-01"), "utf-8")
    code, out, _ = run("data", "validate", str(data_copy))
    assert code == 1 and "status_history" in out and "until must be after since" in out


def test_history_entry_needs_sources_and_until(data_copy: Path, run: Run) -> None:
    path = _record(data_copy, "psilocybin")
    text = path.read_text("utf-8")
    path.write_text(text.replace("until = 2023-07-01\n", "", 1), "utf-8")
    code, out, _ = run("data", "validate", str(data_copy))
    assert code == 1 and "missing required field 'until'" in out


def test_identifiers_are_checked(data_copy: Path, run: Run) -> None:
    path = _record(data_copy, "ketamine")
    path.write_text(path.read_text("utf-8").replace('cas = "6740-88-1"', 'cas = "6740-88-2"'), "utf-8")
    code, out, _ = run("data", "validate", str(data_copy))
    assert code == 1 and "valid check digit" in out


@pytest.mark.parametrize("name", ["6740-88-1", "1867-66-9", "690g0d6v8h", "33643-47-9", "QUC7NX6WMB"])
def test_names_resolve_through_cas_and_unii(run: Run, name: str) -> None:
    code, out, err = run("show", name, "-f", "json")
    assert code == 0, err
    assert json.loads(out)["substances"][0]["identifiers"] is not None


def test_names_resolve_through_trial_registry_ids(data_copy: Path, run: Run) -> None:
    path = _record(data_copy, "mescaline")  # its trial has no registry_ids of its own yet
    text = path.read_text("utf-8")
    path.write_text(text.replace("[[trials]]\n", '[[trials]]\nregistry_ids = ["NCT99999999"]\n', 1), "utf-8")
    code, out, err = run("--no-bundled", "--data", str(data_copy), "show", "nct99999999", "-s", "trials", "-f", "plain")
    assert code == 0, err
    assert "NCT99999999" in out


def test_show_prints_identifiers(run: Run) -> None:
    _, out, _ = run("show", "ketamine", "-s", "identity", "-f", "plain")
    assert "CAS 6740-88-1 (salt 1867-66-9)" in out and "UNII 690G0D6V8H" in out


def test_every_identifier_check_accepts_the_bundled_values() -> None:
    for sid in Dataset().ids():
        ids = Dataset().load(sid).identifiers
        if ids is None:
            continue
        for name, (check, _) in schema.IDENTIFIER_CHECKS.items():
            value = getattr(ids, name)
            assert all(check(v) for v in (value if isinstance(value, tuple) else (value,)) if v)


def _make_mdma_c2(data: Path) -> None:
    """One fact changed: MDMA's US schedule code C-I becomes C-II."""
    path = _record(data, "mdma")
    old = 'schedule_code = "C-I"\nschedule_since = 1988-03-23'
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, 'schedule_code = "C-II"\nschedule_since = 1988-03-23', 1), "utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_data_diff_reports_fact_changes(data_copy: Path, run: Run, fmt: str) -> None:
    _make_mdma_c2(data_copy)
    (data_copy / "substances" / "lsd.toml").unlink()
    code, out, err = run("data", "diff", str(BUNDLED), str(data_copy), "-f", fmt)  # the bundled side is cached
    assert code == 0, err
    assert "C-II" in out and "lsd" in out


def test_data_diff_json_is_fact_by_fact(data_copy: Path, tmp_path: Path, run: Run) -> None:
    _make_mdma_c2(data_copy)
    _, out, _ = run("data", "diff", str(BUNDLED), str(data_copy), "-f", "json")
    doc = json.loads(out)
    assert doc["counts"] == {"added": 0, "removed": 0, "changed": 1}
    (change,) = doc["changes"]
    assert change == {
        "change": "changed",
        "area": "record",
        "substance": "mdma",
        "path": "status[US]",
        "field": "schedule_code",
        "old": "C-I",
        "new": "C-II",
    }
    _, out, _ = run("data", "diff", str(BUNDLED), str(BUNDLED), "-f", "json")
    assert json.loads(out)["changes"] == []


def test_data_diff_compares_interaction_rules_and_partners(data_copy: Path, run: Run) -> None:
    rules = data_copy / "interactions.toml"
    text = rules.read_text("utf-8")
    first = text.index("[[rule]]")
    second = text.index("[[rule]]", first + 1)
    removed = text[first:second]
    # the next rule's severity moves to another valid grade (diff refuses invalid input: audit M2/M4)
    old_sev = re.search(r'severity = "([a-z]+)"', text[second:])
    assert old_sev is not None
    new_sev = "minor" if old_sev.group(1) != "minor" else "moderate"
    changed = text[second:].replace(f'severity = "{old_sev.group(1)}"', f'severity = "{new_sev}"', 1)
    rules.write_text(text[:first] + changed, "utf-8")
    partners = data_copy / "partners.toml"
    partners.write_text(
        partners.read_text("utf-8")
        + '\n[drug.testdrug]\nname = "Testdrug"\nclasses = ["ssri"]\nsources = ["pmid-21570786"]\n',
        "utf-8",
    )
    _, out, _ = run("data", "diff", str(BUNDLED), str(data_copy), "-f", "json")
    doc = json.loads(out)
    by = {(c["area"], c["change"]): c for c in doc["changes"]}
    assert doc["counts"] == {"added": 1, "removed": 1, "changed": 1}, doc["changes"]
    gone = by[("interaction", "removed")]
    a, b = sorted(re.findall(r'^[ab] = "([^"]+)"', removed, re.M))
    assert gone["path"].startswith(f"rule[{a} + {b}, ") and gone["old"]["a"] in (a, b)
    edit = by[("interaction", "changed")]
    assert edit["field"] == "severity" and (edit["old"], edit["new"]) == (old_sev.group(1), new_sev)
    assert by[("partner", "added")]["path"] == "drug.testdrug"


def test_changelog_names_the_current_dataset_version() -> None:
    info = Dataset().info()
    assert info is not None
    assert f"## {info.version}" in (BUNDLED / "CHANGELOG.md").read_text("utf-8")


def test_compare_as_of_leaves_out_evidence_published_later(run: Run) -> None:
    """Audit 2026-12-04 UX Low list: `compare --as-of` showed trials published after the date."""
    before = run("compare", "esketamine", "mdma", "--as-of", "2019-01-01", "--fields", "evidence", "-f", "csv")[1]
    assert "no key trial published by 2019-01-01 (1 later)" in before and "MAPP2" not in before
    after = run("compare", "esketamine", "mdma", "--as-of", "2024-01-01", "--fields", "evidence", "-f", "csv")[1]
    assert "MAPP2" in after and "TRANSFORM-2" in after
    assert "MAPP2" in run("compare", "esketamine", "mdma", "--fields", "evidence", "-f", "csv")[1]
