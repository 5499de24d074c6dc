#!/usr/bin/env python3
"""Vector store over HTTP: `lodestar serve` beside ChromaDB 1.5.9's HTTP server, in one run.

Lodestar: ingest the first N lines of wordnet-glosses over HTTP as documents only (the server
embeds them), then NQ queries by text (lines 100,000..) at a concurrency, then the same queries by
embedding. ChromaDB (../shared/anchors/chroma_anchor.py): the same N documents with precomputed
embeddings (the same vectors Lodestar computed: `lodestar embed`, equal to the reference model to
~1e-7), the same queries by embedding, the same concurrency. Recall@k against exact cosine search
on those vectors, for both.

  python3 Benchmarks/store_compare.py [--chroma-python ~/.cache/lodestar-chroma/venv/bin/python]
        [--n 20000] [--nq 1000] [--concurrency 8] [--ef-search 64]

Needs a release build (swift build -c release) and, for the anchor, a venv with chromadb==1.5.9.
"""
import argparse, http.client, json, os, pathlib, re, socket, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CACHE = pathlib.Path(os.environ.get("LODESTAR_BENCH_CACHE", pathlib.Path.home() / ".cache/lodestar-bench"))
SECRET = "store-benchmark-secret-0123456789"


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def read_fvecs(p):
    r = np.fromfile(p, dtype=np.int32); d = r[0]
    return r.reshape(-1, d + 1)[:, 1:].view(np.float32)


def write_fvecs(p, x):
    d = np.full((len(x), 1), x.shape[1], np.int32).view(np.float32)
    np.hstack([d, x.astype(np.float32)]).tofile(p)


def embed_lines(binary, lines, out):
    if out.exists():
        return read_fvecs(out)
    src = out.with_suffix(".txt")
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run([binary, "embed", "--input", src, "--format", "fvecs", "--output", out], check=True, cwd=ROOT)
    return read_fvecs(out)


class Client:
    """One keep-alive connection per thread."""
    def __init__(self, port, token):
        self.port, self.token = port, token
        self.local = __import__("threading").local()

    def post(self, path, body):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        data = json.dumps(body)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        try:
            conn.request("POST", path, data, headers)
            r = conn.getresponse(); payload = r.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            conn.close()  # the server closed the idle keep-alive connection (--http-idle-timeout): reopen once
            conn.request("POST", path, data, headers)
            r = conn.getresponse(); payload = r.read()
        if r.status >= 300:
            raise RuntimeError(f"{path}: {r.status} {payload[:300]!r}")
        return json.loads(payload)


def run_queries(client, bodies, concurrency):
    def one(body):
        t = time.perf_counter()
        r = client.post("/api/v1/collections/bench/query", body)
        return time.perf_counter() - t, [int(x) for x in r["ids"][0]]
    one(bodies[0])
    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as ex:
        res = list(ex.map(one, bodies))
    wall = time.perf_counter() - t0
    lat = sorted(r[0] * 1000 for r in res)
    return len(bodies) / wall, lat[len(lat) // 2], lat[int(len(lat) * .99)], [r[1] for r in res]


def recall(found, truth, k):
    return float(np.mean([len(set(f) & set(t)) / k for f, t in zip(found, truth)]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lodestar", default=str(ROOT / ".build/release/lodestar"))
    ap.add_argument("--corpus", default=str(SHARED / "data/wordnet-glosses.txt"))
    ap.add_argument("--n", type=int, default=20000); ap.add_argument("--queries-from", type=int, default=100000)
    ap.add_argument("--nq", type=int, default=1000); ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=8); ap.add_argument("--ef-search", type=int, default=64)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--chroma-python", default=str(pathlib.Path.home() / ".cache/lodestar-chroma/venv/bin/python"))
    a = ap.parse_args()

    lines = [l.rstrip("\n") for l in open(a.corpus, encoding="utf-8")]
    docs, qtexts = lines[:a.n], lines[a.queries_from:a.queries_from + a.nq]
    CACHE.mkdir(parents=True, exist_ok=True)
    base = embed_lines(a.lodestar, docs, CACHE / f"store-base-{a.n}.fvecs")
    queries = embed_lines(a.lodestar, qtexts, CACHE / f"store-queries-{a.queries_from}-{a.nq}.fvecs")
    bn = base / np.linalg.norm(base, axis=1, keepdims=True); qn = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    truth = np.argsort(-(qn @ bn.T), axis=1)[:, :a.k]

    port = free_port(); data = tempfile.mkdtemp(prefix="lodestar-store-bench-")
    server = subprocess.Popen([a.lodestar, "serve", "--port", str(port), "--data-dir", data, "--jwt-secret", SECRET, "--no-demo"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        line = server.stdout.readline()
        if "serving" not in line:
            sys.exit(f"lodestar serve did not start: {line}")
        token = subprocess.run([a.lodestar, "token", "--role", "admin", "--jwt-secret", SECRET],
                               capture_output=True, text=True, check=True).stdout.strip()
        client = Client(port, token)
        client.post("/api/v1/collections", {"name": "bench", "hnsw": {"ef_search": a.ef_search}})
        t0 = time.perf_counter()
        for s in range(0, a.n, a.batch):
            client.post("/api/v1/collections/bench/add",
                        {"ids": [str(i) for i in range(s, min(s + a.batch, a.n))], "documents": docs[s:s + a.batch]})
        ingest_s = time.perf_counter() - t0
        rss = int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{server.pid}/status").read()).group(1)) // 1024
        print(f"system=lodestar n={a.n} ingest_docs_per_s={a.n / ingest_s:.0f} (documents embedded by the server) rss_mb={rss}", flush=True)
        inc = ["distances", "documents"]
        qps, p50, p99, found = run_queries(client, [{"query_texts": [t], "n_results": a.k, "include": inc} for t in qtexts], a.concurrency)
        print(f"system=lodestar mode=text queries={a.nq} concurrency={a.concurrency} qps={qps:.0f} p50_ms={p50:.2f} "
              f"p99_ms={p99:.2f} recall@{a.k}={recall(found, truth, a.k):.4f}", flush=True)
        qps_e, p50_e, p99_e, found_e = run_queries(
            client, [{"query_embeddings": [q.tolist()], "n_results": a.k, "include": inc} for q in queries], a.concurrency)
        rec_e = recall(found_e, truth, a.k)
        print(f"system=lodestar mode=embedding queries={a.nq} concurrency={a.concurrency} qps={qps_e:.0f} p50_ms={p50_e:.2f} "
              f"p99_ms={p99_e:.2f} recall@{a.k}={rec_e:.4f}", flush=True)
    finally:
        server.terminate(); server.wait(60)

    if not os.path.exists(a.chroma_python):
        print("chromadb venv not found: skipped the anchor"); return
    combined = pathlib.Path(tempfile.mkdtemp()) / "combined.fvecs"
    write_fvecs(combined, np.vstack([base, queries]))
    out = subprocess.run([a.chroma_python, SHARED / "anchors/chroma_anchor.py", "--chroma-bin",
                          pathlib.Path(a.chroma_python).parent / "chroma", "--corpus", a.corpus, "--vectors", combined,
                          "--n", str(a.n), "--queries-from", str(a.n), "--nq", str(a.nq), "--k", str(a.k),
                          "--concurrency", str(a.concurrency), "--ef-search", str(a.ef_search)],
                         capture_output=True, text=True)
    print(out.stdout.strip() or out.stderr[-2000:], flush=True)
    m = re.search(r"qps=(\d+).*recall@\d+=([\d.]+)", out.stdout)
    if m:
        cqps, crec = float(m.group(1)), float(m.group(2))
        print(f"ratio query-by-embedding qps lodestar/chromadb = {qps_e / cqps:.2f}x at recall {rec_e:.4f} vs {crec:.4f}")


if __name__ == "__main__":
    main()
