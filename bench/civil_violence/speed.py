"""Side-by-side speed of Mesa 3.x's Epstein civil violence model and
Frontline's `civil-violence` model, single-threaded, on Mesa's default
parameters (densities 0.7 / 0.074, vision 7, legitimacy 0.8, max jail term
1000) at 40x40, 100x100 and 200x200; then Frontline alone at 2000x2000 and
on a 3600x3600 grid (about 10 million agents) with peak memory.

Agent-steps/s = agents (citizens + cops, jailed included) x steps / seconds
of stepping. Mesa: `model.step()` timed in-process (construction excluded).
Frontline: the release binary's own timing of the simulation (construction
included, table writing excluded), over the same steps and several seeds.
Both run the same steps from step 0 so they go through the same phases.

Run through ./speed.sh (creates the venv and builds the binary), or:
    python speed.py [--quick]
"""

import argparse
import re
import subprocess
import sys
import tempfile
import time

from common import EXAMPLE, frontline_binary, run_mesa

RATE = re.compile(r"simulated in ([0-9.]+) s \(([0-9.e+]+) agent-steps/s\)")
AGENTS = re.compile(r"agents: (\d+) citizens, (\d+) cops")

# size -> steps for both implementations, Mesa seeds
SIZES = [(40, 100, 3), (100, 20, 2), (200, 5, 1)]


def frontline_run(size, steps, seed, extra=()):
    with tempfile.TemporaryDirectory() as out:
        cmd = [frontline_binary(), "run", str(EXAMPLE), "--seed", str(seed), "--out", out, "--format", "csv",
               "--set", f"steps={steps}", "--set", f"parameters.width={size}", "--set", f"parameters.height={size}", *extra]
        # Peak RSS of this child alone: run it under a fresh Python that reports RUSAGE_CHILDREN.
        wrapper = ("import resource,subprocess,sys;r=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
                   "sys.stdout.write(r.stdout);sys.stderr.write(r.stderr);"
                   "print('maxrss_kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);sys.exit(r.returncode)")
        r = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, check=True)
    secs = float(RATE.search(r.stdout).group(1))
    c, k = map(int, AGENTS.search(r.stdout).groups())
    rss = int(r.stdout.rsplit("maxrss_kib", 1)[1].split()[0])
    return c + k, secs, rss


def frontline_rate(size, steps, min_seconds=1.0):
    agents_steps, secs, seed = 0, 0.0, 0
    while secs < min_seconds or seed < 3:
        n, s, _ = frontline_run(size, steps, seed)
        agents_steps += n * steps
        secs += s
        seed += 1
    return agents_steps / secs, seed


def mesa_rate(size, steps, seeds):
    import mesa.examples.advanced.epstein_civil_violence.model as mm
    total, secs = 0, 0.0
    for seed in range(seeds):
        m = mm.EpsteinCivilViolence(width=size, height=size, seed=seed)
        n = len(m.agents)
        t = time.perf_counter()
        for _ in range(steps):
            m.step()
        secs += time.perf_counter() - t
        total += n * steps
    return total / secs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="skip the 2000x2000 and 10M-agent runs")
    args = ap.parse_args()
    import mesa
    print(f"Mesa {mesa.__version__}; Mesa defaults; single-threaded; same steps from step 0 for both\n")
    print(f"{'grid':>9} {'agents':>8} {'steps':>5} {'Mesa agent-steps/s':>19} {'Frontline agent-steps/s':>24} {'ratio':>8}")
    for size, steps, seeds in SIZES:
        me = mesa_rate(size, steps, seeds)
        fl, _ = frontline_rate(size, steps)
        agents = int(size * size * 0.774)
        print(f"{size:>4}x{size:<4} {agents:>8} {steps:>5} {me:>19,.0f} {fl:>24,.0f} {fl / me:>7.0f}x", flush=True)
    # The same sizes, Frontline over Mesa's default 1000 steps (for reference).
    print("\nFrontline alone, 1000 steps (Mesa's max_iters):")
    for size, _, _ in SIZES:
        n, s, rss = frontline_run(size, 1000, 0)
        print(f"  {size}x{size}: {n:,} agents, {n * 1000 / s:,.0f} agent-steps/s, peak RSS {rss / 1024:.0f} MiB")
    if args.quick:
        return
    print("\nFrontline alone, large grids:")
    for size, steps in [(2000, 20), (3600, 10)]:
        n, s, rss = frontline_run(size, steps, 0)
        print(f"  {size}x{size}: {n:,} agents, {steps} steps in {s:.1f} s: {n * steps / s:,.0f} agent-steps/s, "
              f"peak RSS {rss / 1024:.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
