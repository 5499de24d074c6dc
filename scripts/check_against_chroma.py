#!/usr/bin/env python3
"""Differential checks of the vector store against ChromaDB (in-process), through `lodestar serve`.

filters: the same 300 records (metadata of mixed types, missing keys, accented documents) in both,
then random `where` / `where_document` filters (every operator, nested $and/$or) through both
`get`s; prints each difference. writes: random add / upsert / update / delete batches (metadata
merges, `null` removals, missing documents or embeddings) against both, comparing every record's
document, metadata and embedding after each step, and whether each request was refused.

  swift build -c release --product lodestar
  ~/.cache/lodestar-chroma/venv/bin/python scripts/check_against_chroma.py filters [SEED] [QUERIES] [integral|any]
  ~/.cache/lodestar-chroma/venv/bin/python scripts/check_against_chroma.py writes [SEED] [STEPS]

With `integral` (the default) numbers in filters are whole: with `any`, the one known difference shows:
ChromaDB 1.5.9 truncates a fractional number compared with integer metadata ({"n": {"$gte": 1.5}}
matches n = 1 there); Lodestar compares the values.
"""
import json, os, pathlib, random, subprocess, sys, time, socket, tempfile, http.client
import chromadb
COMMAND = sys.argv.pop(1) if len(sys.argv) > 1 and sys.argv[1] in ("filters", "writes") else "filters"
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
def post(path, body, retry=True):
    try:
        conn.request("POST", path, json.dumps(body), {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        r = conn.getresponse(); p = r.read(); return r.status, json.loads(p)
    except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
        conn.close()  # the server closed the idle keep-alive connection (--http-idle-timeout): reopen once
        if not retry: raise
        return post(path, body, retry=False)
N = 300 if COMMAND == "filters" else 40
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
MODE = sys.argv[3] if len(sys.argv) > 3 and COMMAND == "filters" else "integral"
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
def check_writes(steps):
    import struct
    f32 = lambda x: struct.unpack("f", struct.pack("f", float(x)))[0]
    def rmeta():
        if rng.random() < 0.2: return None
        return {k: (None if rng.random() < 0.15 else rval()) for k in rng.sample(keys, rng.randint(1, 3))}
    def state_chroma():
        g = col.get(include=["documents", "metadatas", "embeddings"])
        return {i: (d, m or None, [f32(x) for x in e]) for i, d, m, e in zip(g["ids"], g["documents"], g["metadatas"], g["embeddings"])}
    def state_ours():
        st, g = post("/api/v1/collections/fz/get", {"include": ["documents", "metadatas", "embeddings"]})
        return {i: (d, m or None, [f32(x) for x in e]) for i, d, m, e in zip(g["ids"], g["documents"], g["metadatas"], g["embeddings"])}
    problems = 0
    for step in range(steps):
        op = rng.choice(["add", "upsert", "update", "delete"])
        ids_ = rng.sample([f"id{i}" for i in range(50)], rng.randint(1, 4))
        body = {"ids": ids_}
        if op != "delete":
            if rng.random() < 0.8: body["embeddings"] = [[rng.random() for _ in range(4)] for _ in ids_]
            if rng.random() < 0.6: body["documents"] = [rng.choice(words) for _ in ids_]
            if rng.random() < 0.7: body["metadatas"] = [rmeta() for _ in ids_]
            if op in ("add", "upsert") and "embeddings" not in body: body["embeddings"] = [[rng.random() for _ in range(4)] for _ in ids_]
            if op == "add" and body.get("metadatas"):
                body["metadatas"] = [None if m is None else {k: v for k, v in m.items() if v is not None} or None for m in body["metadatas"]]
        try:
            getattr(col, op)(**body); cerr = None
        except Exception as e:
            cerr = str(e)[:120]
        st, r = post(f"/api/v1/collections/fz/{op}", body)
        if (cerr is None) != (st < 300):
            problems += 1; print("REFUSAL DIFF", op, json.dumps(body)[:300], "| chroma:", cerr, "| ours:", st, str(r)[:150]); continue
        a, b = state_chroma(), state_ours()
        if a != b:
            problems += 1
            print("STATE DIFF after", op, json.dumps(body)[:300])
            for k in [k for k in set(a) | set(b) if a.get(k) != b.get(k)][:3]: print("   ", k, "chroma", a.get(k), "ours", b.get(k))
            break
    print("steps", steps, "problems", problems)

if COMMAND == "writes":
    check_writes(int(sys.argv[2]) if len(sys.argv) > 2 else 300)
    srv.terminate()
    sys.exit(0)
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
