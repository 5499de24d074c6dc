#!/usr/bin/env python3
"""Learning paths at scale: a class of 1,000 students over 2,000 content items, through `lodestar serve`.

Builds a curriculum from the demo one (its 24 concepts and 139 assessment items) with 2,000 content
items (the demo's 216 plus variants of them, each a distinct text), imports it over HTTP, gives every
student a simulated history (hidden mastery per concept, ~25 graded answers with slip/guess noise,
through batch-grade), then times POST /api/v1/adaptive/students/{id}/path for every student
(sequentially: per-request latency) and POST /api/v1/adaptive/classes/{id}/plan for the class.

  swift build -c release --product lodestar
  python3 Benchmarks/learning_bench.py [--students 1000] [--content 2000]
"""
import argparse, http.client, json, pathlib, random, re, socket, subprocess, sys, tempfile, time

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEMO = ROOT / "Sources/Learning/Resources/demo-curriculum.jsonl"
SECRET = "learning-benchmark-secret-0123456789"


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lodestar", default=str(ROOT / ".build/release/lodestar"))
    ap.add_argument("--students", type=int, default=1000); ap.add_argument("--content", type=int, default=2000)
    ap.add_argument("--answers", type=int, default=25); ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    demo = [json.loads(l) for l in DEMO.read_text(encoding="utf-8").splitlines() if l.strip()]
    concepts = [r for r in demo if r["record"] == "concept"]
    items = [r for r in demo if r["record"] == "assessment_item"]
    base = [r for r in demo if r["record"] == "content"]
    frames = ["Review: {t}", "Practice set: {t}", "Worked example — {t}", "Homework: {t}", "Challenge: {t}", "Recap video: {t}",
              "Check your understanding: {t}", "Group task: {t}", "Exit ticket: {t}"]
    content = list(base)
    n = 0
    while len(content) < a.content:
        src = base[n % len(base)]; n += 1
        frame = frames[(n // len(base)) % len(frames)]
        sentences = re.split(r"(?<=[.!?]) ", src["text"])
        rng.shuffle(sentences)
        content.append({"record": "content", "id": f"{src['id']}-v{n}", "title": frame.format(t=src["title"]),
                        "text": " ".join(sentences) + f" (Variant {n}.)", "concept_ids": src["concept_ids"],
                        "kind": rng.choice(["lesson", "exercise", "video", "quiz"]), "difficulty": rng.randint(1, 5)})
    students = [{"record": "student", "id": f"b{i:04d}", "class_id": "class_bench", "name": f"Student {i}"} for i in range(a.students)]
    records = concepts + content + items + [{"record": "class", "id": "class_bench", "name": "Benchmark class"}] + students
    body = "\n".join(json.dumps(r) for r in records)

    port = free_port(); data = tempfile.mkdtemp(prefix="lodestar-learning-bench-")
    server = subprocess.Popen([a.lodestar, "serve", "--port", str(port), "--data-dir", data, "--jwt-secret", SECRET, "--no-demo",
                               "--max-body-bytes", str(256 << 20)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        if "serving" not in server.stdout.readline():
            sys.exit("lodestar serve did not start")
        token = subprocess.run([a.lodestar, "token", "--role", "admin", "--jwt-secret", SECRET], capture_output=True, text=True,
                               check=True).stdout.strip()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)

        def post(path, payload, raw=False, retry=True):
            try:
                conn.request("POST", path, payload if raw else json.dumps(payload),
                             {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                r = conn.getresponse(); out = r.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                conn.close()  # the server closed the idle keep-alive connection (--http-idle-timeout): reopen once
                if not retry: raise
                return post(path, payload, raw, retry=False)
            if r.status != 200:
                sys.exit(f"{path}: {r.status} {out[:400]!r}")
            return json.loads(out)

        t0 = time.perf_counter()
        post("/api/v1/import", body, raw=True)
        import_s = time.perf_counter() - t0
        print(f"import: {len(concepts)} concepts, {len(content)} content items, {len(items)} assessment items, "
              f"{len(students)} students in {import_s:.1f} s", flush=True)

        keyed = [i for i in items if i.get("key")]
        def answer(key, right):
            if key["type"] == "exact": return key["answer"] if right else "not sure"
            if key["type"] == "numeric": return key["answer"] if right else key["answer"] + 1 + 2 * key["tolerance"]
            return key["answer"] if right else (key["answer"] + 1) % len(key["choices"])
        t0 = time.perf_counter(); total = 0
        batch = []
        for s in students:
            ability = 0.25 + 0.65 * rng.random()
            knows = {c["id"]: rng.random() < ability for c in concepts}
            for item in rng.sample(keyed, a.answers):
                known = all(knows[c] for c in item["concept_ids"])
                right = rng.random() > 0.1 if known else rng.random() < 0.2
                batch.append({"student_id": s["id"], "item_id": item["id"], "answer": answer(item["key"], right)})
            if len(batch) >= 2000:
                total += post("/api/v1/assessments/batch-grade", {"submissions": batch})["graded"]; batch = []
        if batch:
            total += post("/api/v1/assessments/batch-grade", {"submissions": batch})["graded"]
        print(f"history: {total} graded submissions in {time.perf_counter() - t0:.1f} s "
              f"({total / (time.perf_counter() - t0):.0f}/s, each a durable transaction with BKT updates and events)", flush=True)

        post(f"/api/v1/adaptive/students/{students[0]['id']}/path", {})  # warm-up
        lat = []
        t0 = time.perf_counter()
        for s in students:
            t = time.perf_counter()
            r = post(f"/api/v1/adaptive/students/{s['id']}/path", {"max_items": 5})
            lat.append((time.perf_counter() - t) * 1000)
            assert len(r["recommendations"]) == 5, r
        wall = time.perf_counter() - t0
        lat.sort()
        print(f"paths: {len(students)} students over {len(content)} content items: p50={lat[len(lat)//2]:.2f} ms "
              f"p99={lat[int(len(lat)*.99)]:.2f} ms max={lat[-1]:.2f} ms ({len(students)/wall:.0f} paths/s, one at a time)", flush=True)
        t0 = time.perf_counter()
        plan = post("/api/v1/adaptive/classes/class_bench/plan", {"max_items": 5})
        plan_s = time.perf_counter() - t0
        print(f"class plan: {len(students)} students in {len(plan['groups'])} groups in {plan_s * 1000:.0f} ms", flush=True)
    finally:
        server.terminate(); server.wait(60)


if __name__ == "__main__":
    main()
