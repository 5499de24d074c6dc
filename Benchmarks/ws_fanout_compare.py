#!/usr/bin/env python3
"""WebSocket fan-out, Lodestar vs the original design, in one run (issue 6's benchmark).

For each subscriber count, runs ../shared/anchors/ws_fanout.py (same client, same machine) against
  - `lodestar serve` (demo data): subscribers on /ws/dashboard/class_001 with a teacher token, events
    triggered by POST /api/v1/assessments/submit (a real grading: store, BKT, 3 events), and
  - ../shared/anchors/seed_ws_server.py (FastAPI ConnectionManager, broadcast with asyncio.gather),
and samples each server's resident memory during the run: (peak - before) / subscribers is its
memory per connection. Prints one line per run and the p99 ratio at each size.

  swift build -c release --product lodestar
  python3 Benchmarks/ws_fanout_compare.py [--sizes 1000,5000,10000] [--events 50] [--pairs 1]
      [--python ~/.cache/lodestar-anchors/venv/bin/python]   # has fastapi, uvicorn, picows, uvloop

With --pairs N each size is measured N times, Lodestar and the seed back to back each time (the
machine is shared and both the seed's stalls and the client's own cost vary from run to run); the
ratio of every pair is printed, then their median.
"""
import argparse, os, pathlib, re, socket, subprocess, sys, tempfile, threading, time

ROOT = pathlib.Path(__file__).resolve().parent.parent
ANCHORS = ROOT.parent / "shared" / "anchors"
SECRET = "ws-fanout-benchmark-secret-0123456789"


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def rss_mb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True); self.pid = pid; self.peak = 0.0; self.stop = False
    def run(self):
        while not self.stop:
            self.peak = max(self.peak, rss_mb(self.pid)); time.sleep(0.05)


def wait_port(port, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close(); return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"nothing listening on {port}")


def fanout(python, server_pid, ws, trigger, body, headers, n, events, client):
    before = rss_mb(server_pid)
    sampler = Sampler(server_pid); sampler.start()
    cmd = [python, str(ANCHORS / "ws_fanout.py"), "--ws", ws, "--n", str(n), "--trigger", trigger, "--body", body,
           "--type", "assessment_graded", "--events", str(events), "--client", client]
    for h in headers:
        cmd += ["--header", h]
    out = subprocess.run(cmd, capture_output=True, text=True)
    sampler.stop = True; sampler.join()
    line = (out.stdout.strip().splitlines() or [out.stderr.strip()[-300:]])[-1]
    per_conn_kb = (sampler.peak - before) * 1024 / n
    return line, before, sampler.peak, per_conn_kb


def field(line, name):
    m = re.search(rf"{name}=([0-9.]+)", line)
    return float(m.group(1)) if m else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lodestar", default=str(ROOT / ".build/release/lodestar"))
    ap.add_argument("--python", default=os.path.expanduser("~/.cache/lodestar-anchors/venv/bin/python"))
    ap.add_argument("--sizes", default="1000,5000,10000"); ap.add_argument("--events", type=int, default=50)
    ap.add_argument("--client", default="picows"); ap.add_argument("--seed-max", type=int, default=10000)
    ap.add_argument("--pairs", type=int, default=1)
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]

    port = free_port(); data = tempfile.mkdtemp(prefix="lodestar-ws-bench-")
    lodestar = subprocess.Popen([a.lodestar, "serve", "--port", str(port), "--data-dir", data, "--jwt-secret", SECRET],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    seed_port = free_port()
    seed = subprocess.Popen([a.python, str(ANCHORS / "seed_ws_server.py"), "--port", str(seed_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if "serving" not in lodestar.stdout.readline():
            sys.exit("lodestar serve did not start")
        wait_port(seed_port)
        token = subprocess.run([a.lodestar, "token", "--role", "teacher", "--class", "class_001", "--jwt-secret", SECRET],
                               capture_output=True, text=True, check=True).stdout.strip()
        body = '{"student_id":"student_001","class_id":"class_001","item_id":"fractions_basics-q01","answer":"0.375","score":0.8}'
        print(f"# {time.strftime('%Y-%m-%d %H:%M')} events={a.events} client={a.client} (ws_fanout.py on the same 2 cores)")
        results = {}
        for n in sizes:
            for pair in range(max(1, a.pairs)):
                for name in ["lodestar", "seed"]:
                    if name == "seed" and n > a.seed_max:
                        continue
                    if name == "lodestar":
                        line, before, peak, per = fanout(a.python, lodestar.pid, f"ws://127.0.0.1:{port}/ws/dashboard/class_001?token={token}",
                                                         f"http://127.0.0.1:{port}/api/v1/assessments/submit", body,
                                                         [f"Authorization: Bearer {token}"], n, a.events, a.client)
                    else:
                        line, before, peak, per = fanout(a.python, seed.pid, f"ws://127.0.0.1:{seed_port}/ws/dashboard/class_001",
                                                         f"http://127.0.0.1:{seed_port}/api/assessments/submit", body, [], n, a.events, a.client)
                    results[(name, n, pair)] = line
                    print(f"{name:8s} n={n:6d} {line} | server_rss_mb before={before:.0f} peak={peak:.0f} per_connection_kb={per:.1f}",
                          flush=True)
                    time.sleep(2)
        for n in sizes:
            ratios = []
            for pair in range(max(1, a.pairs)):
                if ("seed", n, pair) not in results:
                    continue
                ours, theirs = field(results[("lodestar", n, pair)], "p99_ms"), field(results[("seed", n, pair)], "p99_ms")
                ratios.append(ours / theirs)
                print(f"n={n}: p99 lodestar/seed = {ours:.2f}/{theirs:.2f} ms = {ours / theirs:.3f} "
                      f"(p50 {field(results[('lodestar', n, pair)], 'p50_ms'):.2f}/{field(results[('seed', n, pair)], 'p50_ms'):.2f} ms)")
            if len(ratios) > 1:
                ordered = sorted(ratios)
                median = ordered[len(ordered) // 2] if len(ordered) % 2 else (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2
                print(f"n={n}: p99 ratio over {len(ratios)} pairs: median {median:.3f}, min {ordered[0]:.3f}, max {ordered[-1]:.3f}")
    finally:
        for p in (lodestar, seed):
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
