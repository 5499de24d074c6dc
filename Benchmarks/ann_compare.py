#!/usr/bin/env python3
"""Vector index: Lodestar's HNSW beside hnswlib, faiss and usearch on the same vectors, in one run.

Standard setting (shared/README.md): base = glosses 0..99,999 embedded by `lodestar embed`, queries =
glosses 100,000..100,999; k=10, cosine, M=16, efConstruction=200, ef in {16,32,64,128,256};
single-threaded QPS; builds with 2 threads. Also recall after removing 30% of the points at random
and inserting them again.

  python3 Benchmarks/ann_compare.py [--anchor-python PY] [--libs hnswlib,faiss,usearch] [--count 100000]

Embedded vectors are cached in ~/.cache/lodestar-bench (delete to re-embed).
"""
import argparse, os, pathlib, re, subprocess, sys, time

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CACHE = pathlib.Path(os.environ.get("LODESTAR_BENCH_CACHE", pathlib.Path.home() / ".cache/lodestar-bench"))


def sh(cmd, **kw):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=kw.pop("text", True), **kw)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{proc.stderr}")
    return proc


def read_ivecs(path):
    import array
    raw = array.array("i")
    with open(path, "rb") as f:
        raw.frombytes(f.read())
    rows, i = [], 0
    while i < len(raw):
        n = raw[i]; rows.append(list(raw[i + 1:i + 1 + n])); i += 1 + n
    return rows


def recall(found, truth):
    return sum(len(set(f) & set(t)) for f, t in zip(found, truth)) / sum(len(t) for t in truth)


def peak_rss_mb(cmd):
    proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    err = proc.stderr.read().decode()
    if status != 0:
        sys.exit(f"failed: {cmd}\n{err}")
    return usage.ru_maxrss / 1024.0, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(SHARED / "data/wordnet-glosses.txt"))
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--queries-from", type=int, default=100000)
    ap.add_argument("--ef", default="16,32,64,128,256")
    ap.add_argument("--libs", default="hnswlib,faiss,usearch")
    ap.add_argument("--anchor-python", default=None)
    ap.add_argument("--skip-anchors", action="store_true")
    a = ap.parse_args()

    sh(["swift", "build", "-c", "release", "--product", "lodestar"], cwd=ROOT)
    lodestar = ROOT / ".build/release/lodestar"
    CACHE.mkdir(parents=True, exist_ok=True)
    lines = pathlib.Path(a.corpus).read_text(encoding="utf-8").split("\n")
    base, queries = CACHE / f"base-{a.count}.fvecs", CACHE / "queries-1000.fvecs"
    for path, texts in [(base, lines[:a.count]), (queries, lines[a.queries_from:a.queries_from + 1000])]:
        if not path.exists():
            src = CACHE / (path.stem + ".txt")
            src.write_text("\n".join(texts) + "\n", encoding="utf-8")
            t0 = time.perf_counter()
            sh([lodestar, "embed", "--input", src, "--format", "fvecs", "--output", str(path) + ".part", "--threads", "2"])
            os.replace(str(path) + ".part", path)
            print(f"embedded {len(texts)} texts into {path} in {time.perf_counter() - t0:.1f}s", flush=True)

    work = CACHE / "run"; work.mkdir(exist_ok=True)
    index, truth_file = work / "lodestar.hnsw", work / "truth.ivecs"
    sh([lodestar, "index", "build", "--vectors", base, "--metric", "cosine", "--output", work / "flat-source.hnsw",
        "--M", "4", "--ef-construction", "8"])
    sh([lodestar, "index", "search", "--index", work / "flat-source.hnsw", "--queries", queries, "--k", "10",
        "--exact", "--threads", "2", "--output", truth_file])
    truth = read_ivecs(truth_file)

    rss, err = peak_rss_mb([lodestar, "index", "build", "--vectors", base, "--metric", "cosine", "--M", "16",
                            "--ef-construction", "200", "--threads", "2", "--output", index])
    build = float(re.search(r"build_seconds=([0-9.]+)", err).group(1))
    per_vector = int(re.search(r"bytes_per_vector_level0=(\d+)", err).group(1))
    size_mb = index.stat().st_size / 2**20
    efs = [int(x) for x in a.ef.split(",")]
    ours = {}
    for ef in efs:
        out = work / f"ef{ef}.ivecs"
        sh([lodestar, "index", "search", "--index", index, "--queries", queries, "--k", "10", "--ef", ef, "--output", out])
        # best of three timings (single thread), recall from the last
        qps = 0.0
        for _ in range(3):
            err = sh([lodestar, "index", "search", "--index", index, "--queries", queries, "--k", "10", "--ef", ef,
                      "--output", out]).stderr
            qps = max(qps, float(re.search(r"qps=([0-9.]+)", err).group(1)))
        ours[ef] = (recall(read_ivecs(out), truth), qps)
        print(f"lib=lodestar M=16 efc=200 build_s={build:.2f} ef={ef} recall@10={ours[ef][0]:.4f} qps={qps:.0f} "
              f"peak_rss_mb={rss:.0f} file_mb={size_mb:.0f} bytes_per_vector_level0={per_vector}", flush=True)

    churned = work / "churn.hnsw"
    err = sh([lodestar, "index", "build", "--vectors", base, "--metric", "cosine", "--M", "16", "--ef-construction", "200",
              "--threads", "2", "--reinsert-fraction", "0.3", "--output", churned]).stderr
    churn_s = float(re.search(r"churn_seconds=([0-9.]+)", err).group(1))
    for ef in (64, 128):
        out = work / f"churn{ef}.ivecs"
        sh([lodestar, "index", "search", "--index", churned, "--queries", queries, "--k", "10", "--ef", ef, "--output", out])
        print(f"lib=lodestar churn=remove+reinsert 30% churn_s={churn_s:.1f} ef={ef} recall@10={recall(read_ivecs(out), truth):.4f} "
              f"(fresh build: {ours[ef][0]:.4f})", flush=True)

    if a.skip_anchors:
        return
    python = a.anchor_python or subprocess.run(["bash", str(SHARED / "anchors/setup.sh"), "--python"],
                                               capture_output=True, text=True).stdout.strip()
    proc = sh([python, SHARED / "anchors/ann_anchor.py", "--base", base, "--queries", queries, "--k", "10",
               "--metric", "cosine", "--M", "16", "--efc", "200", "--ef", a.ef, "--libs", a.libs, "--threads-build", "2"])
    anchors = {}
    for line in proc.stdout.splitlines():
        print(line, flush=True)
        f = dict(x.split("=", 1) for x in line.split() if "=" in x)
        if "lib" in f:
            anchors.setdefault(f["lib"], {})[int(f["ef"])] = (float(f["recall@10"]), float(f["qps"]), float(f["build_s"]))
    if "hnswlib" in anchors:
        h = anchors["hnswlib"]
        for ef in efs:
            print(f"ef={ef}: recall lodestar-hnswlib {ours[ef][0] - h[ef][0]:+.4f}  qps ratio {ours[ef][1] / h[ef][1]:.2f}x", flush=True)
        target = next((ef for ef in efs if h[ef][0] >= 0.95), None)
        mine = next((ef for ef in efs if ours[ef][0] >= 0.95), None)
        if target and mine:
            print(f"smallest ef with recall@10 >= 0.95: hnswlib ef={target} qps={h[target][1]:.0f}; "
                  f"lodestar ef={mine} qps={ours[mine][1]:.0f}; ratio {ours[mine][1] / h[target][1]:.2f}x", flush=True)
        print(f"build time ratio lodestar/hnswlib: {build / h[efs[0]][2]:.2f}x", flush=True)


if __name__ == "__main__":
    main()
