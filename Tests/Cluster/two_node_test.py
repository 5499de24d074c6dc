#!/usr/bin/env python3
"""Two `lodestar serve` nodes sharing a PostgreSQL event broker (--broker postgres://...):
a dashboard socket on node B receives, in order and exactly once, the events caused by requests
to node A — live, and replayed after a reconnect with ?since=. Node A's own dashboard sees the
same sequence numbers.

With a broker URL that asks for TLS (sslmode=require/verify-ca/verify-full), it also checks that
both nodes' connections are encrypted (pg_stat_ssl), and that a node given a CA that did not sign
the server's certificate refuses to start (verify-full) instead of connecting.

Usage: two_node_test.py --broker 'postgres://lodestar:lodestar@127.0.0.1:5432/lodestar_test?sslmode=verify-full&sslrootcert=ca.crt'
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time, urllib.request

import websocket  # websocket-client (installed with selenium)


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def start_node(lodestar, data, broker, secret):
    process = subprocess.Popen([lodestar, "serve", "--data-dir", data, "--port", "0", "--broker", broker, "--jwt-secret", secret],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            fail(f"node in {data} exited before serving")
        match = re.search(r"lodestar serving on (http://\S+)", line)
        if match:
            return process, match.group(1)
    fail("node did not start")


def submit(base, token, student, item, answer):
    request = urllib.request.Request(f"{base}/api/v1/assessments/submit", method="POST",
                                     data=json.dumps({"student_id": student, "item_id": item, "answer": answer}).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200:
            fail(f"submit answered {response.status}")


def receive(ws, count, timeout=10):
    """The next `count` events (messages with a seq), in arrival order."""
    events = []
    deadline = time.time() + timeout
    while len(events) < count:
        ws.settimeout(max(0.1, deadline - time.time()))
        try:
            message = json.loads(ws.recv())
        except websocket.WebSocketTimeoutException:
            fail(f"only {len(events)} of {count} events arrived within {timeout} s")
        if "seq" in message and message.get("type") not in ("connection_confirmed", "resync_required", "pong"):
            events.append(message)
    return events


def nothing_more(ws, wait=1.0):
    ws.settimeout(wait)
    try:
        extra = json.loads(ws.recv())
        if "seq" in extra and extra.get("type") != "pong":
            fail(f"an extra event arrived: {extra.get('type')} seq {extra.get('seq')}")
    except websocket.WebSocketTimeoutException:
        pass


def check_tls(a, secret):
    """Both nodes' connections are encrypted; a node that cannot verify the server does not start."""
    encrypted = subprocess.run(["psql", a.broker, "-tAc",
                                "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity p USING (pid) "
                                "WHERE p.usename = current_user AND s.ssl AND p.pid <> pg_backend_pid()"],
                               capture_output=True, text=True, check=True).stdout.strip()
    plain = subprocess.run(["psql", a.broker, "-tAc",
                            "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity p USING (pid) "
                            "WHERE p.usename = current_user AND NOT s.ssl AND p.backend_type = 'client backend'"],
                           capture_output=True, text=True, check=True).stdout.strip()
    if int(encrypted) < 2 or int(plain) != 0:
        fail(f"broker connections: {encrypted} encrypted, {plain} in plain text")
    print(f"ok: the nodes' {encrypted} broker connections use TLS, none plain", flush=True)
    if "verify-full" not in a.broker:
        return
    other = tempfile.mkdtemp(prefix="lodestar-ca-")
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Unrelated CA",
                        "-keyout", f"{other}/ca.key", "-out", f"{other}/ca.crt"], check=True, capture_output=True)
        wrong = re.sub(r"sslrootcert=[^&]*", f"sslrootcert={other}/ca.crt", a.broker)
        data = tempfile.mkdtemp(prefix="lodestar-node-")
        process = subprocess.Popen([a.lodestar, "serve", "--data-dir", data, "--port", "0", "--broker", wrong, "--jwt-secret", secret,
                                    "--no-demo"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = process.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            process.kill()
            fail("a node with a CA that did not sign the server's certificate kept running")
        finally:
            shutil.rmtree(data, ignore_errors=True)
        if process.returncode == 0 or "serving on" in out:
            fail(f"a node with the wrong CA started: {out[-300:]}")
        if "lodestar" in wrong and ":lodestar@" in err:
            fail("the password appears in the error output")
        print("ok: a node whose CA did not sign the server's certificate refuses to start", flush=True)
    finally:
        shutil.rmtree(other, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lodestar", default=".build/release/lodestar")
    ap.add_argument("--broker", required=True)
    a = ap.parse_args()
    subprocess.run(["psql", a.broker, "-qc", "DROP TABLE IF EXISTS lodestar_events, lodestar_channel_seq"], check=True)

    secret = "two-node-test-secret-0123456789-abcdef"
    dirs = [tempfile.mkdtemp(prefix="lodestar-node-") for _ in range(2)]
    nodes = []
    try:
        node_a, base_a = start_node(a.lodestar, dirs[0], a.broker, secret)
        nodes.append(node_a)
        node_b, base_b = start_node(a.lodestar, dirs[1], a.broker, secret)
        nodes.append(node_b)
        token = subprocess.run([a.lodestar, "token", "--role", "teacher", "--class", "class_001", "--jwt-secret", secret],
                               check=True, capture_output=True, text=True).stdout.strip()
        ws_url = lambda base: base.replace("http://", "ws://") + f"/ws/dashboard/class_001?token={token}"

        on_b = websocket.create_connection(ws_url(base_b), timeout=10)
        on_a = websocket.create_connection(ws_url(base_a), timeout=10)
        confirmed = json.loads(on_b.recv())
        if confirmed.get("type") != "connection_confirmed":
            fail(f"first message on B: {confirmed}")
        if json.loads(on_a.recv()).get("seq") != confirmed["seq"]:
            fail("the nodes disagree on the channel's sequence number")
        start = confirmed["seq"]

        answers = [("student_001", "fractions_basics-q01", "0.375"), ("student_002", "fractions_basics-q02", "9"),
                   ("student_003", "fractions_basics-q01", "0.5")]
        plan = [answers[i % len(answers)] for i in range(15)]
        for student, item, answer in plan:
            submit(base_a, token, student, item, answer)
        events_b = receive(on_b, 30)
        events_a = receive(on_a, 30)
        seqs = [e["seq"] for e in events_b]
        if seqs != list(range(start + 1, start + 31)):
            fail(f"node B sequence numbers are not consecutive: {seqs}")
        if [e["seq"] for e in events_a] != seqs or [e["type"] for e in events_a] != [e["type"] for e in events_b]:
            fail("node A and node B delivered different sequences")
        # a dashboard receives two events per grading (student_update goes to the student's channel)
        expected_types = ["assessment_graded", "mastery_updated"] * 15
        if [e["type"] for e in events_b] != expected_types:
            fail(f"events out of order on B: {[e['type'] for e in events_b]}")
        graded = [(e["student_id"], e["data"]["item_id"]) for e in events_b if e["type"] == "assessment_graded"]
        if graded != [(s, i) for s, i, _ in plan]:
            fail(f"graded events do not follow the submissions: {graded}")
        nothing_more(on_b)
        print(f"ok: 30 events from node A arrived on node B in order, once (seq {start + 1}..{start + 30})", flush=True)

        # Reconnect: events published while B's dashboard is away are replayed, then live ones follow.
        last = seqs[-1]
        on_b.close()
        for student, item, answer in plan[:7]:
            submit(base_a, token, student, item, answer)
        on_b = websocket.create_connection(ws_url(base_b) + f"&since={last}", timeout=10)
        confirmed = json.loads(on_b.recv())
        if confirmed.get("type") != "connection_confirmed" or confirmed.get("replayed") != 14:
            fail(f"reconnect confirmation: {confirmed}")
        replayed = receive(on_b, 14)
        for student, item, answer in plan[:3]:
            submit(base_a, token, student, item, answer)
        live = receive(on_b, 6)
        seqs = [e["seq"] for e in replayed + live]
        if seqs != list(range(last + 1, last + 21)):
            fail(f"replay + live sequence after reconnect: {seqs}")
        nothing_more(on_b)
        print(f"ok: after a reconnect with since={last}: 14 replayed + 6 live events, in order, once", flush=True)
        on_a.close()
        on_b.close()
        if re.search(r"sslmode=(require|verify-ca|verify-full)", a.broker):
            check_tls(a, secret)
    finally:
        for node in nodes:
            node.terminate()
        for node in nodes:
            try:
                node.wait(timeout=30)
            except subprocess.TimeoutExpired:
                node.kill()
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
    print("two-node broker test passed", flush=True)


if __name__ == "__main__":
    main()
