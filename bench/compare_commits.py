"""Run one of these benchmarks on two commits, alternating, and compare what it prints.

    .venv/bin/python bench/compare_commits.py --base REV [--rounds 5] BENCH [ARGS...]
    e.g.  bench/compare_commits.py --base 452f82a bench/section_page.py --seconds 5

Checks out REV into a temporary worktree, then runs `BENCH ARGS` in the base's tree and in
this one, alternating A B B A A B …, ROUNDS times each, and reads the `ratio:` line each run prints
(each ratio is against the benchmark's own reference, measured in the same run, so machine load
shared by both halves cancels out). Prints min / median / max per commit and `ratio: X`, the
median here over the median at the base (the change is within ±10 % when 0.90 ≤ X ≤ 1.10).
With `--same-bench`, both commits are measured by this tree's copy of the benchmark (which
reads the tree to measure from VALUMA_TREE), for a change that also changes the benchmark.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIT = shutil.which("git") or "git"
RATIO = re.compile(r"^ratio: ([0-9.]+)", re.MULTILINE)


def run(tree: Path, bench: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree), "VALUMA_TREE": str(tree)}
    result = subprocess.run(
        [sys.executable, *bench], cwd=tree, env=env, capture_output=True, text=True, check=False
    )
    found = RATIO.findall(result.stdout)
    if result.returncode != 0 or not found:
        raise SystemExit(f"{tree}: {bench} failed\n{result.stdout}\n{result.stderr}")
    return float(found[-1])


def summary(label: str, values: list[float]) -> str:
    return (
        f"{label}: min {min(values):.3f} / median {statistics.median(values):.3f} /"
        f" max {max(values):.3f} over {len(values)} rounds"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--same-bench",
        action="store_true",
        help="run this tree's copy of BENCH on both commits (it must honour VALUMA_TREE)",
    )
    parser.add_argument("bench", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    # Beside its own shared/, as this tree is: the benchmarks read shared/reference.
    folder = Path(tempfile.mkdtemp(prefix="valuma-base-"))
    (folder / "shared").symlink_to(ROOT.parent / "shared")
    base_tree = folder / "main"
    subprocess.run(
        [GIT, "worktree", "add", "--detach", str(base_tree), args.base],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    if args.same_bench:
        args.bench[0] = str((ROOT / args.bench[0]).resolve())
    try:
        base: list[float] = []
        here: list[float] = []
        for number in range(args.rounds):
            # A B, then B A: whichever runs second in a round (after the other's processes, on a
            # warmer or busier machine) is not always the same commit.
            if number % 2 == 0:
                base.append(run(base_tree, args.bench))
                here.append(run(ROOT, args.bench))
            else:
                here.append(run(ROOT, args.bench))
                base.append(run(base_tree, args.bench))
            print(
                f"round {number + 1}: base {base[-1]:.3f}, this commit {here[-1]:.3f}", flush=True
            )
        print(summary(f"base {args.base}", base))
        print(summary("this commit", here))
        print(f"ratio: {statistics.median(here) / statistics.median(base):.3f}")
    finally:
        subprocess.run(
            [GIT, "worktree", "remove", "--force", str(base_tree)], cwd=ROOT, check=False
        )


if __name__ == "__main__":
    main()
