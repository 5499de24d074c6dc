#!/usr/bin/env python3
"""Differential check of `where` / `where_document` filters: the same 300 records (metadata of mixed
types, missing keys, accented documents) in `lodestar serve` and in ChromaDB (in-process), then
random filters (every operator, nested $and/$or) through both `get`s; prints each difference.

  swift build -c release --product lodestar
  ~/.cache/lodestar-chroma/venv/bin/python scripts/check_filters_against_chroma.py [SEED] [QUERIES] [integral|any]

With `integral` (the default) numbers in filters are whole: with `any`, the one known difference shows:
ChromaDB 1.5.9 truncates a fractional number compared with integer metadata ({"n": {"$gte": 1.5}}
matches n = 1 there); Lodestar compares the values.
"""
import json, os, pathlib, random, subprocess, sys, time, socket, tempfile, http.client
import chromadb
rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
ROOT = pathlib.Path(__file__).resolve().parent.parent
L = str(ROOT / ".build/release/lodestar"); SECRET = "where-fuzz-secret-0123456789abcdef"
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
port = free_port(); d = tempfile.mkdtemp()
srv = subprocess.Popen([L, "serve", "--port", str(port), "--data-dir", d, "--jwt-secret", SECRET, "--no-demo"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                       cwd=ROOT)
srv.stdout.readline()
token = subprocess.run([L, "token", "--role", "admin", "--jwt-secret", SECRET], capture_output=True, text=True).stdout.strip()
conn = http.client.HTTPConnection("127.0.0.1", port)
def post(path, body):
    conn.request("POST", path, json.dumps(body), {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = conn.getresponse(); p = r.read(); return r.status, json.loads(p)
N = 300
def rval():
    t = rng.random()
    if t < 0.3: return rng.randint(-3, 3)
    if t < 0.55: return rng.choice([-1.5, 0.0, 0.5, 1.0, 2.0, 2.5])
    if t < 0.8: return rng.choice(["a", "b", "B", "ab", "", "1", "é"])
    return rng.choice([True, False])
keys = ["k1", "k2", "k3"]
metas = []
for i in range(N):
    m = {k: rval() for k in keys if rng.random() < 0.7}
    metas.append(m if m else {"z": 1})
words = ["alpha", "beta", "Gamma", "delta", "alphabet", "e\u0301", "é"]
docs = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(N)]
embs = [[rng.random() for _ in range(4)] for _ in range(N)]
ids = [f"id{i}" for i in range(N)]
st, r = post("/api/v1/collections", {"name": "fz"}); assert st < 300, r
st, r = post("/api/v1/collections/fz/add", {"ids": ids, "embeddings": embs, "metadatas": metas, "documents": docs}); assert st < 300, r
client = chromadb.EphemeralClient(); col = client.create_collection("fzz")
col.add(ids=ids, embeddings=embs, metadatas=metas, documents=docs)
def qval():
    v = rval()
    if isinstance(v, float) and MODE == "integral": v = float(round(v))
    return v
MODE = sys.argv[3] if len(sys.argv) > 3 else "integral"
def rleaf():
    k = rng.choice(keys + ["z"])
    op = rng.choice(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", None])
    if op in ("$in", "$nin"):
        v = [qval() for _ in range(rng.randint(1, 3))]
        # chroma requires one type per list
        v = [x for x in v if type(x) == type(v[0])]
        return {k: {op: v}}
    v = qval()
    if op in ("$gt", "$gte", "$lt", "$lte") and not isinstance(v, (int, float)) or isinstance(v, bool) and op in ("$gt", "$gte", "$lt", "$lte"):
        v = rng.choice([0, 1.0 if MODE == "integral" else 1.5, -1])
    return {k: v} if op is None else {k: {op: v}}
def rwhere(depth=0):
    if depth < 2 and rng.random() < 0.35:
        return {rng.choice(["$and", "$or"]): [rwhere(depth + 1) for _ in range(rng.randint(2, 3))]}
    return rleaf()
def rdoc(depth=0):
    if depth < 1 and rng.random() < 0.3:
        return {rng.choice(["$and", "$or"]): [rdoc(depth + 1) for _ in range(2)]}
    return {rng.choice(["$contains", "$not_contains"]): rng.choice(words + ["alph", "a", "Gam"])}
diff = errs = both_err = 0; n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
for t in range(n):
    body = {}
    if rng.random() < 0.85: body["where"] = rwhere()
    if rng.random() < 0.3: body["where_document"] = rdoc()
    try:
        ref = set(col.get(**body)["ids"]); cerr = None
    except Exception as e:
        ref = None; cerr = str(e)[:150]
    st, r = post("/api/v1/collections/fz/get", dict(body, include=[]))
    ours = set(r["ids"]) if st < 300 else None
    if ref is None and ours is None: both_err += 1; continue
    if ref is None or ours is None:
        errs += 1
        if errs <= 6: print("ERROR-MISMATCH", json.dumps(body, ensure_ascii=False), "chroma:", cerr, "ours:", st, str(r)[:150])
        continue
    if ref != ours:
        diff += 1
        if diff <= 8:
            ex = sorted(ref ^ ours)[:3]
            print("DIFF", json.dumps(body, ensure_ascii=False), "chroma", len(ref), "ours", len(ours), [(i, metas[int(i[2:])], docs[int(i[2:])]) for i in ex])
print("queries", n, "diff", diff, "error mismatches", errs, "both errors", both_err)
srv.terminate()
