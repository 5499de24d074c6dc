#!/usr/bin/env python3
"""Where should a filtered search switch from the graph walk to an exact scan of the matches?

On the index and vectors that Benchmarks/ann_compare.py leaves in ~/.cache/lodestar-bench, for
random allowed-id sets of several sizes: single-thread QPS and recall@10 of the filtered graph walk
(`--exact-scan-limit 0`) and of the exact scan (`--exact-scan-limit` above the set size), ef 64.

  python3 Benchmarks/filter_switch.py
"""
import os, pathlib, random, re, subprocess, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CACHE = pathlib.Path(os.environ.get("LODESTAR_BENCH_CACHE", pathlib.Path.home() / ".cache/lodestar-bench"))
sys.path.insert(0, str(ROOT / "Benchmarks"))
from ann_compare import read_ivecs, recall  # noqa: E402

lodestar = ROOT / ".build/release/lodestar"
index, queries = CACHE / "run/lodestar.hnsw", CACHE / "queries-1000.fvecs"
if not index.exists():
    sys.exit("run Benchmarks/ann_compare.py first")
work = CACHE / "filter"; work.mkdir(exist_ok=True)
rng = random.Random(7)
for size in [250, 500, 1000, 2000, 4000, 8000, 16000]:
    ids = work / f"allowed-{size}.txt"
    ids.write_text("\n".join(map(str, rng.sample(range(100000), size))) + "\n")
    out = {}
    for mode, limit in [("walk", 0), ("exact", 10**9)]:
        res = work / f"{mode}-{size}.ivecs"
        qps = 0.0
        for _ in range(2):
            err = subprocess.run([lodestar, "index", "search", "--index", index, "--queries", queries, "--k", "10",
                                  "--ef", "64", "--allowed-ids", ids, "--exact-scan-limit", str(limit), "--output", res],
                                 capture_output=True, text=True, check=True).stderr
            qps = max(qps, float(re.search(r"qps=([0-9.]+)", err).group(1)))
        out[mode] = (qps, read_ivecs(res))
    truth = out["exact"][1]
    print(f"allowed={size:6d} ({size / 1000:.2f}%)  walk: qps={out['walk'][0]:8.0f} recall@10={recall(out['walk'][1], truth):.4f}"
          f"   exact: qps={out['exact'][0]:8.0f}", flush=True)
