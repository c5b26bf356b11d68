"""Partner drugs, classes and properties (issue 18): the names people type resolve, the partner
labels' class and property rules reach our substances through what they do, and the audit's
dangerous gaps (2026-12-04 accuracy audit, section 2) and row 9 (CYP2D6 inhibitors) are closed."""

from __future__ import annotations

import json
import tomllib

import pytest

from psycompare.query import interactions as ix
from psycompare.store.dataset import Dataset
from psycompare.store.index import normalize

from .conftest import BUNDLED, Run

SEVERE = ("major", "contraindicated")


def _pair(run: Run, a: str, b: str) -> dict[str, object]:
    code, out, err = run("interactions", a, b, "--format", "json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


# name typed, partner id it must resolve to
NAMES = [
    ("Xanax", "alprazolam"),
    ("alprazolam", "alprazolam"),
    ("Valium", "diazepam"),
    ("Klonopin", "clonazepam"),
    ("Ativan", "lorazepam"),
    ("midazolam", "midazolam"),
    ("morphine", "morphine"),
    ("OxyContin", "oxycodone"),
    ("Percocet", "oxycodone"),
    ("heroin", "heroin"),
    ("diamorphine", "heroin"),
    ("methadone", "methadone"),
    ("Suboxone", "buprenorphine"),
    ("codeine", "codeine"),
    ("Nucynta", "tapentadol"),
    ("GHB", "ghb"),
    ("GBL", "ghb"),
    ("Xyrem", "ghb"),
    ("sodium oxybate", "ghb"),
    ("Neurontin", "gabapentin"),
    ("Lyrica", "pregabalin"),
    ("Ambien", "zolpidem"),
    ("zopiclone", "zopiclone"),
    ("Lunesta", "eszopiclone"),
    ("methamphetamine", "methamphetamine"),
    ("crystal meth", "methamphetamine"),
    ("cocaine", "cocaine"),
    ("DXM", "dxm"),
    ("dextromethorphan", "dextromethorphan"),
    ("cannabis", "cannabis"),
    ("weed", "cannabis"),
    ("THC", "cannabis"),
    ("Celexa", "citalopram"),
    ("amitriptyline", "amitriptyline"),
    ("clomipramine", "clomipramine"),
    ("nortriptyline", "nortriptyline"),
    ("imipramine", "imipramine"),
    ("mirtazapine", "mirtazapine"),
    ("trazodone", "trazodone"),
    ("Lamictal", "lamotrigine"),
    ("Depakote", "valproate"),
    ("Imitrex", "sumatriptan"),
    ("Maxalt", "rizatriptan"),
    ("Seroquel", "quetiapine"),
    ("Zyprexa", "olanzapine"),
    ("Haldol", "haloperidol"),
    ("ritonavir", "ritonavir"),
    ("ketoconazole", "ketoconazole"),
    ("clarithromycin", "clarithromycin"),
    ("quinidine", "quinidine"),
    ("ayahuasca", "ayahuasca"),
    ("syrian rue", "syrian-rue"),
    ("Peganum harmala", "syrian-rue"),
    ("harmaline", "harmaline"),
    ("harmine", "harmine"),
    ("tricyclics", "tcas"),
    ("triptans", "triptans"),
    ("Z-drugs", "z-drugs"),
    ("antiretrovirals", "antiretrovirals"),
    ("anticonvulsants", "anticonvulsants"),
    ("harmala alkaloids", "harmala"),
    ("serotonergic", "serotonergic"),
    ("sympathomimetics", "sympathomimetic"),
]


@pytest.mark.parametrize(("name", "pid"), NAMES)
def test_the_names_people_type_resolve(name: str, pid: str) -> None:
    ds = Dataset()
    assert ix.resolve(ds, ix.load(ds), name).id == pid


# (a, b, expected severity): each through `psycompare interactions a b --format json`
PAIRS = [
    ("ketamine", "methadone", "major"),  # ketamine label: opioids as CNS depressants; opioid boxed warning
    ("ayahuasca", "mdma", "contraindicated"),  # audit gap G1: MAOI labels x serotonin releasers
    ("ayahuasca", "amphetamine", "contraindicated"),  # gap G2: MAOI labels x sympathomimetics
    ("ayahuasca", "Adderall", "contraindicated"),
    ("mdma", "tramadol", "major"),  # gap G3: opioids x serotonergic drugs
    ("methylone", "phenelzine", "contraindicated"),  # gap G5
    ("methylone", "lithium", "major"),  # gap G5
    ("methylone", "fentanyl", "major"),  # gap G5
    ("ibogaine", "bupropion", "major"),  # gap G6: bupropion's seizure threshold, CYP2D6
    ("ibogaine", "Wellbutrin", "major"),
    ("Xanax", "oxycodone", "major"),  # benzodiazepine and opioid boxed warnings
    ("alprazolam", "heroin", "major"),
    ("GHB", "alcohol", "contraindicated"),  # Xyrem label
    ("GBL", "Ambien", "contraindicated"),
    ("Xyrem", "morphine", "major"),
    ("gabapentin", "morphine", "major"),  # FDA 2019: gabapentinoids x CNS depressants
    ("Lyrica", "Valium", "major"),
    ("methadone", "citalopram", "major"),  # methadone QT boxed warning
    ("methadone", "clarithromycin", "major"),  # methadone CYP3A4 boxed warning
    ("linezolid", "sertraline", "contraindicated"),
    ("methylene blue", "paroxetine", "contraindicated"),
    ("sumatriptan", "sertraline", "major"),  # triptan labels
    ("Imitrex", "Parnate", "contraindicated"),
    ("DXM", "Nardil", "contraindicated"),  # OTC Drug Facts: not within 2 weeks of an MAOI
    ("dextromethorphan", "selegiline", "contraindicated"),
    ("sertraline", "DXM", "major"),
    ("cocaine", "Parnate", "contraindicated"),
    ("crystal meth", "Emsam", "contraindicated"),
    ("tramadol", "bupropion", "major"),  # tramadol and bupropion labels: seizures
    ("tramadol", "Nardil", "contraindicated"),
    ("lithium", "mdma", "major"),
    ("ketamine", "cocaine", "moderate"),  # ketamine label: sympathomimetics, monitor vital signs
    ("esketamine", "mdma", "moderate"),
    ("paroxetine", "amitriptyline", "major"),
    ("syrian rue", "mdma", "contraindicated"),
    ("harmaline", "fluoxetine", "contraindicated"),
    ("dextromethorphan-bupropion", "ayahuasca", "contraindicated"),
]


@pytest.mark.parametrize(("a", "b", "severity"), PAIRS, ids=lambda x: str(x))
def test_pairs_from_partner_labels(run: Run, a: str, b: str, severity: str) -> None:
    ab, ba = _pair(run, a, b), _pair(run, b, a)
    (p,) = ab["pairs"]  # type: ignore[misc]
    (q,) = ba["pairs"]  # type: ignore[misc]
    assert p["severity"] == q["severity"] == severity
    assert all(r["sources"] for r in p["rules"])


def test_a_property_rule_reaches_every_member_and_says_how(run: Run) -> None:
    ds = Dataset()
    data = ix.load(ds)
    nardil = ix.resolve(ds, data, "Nardil")
    serotonergic = [sid for sid in ds.ids() if "serotonergic" in ix.expand(data, ix.substance_partner(ds, data, sid))]
    assert {"mdma", "methylone", "sertraline", "paroxetine", "dextromethorphan-bupropion", "ibogaine"} <= set(
        serotonergic
    )
    # classic psychedelics are 5-HT2A agonists, not "serotonergic" in the labels' sense (their own rules)
    assert not {"lsd", "psilocybin", "mescaline", "dmt", "5-meo-dmt"} & set(serotonergic)
    for sid in serotonergic:
        pair = ix.pair(data, ix.substance_partner(ds, data, sid), nardil)
        assert pair.severity == "contraindicated", sid
    code, out, err = run("interactions", "methylone", "Nardil", "-f", "plain", "--full")
    assert code == 0, err
    assert "via property" in " ".join(out.split())


def test_audit_row_9_fluoxetine_and_bupropion_are_strong_cyp2d6_inhibitors() -> None:
    ds = Dataset()
    data = ix.load(ds)
    for name in ("fluoxetine", "Prozac", "bupropion", "Wellbutrin", "paroxetine", "quinidine"):
        assert "cyp2d6-inhibitors" in ix.expand(data, ix.resolve(ds, data, name)), name
    # so the MDMA and Auvelity CYP2D6 rules now fire for fluoxetine
    for sub in ("mdma", "dextromethorphan-bupropion"):
        hits = ix.for_pair(ds, sub, "fluoxetine").hits
        assert any("cyp2d6-inhibitors" in (h.rule.a, h.rule.b) for h in hits), sub


def test_every_severe_partner_label_rule_says_what_to_do() -> None:
    raw = (BUNDLED / "interactions.toml").read_text()
    section = raw.split("# --- partner labels (class and property rules) ---", 1)[1]
    section = section.split("# --- psychedelic interaction literature ---", 1)[0]
    rules = tomllib.loads("reviewed = 2026-01-01\n" + section)["rule"]
    assert len(rules) >= 20
    for r in rules:
        assert r["evidence"] == "label", r
        if r["severity"] in SEVERE:
            assert r.get("management") and "none recorded" not in r["management"].lower(), r


def test_every_partner_name_resolves_to_itself_and_spares_substance_names() -> None:
    ds = Dataset()
    data = ix.load(ds)
    substance_names = set()
    for sid in ds.ids():
        sub = ds.load(sid)
        substance_names |= {normalize(n) for n in (sid, sub.name, *sub.aliases)}
    for p in data.partners.values():
        for name in (p.name, *p.aliases):
            assert ix.resolve(ds, data, name).id == p.id, name
            assert normalize(name) not in substance_names, name
    # the one deliberate overlap: the id 'ayahuasca' means the brew (an MAO inhibitor) in
    # interactions, while `show ayahuasca` still finds the DMT record
    assert "ayahuasca" in substance_names and ix.resolve(ds, data, "ayahuasca").kind == "drug"
    assert ds.resolve("ayahuasca") == "dmt"


def test_every_substance_partner_pair_is_symmetric_and_takes_the_worst_rule() -> None:
    ds = Dataset()
    data = ix.load(ds)
    subs = [ix.substance_partner(ds, data, sid) for sid in ds.ids()]
    others = [p for p in data.partners.values() if p.kind in ("drug", "class", "property")] + subs
    for s in subs:
        for o in others:
            if o.id == s.id:
                continue
            ab, ba = ix.pair(data, s, o), ix.pair(data, o, s)
            assert ab.severity == ba.severity, (s.id, o.id)
            assert {h.rule for h in ab.hits} == {h.rule for h in ba.hits}, (s.id, o.id)
            if ab.hits:
                assert ab.severity == max((h.rule.severity for h in ab.hits), key=lambda v: ix.RANK[v])
