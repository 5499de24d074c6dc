#!/usr/bin/env python3
"""Many copies of one document in a collection: recall@10 of Lodestar and ChromaDB (in-process) on
the same vectors.

A store often holds one text many times (a placeholder such as "no description available"). Its
embeddings are identical, or a rounding error apart when batches differ, and an HNSW graph whose
copies link only to one another traps searches. This builds one collection in `lodestar serve` and
one in ChromaDB from the same embeddings (made by `lodestar embed`, batch 32): COUNT glosses of
../shared/data/wordnet-glosses.txt plus COPIES copies of one placeholder text at random positions,
both with cosine, M 16, construction ef 200, search ef 64; then queries with 300 other glosses
and prints recall@10 against exact search (a hit counts when its distance ties the 10th exact one,
since any copy is as good as another), with and without the copies, and again after deleting
five sixths of the copies, when a query at the copy must still get ten copies.

  swift build -c release --product lodestar
  ~/.cache/lodestar-chroma/venv/bin/python scripts/check_copies.py [COUNT 6000] [COPIES 3000]
"""
import json, pathlib, random, socket, subprocess, sys, tempfile, http.client
import numpy as np
import chromadb

ROOT = pathlib.Path(__file__).resolve().parent.parent
L = str(ROOT / ".build/release/lodestar")
GLOSSES = ROOT.parent / "shared/data/wordnet-glosses.txt"
SECRET = "copies-check-secret-0123456789abcdef"
PLACEHOLDER = "no description available"
count = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
copies = int(sys.argv[2]) if len(sys.argv) > 2 else 3000

glosses = GLOSSES.read_text().splitlines()
rng = random.Random(3)
texts = glosses[:count]
for _ in range(copies):
    texts.insert(rng.randrange(len(texts) + 1), PLACEHOLDER)
queries = glosses[100000:100300]
work = pathlib.Path(tempfile.mkdtemp())


def embed(lines, name):
    (work / f"{name}.txt").write_text("\n".join(lines) + "\n")
    subprocess.run([L, "embed", "--input", work / f"{name}.txt", "--format", "npy", "--output", work / f"{name}.npy",
                    "--batch-size", "32"], check=True, cwd=ROOT)
    return np.load(work / f"{name}.npy")


X, Q = embed(texts, "base"), embed(queries, "queries")
is_copy = np.array([t == PLACEHOLDER for t in texts])
print(f"{count} glosses + {copies} copies ({len(np.unique(X[is_copy], axis=0))} bit-distinct variants), "
      f"{len(Q)} queries")

port_socket = socket.socket(); port_socket.bind(("127.0.0.1", 0)); port = port_socket.getsockname()[1]; port_socket.close()
server = subprocess.Popen([L, "serve", "--port", str(port), "--data-dir", work / "data", "--jwt-secret", SECRET, "--no-demo"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
server.stdout.readline()
token = subprocess.run([L, "token", "--role", "admin", "--jwt-secret", SECRET], capture_output=True, text=True,
                       check=True).stdout.strip()
connection = http.client.HTTPConnection("127.0.0.1", port)


def post(path, body, retry=True):
    try:
        connection.request("POST", path, json.dumps(body), {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        response = connection.getresponse(); payload = json.loads(response.read())
    except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
        connection.close()  # the server closed the idle keep-alive connection (--http-idle-timeout): reopen once
        if not retry: raise
        return post(path, body, retry=False)
    if response.status >= 300:
        sys.exit(f"{path}: HTTP {response.status} {payload}")
    return payload


def tied_recall(found, base):
    hits = 0
    for q, ids in zip(Q, found):
        distances = 1 - base @ q  # embeddings are normalised
        kth = np.sort(distances)[9]
        hits += sum(distances[i] <= kth + 1e-5 for i in ids)
    return hits / (10 * len(Q))


metadata = {"hnsw:space": "cosine", "hnsw:M": 16, "hnsw:construction_ef": 200, "hnsw:search_ef": 64}
chroma = chromadb.Client()
try:
    for label, rows in (("with copies", np.arange(len(texts))), ("without copies", np.flatnonzero(~is_copy))):
        name = "copies" if label == "with copies" else "plain"
        base = X[rows]
        post("/api/v1/collections", {"name": name, "metadata": metadata})
        collection = chroma.create_collection(name, metadata=metadata)
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            ids = [str(i) for i in range(start, start + len(chunk))]
            post(f"/api/v1/collections/{name}/add", {"ids": ids, "embeddings": X[chunk].tolist()})
            collection.add(ids=ids, embeddings=X[chunk])
        ours = post(f"/api/v1/collections/{name}/query", {"query_embeddings": Q.tolist(), "n_results": 10, "include": []})["ids"]
        theirs = collection.query(query_embeddings=Q, n_results=10, include=[])["ids"]
        ours = [[int(i) for i in row] for row in ours]
        theirs = [[int(i) for i in row] for row in theirs]
        print(f"{label:15} recall@10 (ef 64): lodestar {tied_recall(ours, base):.4f}  chromadb {tied_recall(theirs, base):.4f}")
        if label != "with copies":
            continue
        # Delete most copies; the rest must stay findable, and the graph must stay navigable.
        copy_ids = [i for i in range(len(rows)) if is_copy[rows[i]]]
        rng.shuffle(copy_ids)
        deleted = copy_ids[:len(copy_ids) * 5 // 6]
        for start in range(0, len(deleted), 500):
            chunk = [str(i) for i in deleted[start:start + 500]]
            post(f"/api/v1/collections/{name}/delete", {"ids": chunk})
            collection.delete(ids=chunk)
        gone = set(deleted)
        keep = np.array([i for i in range(len(rows)) if i not in gone])
        position = {int(i): j for j, i in enumerate(keep)}
        ours = post(f"/api/v1/collections/{name}/query", {"query_embeddings": Q.tolist(), "n_results": 10, "include": []})["ids"]
        theirs = collection.query(query_embeddings=Q, n_results=10, include=[])["ids"]
        ours = [[position[int(i)] for i in row] for row in ours]
        theirs = [[position[int(i)] for i in row] for row in theirs]
        print(f"{'after deleting ' + str(len(deleted)) + ' copies':15} recall@10 (ef 64): lodestar {tied_recall(ours, base[keep]):.4f}  "
              f"chromadb {tied_recall(theirs, base[keep]):.4f}")
        at_copy = X[is_copy][:1]
        ours = post(f"/api/v1/collections/{name}/query", {"query_embeddings": at_copy.tolist(), "n_results": 10, "include": []})["ids"][0]
        theirs = collection.query(query_embeddings=at_copy, n_results=10, include=[])["ids"][0]
        print(f"{'':15} query at the copy, copies among its 10 results: lodestar {sum(is_copy[rows[int(i)]] for i in ours)}  "
              f"chromadb {sum(is_copy[rows[int(i)]] for i in theirs)}")
finally:
    server.terminate(); server.wait()
