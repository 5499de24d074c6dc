#!/usr/bin/env python3
"""The 64-client load of issue 20: what a busy service does to its quick answers.

Starts `lodestar serve` on the demo data (fresh data directory, free port), adds a collection of
2,000 documents, then for --seconds runs --clients threads, each on its own keep-alive connection,
looping over a mix of requests: query by text (n_results 10), get with a `where` filter, a
student's profile, a class roster, and an answer submitted for grading (which publishes events).
Beside them, one thread asks /healthz every 100 ms and one dashboard WebSocket of class_001
receives the grading events. Prints p50/p99 of query latency, of /healthz and of event delivery
(arrival time minus the event's own server timestamp, same machine clock), and requests/s.

  swift build -c release --product lodestar
  python3 Benchmarks/load_probe.py [--clients 64] [--seconds 60]
"""
import argparse, http.client, json, pathlib, random, re, socket, subprocess, sys, tempfile, threading, time

import websocket  # websocket-client

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECRET = "load-probe-secret-0123456789-abcdef"


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


class Client:
    def __init__(self, port, token):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                return response.status, payload
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lodestar", default=str(ROOT / ".build/release/lodestar"))
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--documents", type=int, default=2000)
    a = ap.parse_args()
    port = free_port()
    data = tempfile.mkdtemp(prefix="lodestar-load-")
    server = subprocess.Popen([a.lodestar, "serve", "--data-dir", data, "--port", str(port), "--jwt-secret", SECRET],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        while True:
            line = server.stdout.readline()
            if not line:
                sys.exit("lodestar serve exited")
            if "serving on" in line:
                break
        admin = subprocess.run([a.lodestar, "token", "--role", "admin", "--jwt-secret", SECRET], capture_output=True, text=True).stdout.strip()
        setup = Client(port, admin)
        setup.call("POST", "/api/v1/collections", {"name": "load"})
        words = "fraction force cell energy planet river atom number equation light sound plant animal map story".split()
        rng = random.Random(3)
        for start in range(0, a.documents, 500):
            ids = [f"d{i}" for i in range(start, min(a.documents, start + 500))]
            docs = [" ".join(rng.choice(words) for _ in range(8)) + f" note {i}" for i in range(len(ids))]
            metas = [{"topic": rng.choice(words), "grade": rng.randint(1, 12)} for _ in ids]
            status, _ = setup.call("POST", "/api/v1/collections/load/add", {"ids": ids, "documents": docs, "metadatas": metas})
            assert status == 201, status
        _, items_body = setup.call("GET", "/api/v1/classes/class_001/students")
        students = [s["student_id"] if "student_id" in s else s.get("id") for s in json.loads(items_body).get("students", json.loads(items_body) if isinstance(json.loads(items_body), list) else [])]
        students = [s for s in students if s] or [f"student_{i:03d}" for i in range(1, 31)]
        demo = [json.loads(l) for l in (ROOT / "Sources/Learning/Resources/demo-curriculum.jsonl").read_text().splitlines() if l.strip()]
        items = [r for r in demo if r["record"] == "assessment_item"]

        stop = time.time() + a.seconds
        lock = threading.Lock()
        query_ms, health_ms, event_ms, other_ms = [], [], [], []
        errors = [0]
        done = [0]

        ws = websocket.create_connection(f"ws://127.0.0.1:{port}/ws/dashboard/class_001?token={admin}", timeout=5)
        ws.recv()  # connection_confirmed

        def listen():
            while time.time() < stop + 2:
                try:
                    message = json.loads(ws.recv())
                except websocket.WebSocketTimeoutException:
                    continue
                except Exception:
                    return
                if "timestamp" in message and message.get("type") == "assessment_graded":
                    with lock:
                        event_ms.append((time.time() - float(message["timestamp"])) * 1000)

        def health():
            client = Client(port, admin)
            while time.time() < stop:
                t = time.perf_counter()
                status, _ = client.call("GET", "/healthz")
                with lock:
                    health_ms.append((time.perf_counter() - t) * 1000)
                time.sleep(0.1)

        def worker(seed):
            r = random.Random(seed)
            client = Client(port, admin)
            n = 0
            while time.time() < stop:
                kind = n % 5
                n += 1
                t = time.perf_counter()
                if kind == 0:
                    status, _ = client.call("POST", "/api/v1/collections/load/query",
                                            {"query_texts": [" ".join(r.choice(words) for _ in range(5))], "n_results": 10})
                elif kind == 1:
                    status, _ = client.call("POST", "/api/v1/collections/load/get", {"where": {"topic": r.choice(words)}, "limit": 20})
                elif kind == 2:
                    status, _ = client.call("GET", f"/api/v1/students/{r.choice(students)}")
                elif kind == 3:
                    status, _ = client.call("GET", "/api/v1/classes/class_001/students")
                else:
                    item = r.choice(items)
                    key = item.get("key") or {}
                    right = r.random() < 0.6
                    if key.get("type") == "numeric":
                        answer = key["answer"] if right else key["answer"] + 1
                    elif key.get("type") == "multiple_choice":
                        answer = key["answer"] if right else (key["answer"] + 1) % len(key["choices"])
                    elif key.get("type") == "exact":
                        answer = key["answer"] if right else "not it"
                    else:
                        answer = "an essay"
                    body = {"student_id": r.choice(students), "item_id": item["id"], "answer": answer}
                    if not key:
                        body["score"] = r.random()
                    status, _ = client.call("POST", "/api/v1/assessments/submit", body)
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    done[0] += 1
                    if status >= 400:
                        errors[0] += 1
                    (query_ms if kind == 0 else other_ms).append(ms)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(a.clients)]
        threads += [threading.Thread(target=health), threading.Thread(target=listen)]
        started = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - started
        print(f"clients={a.clients} seconds={a.seconds:.0f} requests={done[0]} errors={errors[0]} req_per_s={done[0] / elapsed:.0f}")
        print(f"query_ms p50={pct(query_ms, .5):.1f} p99={pct(query_ms, .99):.1f} (n={len(query_ms)})")
        print(f"other_ms p50={pct(other_ms, .5):.1f} p99={pct(other_ms, .99):.1f} (n={len(other_ms)})")
        print(f"health_ms p50={pct(health_ms, .5):.1f} p99={pct(health_ms, .99):.1f} (n={len(health_ms)})")
        print(f"event_ms p50={pct(event_ms, .5):.1f} p99={pct(event_ms, .99):.1f} (n={len(event_ms)})")
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
