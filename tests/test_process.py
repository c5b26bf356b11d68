"""Real processes: the installed entry point in pipes, locales, odd terminals, and a wheel install."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import venv
from pathlib import Path

import pytest

from psycompare.render.formats import DISCLAIMER

EXE = shutil.which("psycompare")
pytestmark = [
    pytest.mark.skipif(EXE is None, reason="psycompare is not installed on PATH"),
    pytest.mark.slow,  # every test here starts psycompare as a process
]


def sh(cmd: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PSYCOMPARE_CACHE_DIR": str(tmp_path / "cache"), **env}
    return subprocess.run(
        ["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True, text=True, env=full, cwd=tmp_path, timeout=60
    )


def test_piped_output_is_plain(tmp_path: Path) -> None:
    r = sh("psycompare compare ketamine mdma | cat", tmp_path)
    assert r.returncode == 0, r.stderr
    assert "\x1b[" not in r.stdout and "─" not in r.stdout and "│" not in r.stdout
    assert "Status (US)" in r.stdout and "Top concerns" in r.stdout
    assert "not medical advice" in r.stderr


def test_forced_table_in_pipe_has_no_ansi(tmp_path: Path) -> None:
    r = sh("psycompare compare ketamine mdma --format table | cat", tmp_path, COLUMNS="200")
    assert r.returncode == 0 and "\x1b[" not in r.stdout


def test_json_parses_in_a_pipe(tmp_path: Path) -> None:
    r = sh("psycompare status mdma --format json | python -c 'import json,sys; json.load(sys.stdin)'", tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_head_pipe_is_quiet(tmp_path: Path) -> None:
    r = sh("psycompare compare ketamine mdma | head -n 1; psycompare show mdma psilocybin lsd | head -c 10", tmp_path)
    assert r.returncode == 0
    assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr and "BrokenPipe" not in r.stderr


ALL = "mdma ketamine esketamine psilocybin lsd sertraline paroxetine"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "plain", "json", "csv", "markdown", "toml"])
def test_reader_leaving_early_is_exit_0(tmp_path: Path, fmt: str) -> None:
    """Lots of output into `head`: quiet, status 0 (test_cli fakes the failing write for every format)."""
    for cmd in (f"show {ALL} -f {fmt}", f"export {'-f json' if fmt == 'json' else ''}"):
        r = sh(f"psycompare {cmd} | head -c 10 >/dev/null", tmp_path)
        assert r.returncode == 0, r.stderr
        assert r.stderr in ("", DISCLAIMER + "\n")  # the disclaimer only when the write did not fail


def test_unknown_name_exit_1_with_suggestion(tmp_path: Path) -> None:
    r = sh("psycompare status mdmaa", tmp_path)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.strip() == "psycompare: unknown substance 'mdmaa'; did you mean 'mdma'?"


def test_python_dash_m(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "psycompare", "list", "-f", "csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PSYCOMPARE_CACHE_DIR": str(tmp_path / "c")},
    )
    assert r.returncode == 0 and r.stdout.startswith("id,name,class")


@pytest.mark.parametrize(
    "env",
    [
        {"LANG": "C", "LC_ALL": "C"},
        {"PYTHONIOENCODING": "ascii"},
        {"COLUMNS": "20"},
        {"COLUMNS": "400"},
        {"TERM": "dumb"},
        {"NO_COLOR": "1"},
    ],
    ids=lambda e: ",".join(f"{k}={v}" for k, v in e.items()),
)
@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["plain", "table", "markdown"])
def test_odd_environments(tmp_path: Path, env: dict[str, str], fmt: str) -> None:
    r = sh(f"psycompare show lsd --format {fmt} | cat", tmp_path, **env)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "\x1b[" not in r.stdout
    if env.get("PYTHONIOENCODING") == "ascii":
        r.stdout.encode("ascii")


def test_no_home(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME", "PSYCOMPARE_CACHE_DIR")}
    r = subprocess.run(
        ["psycompare", "status", "mdma", "-f", "json"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert r.returncode == 0 and json.loads(r.stdout)


def test_read_only_cache_folder(tmp_path: Path) -> None:
    cache = tmp_path / "ro"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        r = sh("psycompare show molly -f json", tmp_path, PSYCOMPARE_CACHE_DIR=str(cache))
        assert r.returncode == 0 and json.loads(r.stdout)["substances"][0]["id"] == "mdma"
    finally:
        cache.chmod(0o700)


@pytest.mark.slow
def test_processes_racing_on_a_cold_cache(tmp_path: Path) -> None:
    """Eight processes build and write the same cache at once: all answer right, the cache is whole."""
    from psycompare.store.dataset import bundled_dir

    data = tmp_path / "data"
    shutil.copytree(bundled_dir(), data)
    time.sleep(2.1)  # the cache trusts no file changed (ctime, which cannot be backdated) in the last 2 s
    cache = tmp_path / "cache"
    argv = ["psycompare", "--no-bundled", "--data", str(data)]
    calls = [["show", "molly", "-f", "json"], ["list", "-f", "csv"], ["status", "lsd", "-f", "json"]]
    expected = [
        subprocess.run([*argv, *c], capture_output=True, text=True, env={**os.environ, "PSYCOMPARE_CACHE_DIR": "off"})
        for c in calls
    ]
    env = {**os.environ, "PSYCOMPARE_CACHE_DIR": str(cache)}
    procs = [
        (
            i % 3,
            subprocess.Popen(
                [*argv, *calls[i % 3]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
            ),
        )
        for i in range(8)
    ]
    for k, proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out == expected[k].stdout and out
    assert [p.name for p in cache.iterdir() if p.name.startswith(".")] == []  # no temp files left
    (index,) = cache.glob("index-*.sqlite")
    for k, c in enumerate(calls):  # served from the cache now
        assert subprocess.run([*argv, *c], capture_output=True, text=True, env=env).stdout == expected[k].stdout


def test_invalid_utf8_argument(tmp_path: Path) -> None:
    r = subprocess.run(
        [b"psycompare", b"show", b"k\xffx"],
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, "PSYCOMPARE_CACHE_DIR": str(tmp_path / "c")},
    )
    assert r.returncode == 1 and b"Traceback" not in r.stderr and len(r.stderr.splitlines()) == 1


def test_sigint_exits_130(tmp_path: Path) -> None:
    """A real SIGINT delivered while a command runs: exit 130, one line, no traceback."""
    code = (
        "import os, signal\n"
        "from psycompare.views import listing\n"
        "orig = listing.index_list_view\n"
        "def slow(*args):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    return orig(*args)\n"
        "listing.index_list_view = slow\n"
        "from psycompare.cli.entry import main\n"
        "main(['list'])\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PSYCOMPARE_CACHE_DIR": str(tmp_path / "c")},
    )
    assert r.returncode == 130, r.stderr
    assert r.stderr.strip() == "psycompare: interrupted"


@pytest.mark.slow
def test_wheel_installs_and_runs_from_anywhere(tmp_path: Path) -> None:
    """Build the wheel, install it (no deps, no network) into a fresh venv, run it from a temp folder."""
    root = Path(__file__).resolve().parents[1]
    dist = tmp_path / "dist"
    r = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(root)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    wheel = next(dist.glob("psycompare-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    r = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    # dependencies come from the test environment, so no network is needed
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True
    ).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    r = subprocess.run(
        [str(env_dir / "bin" / "psycompare"), "status", "mdma"],
        capture_output=True,
        text=True,
        cwd=work,
        env={**os.environ, "PSYCOMPARE_CACHE_DIR": str(tmp_path / "c")},
    )
    assert r.returncode == 0, r.stderr
    assert "Schedule I" in r.stdout and str(root) not in r.stdout
    r = subprocess.run(
        [str(py), "-c", "import psycompare.store.dataset as d; print(d.bundled_dir())"],
        capture_output=True,
        text=True,
        cwd=work,
    )
    assert r.stdout.strip().startswith(site), r.stdout
