#!/usr/bin/env python3
"""Embedding throughput and latency: Lodestar beside the Python anchors, in one run.

Standard setting (shared/README.md): first 5,000 lines of wordnet-glosses.txt, batch 32, 2 threads;
latency: lines 100,000..100,299 embedded one at a time with the model loaded once.

  python3 Benchmarks/embed_compare.py [--anchor-python PY] [--repeat 3] [--skip-anchors] [--lodestar BIN]

Prints one line per system with tokens/s, ratios against the anchors, peak memory of `lodestar
embed`, and batch-1 latency percentiles. The anchors come from ../shared/anchors/embed_anchor.py run
with the anchors' venv (bash ../shared/anchors/setup.sh).
"""
import argparse, json, os, pathlib, re, subprocess, sys, tempfile, time

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def run_measured(cmd, **kw):
    """Runs cmd; returns (seconds, stdout, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{err.decode()}")
    return seconds, out, err


def peak_rss_mb(cmd):
    """Peak resident memory of one run of cmd (via wait4's rusage)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}")
    return usage.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(SHARED / "data/wordnet-glosses.txt"))
    ap.add_argument("--limit", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--latency-from", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--anchor-python", default=None)
    ap.add_argument("--backends", default="torch,ort,ort-int8")
    ap.add_argument("--skip-anchors", action="store_true")
    ap.add_argument("--lodestar", default=None, help="a built lodestar binary to use (default: build the release one)")
    a = ap.parse_args()

    if a.lodestar:
        lodestar = a.lodestar
    else:
        subprocess.run(["swift", "build", "-c", "release", "--product", "lodestar"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        lodestar = str(ROOT / ".build/release/lodestar")
    lines = pathlib.Path(a.corpus).read_text(encoding="utf-8").split("\n")
    work = pathlib.Path(tempfile.mkdtemp(prefix="lodestar-bench-"))
    batch_file = work / "batch.txt"
    batch_file.write_text("\n".join(lines[: a.limit]) + "\n", encoding="utf-8")
    single_file = work / "single.txt"
    single_file.write_text("\n".join(lines[a.latency_from: a.latency_from + 300]) + "\n", encoding="utf-8")

    _, out, _ = run_measured([lodestar, "tokenize", "--input", str(batch_file)])
    tokens = sum(len(json.loads(l)["input_ids"]) for l in out.decode().splitlines())

    embed = [lodestar, "embed", "--input", str(batch_file), "--format", "fvecs", "--output", str(work / "out.fvecs"),
             "--batch-size", str(a.batch), "--threads", str(a.threads)]
    # Like the anchors, the throughput counts the embedding of the texts with the model loaded
    # (`--stats` reports load and embedding apart); the whole command's wall time is printed too.
    runs = []
    for _ in range(a.repeat):
        wall, _, err = run_measured(embed + ["--stats"])
        stats = dict(f.split("=", 1) for f in err.decode().split() if "=" in f)
        runs.append((float(stats["embed_s"]), wall, float(stats["load_s"])))
        kernels = stats.get("blas_kernels", "?")
    best, best_wall, load = min(runs)
    rss = peak_rss_mb(embed)
    _, _, err = run_measured([lodestar, "embed", "--input", str(single_file), "--latency", "--threads", str(a.threads),
                              "--format", "fvecs", "--output", os.devnull])
    latency = dict(re.findall(r"(p50_ms|p99_ms)=([0-9.]+)", err.decode()))
    results = {"lodestar": {"tok_per_s": tokens / best, "seconds": best,
                            "p50_ms": float(latency["p50_ms"]), "p99_ms": float(latency["p99_ms"])}}
    print(f"system=lodestar sentences={a.limit} tokens={tokens} seconds={best:.3f} tok_per_s={tokens / best:.1f} "
          f"command_s={best_wall:.3f} command_tok_per_s={tokens / best_wall:.1f} load_s={load:.3f} "
          f"peak_rss_mb={rss:.0f} batch1_p50_ms={latency['p50_ms']} batch1_p99_ms={latency['p99_ms']} "
          f"blas_kernels={kernels}", flush=True)

    if not a.skip_anchors:
        python = a.anchor_python or subprocess.run(["bash", str(SHARED / "anchors/setup.sh"), "--python"],
                                                   capture_output=True, text=True).stdout.strip()
        cmd = [python, str(SHARED / "anchors/embed_anchor.py"), "--corpus", a.corpus, "--limit", str(a.limit),
               "--threads", str(a.threads), "--batch", str(a.batch), "--backends", a.backends,
               "--repeat", str(a.repeat), "--latency-from", str(a.latency_from)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(proc.stderr)
        for line in proc.stdout.splitlines():
            print(line, flush=True)
            fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
            entry = results.setdefault(fields["backend"], {})
            if "tok_per_s" in fields:
                entry["tok_per_s"] = float(fields["tok_per_s"])
            if "p50_ms" in fields:
                entry["p50_ms"], entry["p99_ms"] = float(fields["p50_ms"]), float(fields["p99_ms"])
        ours = results["lodestar"]
        for name, entry in results.items():
            if name == "lodestar":
                continue
            ratio = ours["tok_per_s"] / entry["tok_per_s"] if "tok_per_s" in entry else float("nan")
            lat = ours["p50_ms"] / entry["p50_ms"] if "p50_ms" in entry else float("nan")
            print(f"ratio lodestar/{name}: throughput {ratio:.2f}x  batch1_p50 {lat:.2f}x of {name}'s", flush=True)


if __name__ == "__main__":
    main()
