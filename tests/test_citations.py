"""views/base.Citations: the one citation numbering every numbered view uses."""

from __future__ import annotations

import json

from psycompare.store.dataset import Dataset
from psycompare.views.base import Citations, Citer, record_citations

from .conftest import Run


def test_first_citation_order_after_the_given_sources() -> None:
    ds = Dataset()
    sub = ds.load("mdma")
    own = ds.sources_of(sub)
    nums = record_citations(ds, sub)
    assert [s.id for _, s in nums.footnotes()] == [s.id for s in own]  # record order, numbered from 1
    assert nums.cite([own[2].id, own[0].id, own[2].id]) == (1, 3)
    shared = Citations(ds)
    assert shared.cite([own[2].id]) == (1,) and shared.cite([own[0].id, own[2].id]) == (1, 2)
    assert shared.cite(["no-such-source"]) == ()  # an unknown id gets no number


def test_a_citer_numbers_through_its_citations_and_keeps_what_it_used() -> None:
    ds = Dataset()
    sub = ds.load("ketamine")
    alone = Citer(ds, sub)
    first = sub.summary.sources if sub.summary else ()
    cited = alone.cite(first)
    assert cited and [n for n, _ in alone.source_list()] == sorted(cited)
    shared = Citations(ds)
    two = [Citer(ds, ds.load(n), shared) for n in ("ketamine", "mdma")]
    assert two[0].cite(first) == tuple(range(1, len(cited) + 1)) and two[1].numbers is shared
    assert two[0].footnotes("x").sources == []  # a shared list prints once, under everything


def test_show_and_sources_number_a_record_the_same_way(run: Run) -> None:
    shown = json.loads(run("show", "mdma", "-f", "json")[1])["substances"][0]["sources"]
    listed = json.loads(run("sources", "mdma", "-f", "json")[1])["substances"][0]["sources"]
    assert [(s["n"], s["id"]) for s in shown] == [(s["n"], s["id"]) for s in listed]
