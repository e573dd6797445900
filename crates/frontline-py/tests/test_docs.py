"""Every Python example of README.md and docs/tutorial.md, executed as
written, in a scratch folder laid out like the repository, after the CLI
commands whose output the examples read (`frontline run … --out out/seed7`).

Only the sizes are cut (`runs=1000` → at most 40), so that the examples run
in seconds on a debug build: what is tested is that each line works on the
tables as they are, e.g. that `.plot(x="date", …)` gets datetimes."""

import os
import re
import subprocess

import pytest

from test_frontline import ROOT, cli_binary

DOCS = ["README.md", os.path.join("docs", "tutorial.md")]
MAX_RUNS = 40


def blocks(doc, lang):
    text = open(os.path.join(ROOT, doc), encoding="utf-8").read()
    return re.findall(r"^```" + lang + r"\n(.*?)^```", text, flags=re.S | re.M)


def examples():
    out = []
    for doc in DOCS:
        for i, code in enumerate(blocks(doc, "python")):
            out.append(pytest.param(doc, code, id=f"{doc}#{i}"))
    return out


def smaller(code):
    """The example with its sizes cut to at most MAX_RUNS runs."""
    return re.sub(r"\b(runs=)(\d+)", lambda m: m.group(1) + str(min(int(m.group(2)), MAX_RUNS)), code)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A folder with the repository's examples and scenarios and the outputs
    that the documents' shell commands write and their Python reads."""
    d = tmp_path_factory.mktemp("docs")
    for name in ("examples", "scenarios"):
        os.symlink(os.path.join(ROOT, name), d / name)
    binary = cli_binary()
    if binary is None:
        pytest.skip("no CLI binary: build it with `cargo build -p frontline-cli` (or set FRONTLINE_BIN)")
    commands = [line for doc in DOCS for b in blocks(doc, "sh") for line in b.splitlines()]
    wanted = {m for doc in DOCS for b in blocks(doc, "python") for m in re.findall(r'"(out/[^/"]+)/', b)}
    for folder in sorted(wanted):
        cmd = next((c for c in commands if c.startswith("frontline run ") and f"--out {folder}" in c), None)
        assert cmd is not None, f"no `frontline run … --out {folder}` in the documents writes what they read"
        subprocess.run([binary] + cmd.split()[1:], cwd=d, check=True, stdout=subprocess.DEVNULL)
    return d


@pytest.mark.parametrize("doc,code", examples())
def test_the_example_runs(doc, code, workdir, monkeypatch):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    for module in re.findall(r"^\s*import (\w+)|^\s*from (\w+)", code, flags=re.M):
        name = module[0] or module[1]
        if name in ("geopandas", "polars", "duckdb"):
            pytest.importorskip(name)
    monkeypatch.chdir(workdir)
    if "frontline.validate(\"my.toml\")" in code:
        (workdir / "my.toml").write_text(open(os.path.join(ROOT, "examples", "vicious-circle.toml")).read())
    exec(compile(smaller(code), f"{doc} (python example)", "exec"), {"__name__": "__doc_example__"})
