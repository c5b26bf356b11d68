"""Whole-process timings of the installed `psycompare` against bare `python -c pass`.

Usage:  python benchmarks/bench.py [--runs 21] [--sizes 10,1000,10000] [--cpu N]
                                  [--rule-sizes 1000,10000,100000] [--rule-runs 5]

Generates synthetic data directories (valid records in the real schema) under a
temporary folder, warms the index cache once per command, then runs each command
and `python -c pass` (same interpreter) in alternation and prints median ratios.
Standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RECORD = """\
schema = 1
id = "{id}"
name = "Synthetic {n}"
generic_name = "synthezine-{n}"
aliases = ["syn alias {n}", "SYN{n}"]
reviewed = 2026-01-01

[class]
text = "Synthetic test class {n}"
sources = ["src-{n}", "shared-label"]

[summary]
text = "A generated record used only to measure psycompare's speed."
sources = ["src-{n}"]

[mechanism]
text = "Binds a made-up receptor number {n}."
sources = ["src-{n}"]

[[status]]
jurisdiction = "US"
regulator = "FDA"
approval = "investigational"
schedule = ""
note = "Synthetic."
as_of = 2026-01-01
sources = ["shared-label"]

[[events]]
date = 2025-06-01
jurisdiction = "US"
kind = "designation"
text = "Synthetic milestone {n}."
sources = ["src-{n}"]

[[side_effects]]
text = "Headache"
frequency = "common"
severity = "mild"
setting = "clinical"
sources = ["src-{n}"]
"""

SOURCE = """\
[src-{n}]
kind = "trial"
title = "Synthetic trial {n}"
publisher = "Journal of Benchmarks"
date = 2025-01-01
pmid = "{pmid}"

"""


def make_dataset(root: Path, size: int) -> Path:
    """A valid data directory with `size` substances and one source each."""
    (root / "substances").mkdir(parents=True)
    parts = [
        '[shared-label]\nkind = "label"\ntitle = "Shared"\npublisher = "FDA"\ndate = 2025-01-01\n'
        'url = "https://example.org/label"\n\n'
    ]
    for n in range(1, size + 1):
        sid = f"syn-{n:05d}"
        (root / "substances" / f"{sid}.toml").write_text(RECORD.format(id=sid, n=n), "utf-8")
        parts.append(SOURCE.format(n=n, pmid=10_000_000 + n))
    (root / "sources.toml").write_text("".join(parts), "utf-8")
    (root / "dataset.toml").write_text('version = "bench"\ndate = 2026-01-01\n', "utf-8")
    time.sleep(2.1)  # the cache trusts no file changed in the last 2 s (ctime cannot be backdated)
    return root


RULES_PER_DIR = 25_000  # one interactions.toml stays under the 4 MiB file limit


def make_rules(root: Path, size: int) -> list[str]:
    """Overlay directories holding `size` partner drugs and `size` rules (mdma + drug-i), as --data flags."""
    flags: list[str] = []
    for part, start in enumerate(range(1, size + 1, RULES_PER_DIR)):
        end = min(size, start + RULES_PER_DIR - 1)
        d = root / f"part-{part}"
        d.mkdir(parents=True)
        (d / "sources.toml").write_text(
            '[syn-label]\nkind = "label"\ntitle = "Synthetic label"\npublisher = "FDA"\ndate = 2025-01-01\n'
            'url = "https://example.org/label"\n',
            "utf-8",
        )
        drugs, rules = [], ["reviewed = 2026-01-01\n"]
        for n in range(start, end + 1):
            drugs.append(f'[drug.drug-{n:06d}]\nname = "Drug {n}"\nsources = ["syn-label"]\n')
            rules.append(
                f'[[rule]]\na = "mdma"\nb = "drug-{n:06d}"\nseverity = "minor"\neffect = "other"\n'
                f'text = "Synthetic rule {n}."\nsetting = "any"\nevidence = "label"\nsources = ["syn-label"]\n'
            )
        (d / "partners.toml").write_text("".join(drugs), "utf-8")
        (d / "interactions.toml").write_text("".join(rules), "utf-8")
        flags += ["--data", str(d)]
    time.sleep(2.1)
    return flags


def time_once(cmd: list[str], env: dict[str, str], shell_pipe: bool) -> float:
    start = time.perf_counter()
    if shell_pipe:  # stdout is a pipe that is read to the end
        subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, check=False)
    else:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def measure(cmds: list[list[str]], runs: int, env: dict[str, str]) -> tuple[list[float], float]:
    """Median seconds of each command and of `python -c pass`, all in alternation.

    Interleaving puts every command under the same machine drift, so commands measured
    together (one lookup at several dataset sizes) compare fairly with each other.
    """
    base = [sys.executable, "-c", "pass"]
    for _ in range(2):  # warm caches (OS and psycompare's index)
        for cmd in (base, *cmds):
            time_once(cmd, env, True)
    times: list[list[float]] = [[] for _ in cmds]
    base_times = []
    for _ in range(runs):
        base_times.append(time_once(base, env, True))
        for cmd, out in zip(cmds, times, strict=True):
            out.append(time_once(cmd, env, True))
    return [statistics.median(t) for t in times], statistics.median(base_times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--sizes", default="10,1000,10000")
    ap.add_argument("--cpu", type=int, help="pin this script and every timed process to one CPU (Linux)")
    ap.add_argument("--rule-sizes", default="1000,10000,100000", help="interaction rules in the scale rows")
    ap.add_argument("--rule-runs", type=int, default=5, help="runs per scale row (they are slower)")
    args = ap.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})  # children inherit it
    exe = shutil.which("psycompare", path=str(Path(sys.executable).parent)) or shutil.which("psycompare")
    if not exe:
        sys.exit("psycompare is not installed next to this interpreter")
    tmp = Path(tempfile.mkdtemp(prefix="psycompare-bench-"))
    env = {**os.environ, "PSYCOMPARE_CACHE_DIR": str(tmp / "cache")}
    env.pop("PSYCOMPARE_DATA", None)
    rows: list[tuple[str, float, float, float, str]] = []
    lookups: dict[str, list[float]] = {"by id": [], "by alias": []}  # ratio per dataset size
    spans: dict[str, str] = {"by id": args.sizes, "by alias": args.sizes}

    def record(label: str, cmd_s: float, base_s: float, target: float | None) -> float:
        ratio = cmd_s / base_s
        verdict = "" if target is None else ("ok" if ratio <= target else f"OVER {target}x")
        rows.append((label, cmd_s * 1000, base_s * 1000, ratio, verdict))
        print(f"  {label:<52} {cmd_s * 1000:7.1f} ms  {ratio:5.2f}x  {verdict}", file=sys.stderr)
        return ratio

    def run(label: str, argv: list[str], target: float | None, runs: int | None = None) -> float:
        (cmd_s,), base_s = measure([[exe, *argv]], runs or args.runs, env)
        return record(label, cmd_s, base_s, target)

    try:
        run("status mdma --format json", ["status", "mdma", "--format", "json"], 6)
        run("compare ketamine mdma (piped, plain)", ["compare", "ketamine", "mdma"], 6.5)
        run("interactions mdma sertraline --format json", ["interactions", "mdma", "sertraline", "--format", "json"], 5)
        run(
            "interactions mdma sertraline lsd --format table (piped)",
            ["interactions", "mdma", "sertraline", "lsd", "--format", "table"],
            8,
        )
        run("compare ketamine mdma --format table (piped)", ["compare", "ketamine", "mdma", "--format", "table"], 9)
        run("--help", ["--help"], 7)
        run("usage error (show --bogus)", ["show", "--bogus"], 7)
        sizes = [int(s) for s in args.sizes.split(",") if s]
        data: dict[int, list[str]] = {}
        for size in sizes:
            print(f"generating {size} synthetic substances...", file=sys.stderr)
            data[size] = ["--no-bundled", "--data", str(make_dataset(tmp / f"data-{size}", size))]
        # one lookup at every size, interleaved: the sizes must cost the same
        for kind, key, shown in (
            ("by id", lambda n: f"syn-{n:05d}", "show {} --format json"),
            ("by alias", lambda n: f"syn alias {n}", "show '{}' (alias)"),
        ):
            argvs = [[exe, *data[size], "show", key((size + 1) // 2), "--format", "json"] for size in sizes]
            times, base_s = measure(argvs, args.runs, env)
            for size, cmd_s in zip(sizes, times, strict=True):
                label = f"{shown.format(key((size + 1) // 2))} [{size}]"
                lookups[kind].append(record(label, cmd_s, base_s, None))
        for size in sizes:
            if size >= 10000:
                run(f"list --format json [{size}]", [*data[size], "list", "--format", "json"], 10)
            names = [f"syn-{n:05d}" for n in range(1, min(size, 100) + 1)]
            run(
                f"status x{len(names)} names --format json [{size}]",
                [*data[size], "status", *names, "--format", "json"],
                None,
            )
        rule_sizes = [int(s) for s in args.rule_sizes.split(",") if s]
        overlays: dict[int, list[str]] = {}
        for size in rule_sizes:
            print(f"generating {size} synthetic interaction rules...", file=sys.stderr)
            overlays[size] = make_rules(tmp / f"rules-{size}", size)
        if rule_sizes:
            # two names: at most 5x `python -c pass` and flat (the same at every size)
            argvs = [
                [exe, *overlays[n], "interactions", "mdma", f"drug-{(n + 1) // 2:06d}", "--format", "json"]
                for n in rule_sizes
            ]
            times, base_s = measure(argvs, args.rule_runs, env)
            two = [
                record(f"interactions mdma drug-X --format json [{n} rules]", t, base_s, 5)
                for n, t in zip(rule_sizes, times, strict=True)
            ]
            lookups["two-name interactions"] = two
            spans["two-name interactions"] = f"{args.rule_sizes} rules:"
            # one name (every rule of mdma: output grows with the rules) and coverage: linear at worst
            for size in rule_sizes:
                run(
                    f"interactions mdma --format json [{size} rules]",
                    [*overlays[size], "interactions", "mdma", "--format", "json"],
                    None,
                    args.rule_runs,
                )
            for size in rule_sizes:
                run(
                    f"interactions --coverage --format json [{size} rules]",
                    [*overlays[size], "interactions", "--coverage", "--format", "json"],
                    None,
                    args.rule_runs,
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    pinned = f", pinned to cpu {args.cpu}" if args.cpu is not None else ""
    machine = f"{sys.platform}, {os.cpu_count()} cpus{pinned}"
    print(f"python: {sys.version.split()[0]} on {machine}; runs per command: {args.runs}")
    print()
    print("| command | median ms | `python -c pass` ms | ratio | target |")
    print("|---|---:|---:|---:|---|")
    for label, ms, base, ratio, verdict in rows:
        print(f"| `{label}` | {ms:.1f} | {base:.1f} | {ratio:.2f}x | {verdict} |")
    if len(lookups["by id"]) > 1:
        print()
        for kind, ratios in lookups.items():  # target: one lookup costs the same at every size (within 10%)
            if len(ratios) < 2:
                continue
            spread = max(ratios) / min(ratios) - 1
            shown = " / ".join(f"{r:.2f}x" for r in ratios)
            verdict = "ok" if spread <= 0.10 else "OVER 10%"
            where = spans.get(kind, args.sizes)
            print(
                f"- lookup {kind} at {where} {'' if 'rules' in where else 'substances'}: {shown}; "
                f"spread {spread:.0%} ({verdict})"
            )


if __name__ == "__main__":
    main()
