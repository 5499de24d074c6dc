#!/usr/bin/env python3
"""The dashboard in a real browser (headless Chromium through Selenium):

1. starts `lodestar serve` on a fresh data directory (demo data, any free port);
2. checks that no route hands out a token (`/dashboard/config.json` has none), then opens the demo
   sign-in link the server printed (http://host:port/#token=...), as a newcomer would: the token
   field is filled from the link, the link's token leaves the address bar, the roster loads, the
   connection indicator turns green;
3. submits an assessment through the HTTP API and checks that the student's roster row shows the
   new mastery within 2 s (the event arrives over the WebSocket);
4. clicks "Recommend" and checks the recommendations list;
5. drops the socket from the page and checks that it reconnects (green again) and replays the
   event published while it was away;
6. saves a screenshot.
Exit status 0 when every check holds. Usage: dashboard_test.py --lodestar .build/release/lodestar
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def http(method, url, token, body=None):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lodestar", default=".build/release/lodestar")
    ap.add_argument("--screenshot", default="artifacts/dashboard.png")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    a = ap.parse_args()

    data = tempfile.mkdtemp(prefix="lodestar-browser-")
    server = subprocess.Popen([a.lodestar, "serve", "--data-dir", data, "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    driver = None
    try:
        base = None
        link = None
        deadline = time.time() + 120
        while time.time() < deadline and not link:
            line = server.stdout.readline()
            if not line:
                fail("lodestar serve exited before printing its demo sign-in link")
            match = re.search(r"lodestar serving on (http://\S+)", line)
            if match:
                base = match.group(1)
            match = re.search(r"demo sign-in .*: (http://\S+/#token=(\S+))", line)
            if match:
                link, token = match.group(1), match.group(2)
        if not base:
            fail("lodestar serve did not start")
        if not link:
            fail("no demo sign-in link printed on the demo data")
        config = json.loads(urllib.request.urlopen(base + "/dashboard/config.json").read())
        if any("token" in key for key in config) or token in json.dumps(config):
            fail(f"/dashboard/config.json hands out a token: {config}")

        options = webdriver.ChromeOptions()
        options.binary_location = a.chromium
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1600,1000"]:
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(executable_path=a.chromedriver), options=options)
        driver.get(link)
        wait = WebDriverWait(driver, 20)

        if driver.find_element(By.ID, "token").get_attribute("value") != token:
            fail("the token field is not filled from the sign-in link")
        if "token=" in driver.current_url:
            fail(f"the sign-in link's token stays in the address bar: {driver.current_url}")
        wait.until(lambda d: "connected" in d.find_element(By.ID, "connection-indicator").get_attribute("class").split())
        color = driver.execute_script(
            "return getComputedStyle(document.getElementById('connection-indicator')).backgroundColor")
        rgb = [int(x) for x in re.findall(r"\d+", color)[:3]]
        if not (rgb[1] > 120 and rgb[1] > rgb[0] + 40 and rgb[1] > rgb[2] + 40):
            fail(f"the connection indicator is not green: {color}")
        print(f"ok: indicator green ({color})", flush=True)

        rows = driver.find_elements(By.CSS_SELECTOR, "#roster-body tr")
        if len(rows) != 30:
            fail(f"the roster shows {len(rows)} students, expected 30")

        # A concept student_001 has not mastered, and a keyed item of it from the demo curriculum.
        roster = http("GET", f"{base}/api/v1/classes/class_001/students", token)
        student = next(s for s in roster["students"] if s["id"] == "student_001")
        curriculum = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "Learning", "Resources", "demo-curriculum.jsonl")
        items = [json.loads(line) for line in open(curriculum) if '"assessment_item"' in line]
        items = [i for i in items if i.get("key") and i["key"].get("type") == "numeric" and len(i["concept_ids"]) == 1]
        items.sort(key=lambda i: student["mastery"].get(i["concept_ids"][0], 1))
        item = items[0]
        concept = item["concept_ids"][0]
        cell = f'#roster-body tr[data-student-id="student_001"] td[data-concept="{concept}"]'
        before = driver.find_element(By.CSS_SELECTOR, cell).text

        started = time.time()
        graded = http("POST", f"{base}/api/v1/assessments/submit", token,
                      {"student_id": "student_001", "item_id": item["id"], "answer": str(item["key"]["answer"])})
        expected = str(round(graded["mastery"][concept]["mastery"] * 100))
        WebDriverWait(driver, 2, poll_frequency=0.05).until(
            lambda d: d.find_element(By.CSS_SELECTOR, cell).text == expected)
        elapsed = time.time() - started
        if before == expected:
            fail(f"mastery of {concept} did not change ({before}); pick another item")
        print(f"ok: roster cell {concept} of student_001 {before} -> {expected} in {elapsed * 1000:.0f} ms", flush=True)
        # the roster line's numbers follow too (from mastery_updated's summary)
        profile = http("GET", f"{base}/api/v1/students/student_001", token)
        average = f"{profile['average_score']:.2f}"
        avg_cell = '#roster-body tr[data-student-id="student_001"] td.avg-score'
        WebDriverWait(driver, 2, poll_frequency=0.05).until(lambda d: d.find_element(By.CSS_SELECTOR, avg_cell).text == average)
        print(f"ok: average score of student_001 shows {average}", flush=True)
        feed = driver.find_elements(By.CSS_SELECTOR, "#feed li[data-type='assessment_graded']")
        if not feed:
            fail("the live feed does not list the graded assessment")

        driver.find_element(By.CSS_SELECTOR, '#roster-body tr[data-student-id="student_001"] button.recommend').click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#recommendations li.recommendation")) > 0)
        print(f"ok: {len(driver.find_elements(By.CSS_SELECTOR, '#recommendations li.recommendation'))} recommendations shown", flush=True)

        # Drop the socket; while it is away an event is published; it must come back green and
        # replay the event.
        seq_before = driver.execute_script("return window.lodestarDashboard.state.lastSeq")
        driver.execute_script("window.lodestarDashboard.state.socket.close(4000, 'test')")
        http("POST", f"{base}/api/v1/assessments/submit", token,
             {"student_id": "student_002", "item_id": item["id"], "answer": "-1"})
        wait.until(lambda d: "connected" in d.find_element(By.ID, "connection-indicator").get_attribute("class").split()
                   and d.execute_script("return window.lodestarDashboard.state.lastSeq") >= seq_before + 2)
        replayed = driver.find_elements(By.CSS_SELECTOR, "#feed li[data-type='assessment_graded']")
        if not any("student_002" in li.text for li in replayed):
            fail("the event published while disconnected was not replayed")
        print("ok: reconnected and replayed the missed events", flush=True)

        os.makedirs(os.path.dirname(os.path.abspath(a.screenshot)), exist_ok=True)
        driver.save_screenshot(a.screenshot)
        print(f"ok: screenshot {a.screenshot}", flush=True)
    finally:
        if driver:
            driver.quit()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)
    print("dashboard browser test passed", flush=True)


if __name__ == "__main__":
    main()
