#!/usr/bin/env python3
"""Measures the release desktop app under Xvfb: cold start to the unlock screen, unlock time
and idle memory (RSS of the app and of its WebKit processes), over several runs, and prints
medians as JSON. Standard library only; talks WebDriver to tauri-driver on loopback.

    scripts/measure-desktop.py [--runs 5] [--app target/release/consentry-desktop]
        [--vault FILE --operator NAME --passphrase TEXT]

Needs Xvfb, tauri-driver and WebKitWebDriver (scripts/setup-debian.sh --desktop), and the CLI
(target/release/consentry or target/debug/consentry) to create the vault it unlocks; with
--vault, it unlocks that vault instead (for example the large benchmark set's, kept with
`cargo bench --bench consentry -- --large --keep-vault DIR`), as that operator. Each run waits
on Home for the verify that starts after unlock to finish (the time it takes and the highest
RSS meanwhile are reported), then idles 5 s and reads the RSS.
"""
import argparse, http.client, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASS = "measure passphrase 1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wd(method, url, body=None, timeout=60):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as f:
        return json.loads(f.read())["value"]


def find(base, css, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return wd("POST", f"{base}/element", {"using": "css selector", "value": css})
        except Exception:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {css} after {timeout}s")
            time.sleep(0.01)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rollup_kib(pid, field):
    """One field of /proc/PID/smaps_rollup (Pss, Anonymous, ...), in KiB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def app_pids(driver_pid):
    return [p for p, name in descendants(driver_pid) if name.startswith("consentry-deskt")]


def descendants(pid):
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,comm="], capture_output=True, text=True).stdout
    children = {}
    names = {}
    for line in out.splitlines():
        p, pp, name = line.split(None, 2)
        children.setdefault(int(pp), []).append(int(p))
        names[int(p)] = name
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(children.get(p, []))
    return [(p, names.get(p, "?")) for p in seen]


def app_rss(driver_pid):
    """RSS of the app process, and of the app with its WebKit processes (KiB)."""
    pids = app_pids(driver_pid)
    own = sum(rss_kib(p) for p in pids)
    return own, own + sum(rss_kib(q) for p in pids for q, n in descendants(p) if q != p)


def measure_once(port, app, driver_pid, operator, passphrase):
    t0 = time.monotonic()
    sid = wd("POST", f"http://127.0.0.1:{port}/session", {"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}})["sessionId"]
    base = f"http://127.0.0.1:{port}/session/{sid}"
    try:
        find(base, "#unlock-form")
        cold = time.monotonic() - t0
        op = find(base, "#operator")
        pw = find(base, "#unlock-passphrase")
        key = lambda e: list(e.values())[0]
        wd("POST", f"{base}/element/{key(op)}/value", {"text": operator})
        wd("POST", f"{base}/element/{key(pw)}/value", {"text": passphrase})
        btn = find(base, "#unlock-submit")
        t1 = time.monotonic()
        wd("POST", f"{base}/element/{key(btn)}/click", {})
        find(base, "#who")
        unlock = time.monotonic() - t1
        # Home starts a verify beside the session after unlock: wait for its result,
        # sampling the app's RSS meanwhile.
        peak = 0
        deadline = time.monotonic() + 600
        while True:
            peak = max(peak, app_rss(driver_pid)[0])
            try:
                wd("POST", f"{base}/element", {"using": "css selector", "value": "#verify-ran-at"})
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError("verify did not finish in 600 s")
                time.sleep(0.2)
        verified = time.monotonic() - t1
        time.sleep(5)  # idle on the home screen
        own, total = app_rss(driver_pid)
        # What of that RSS is the process's own (its heap and other anonymous memory) and
        # its proportional share of the shared libraries' pages (PSS).
        pids = app_pids(driver_pid)
        anon = sum(rollup_kib(p, "Anonymous") for p in pids)
        pss = sum(rollup_kib(p, "Pss") for p in pids)
    finally:
        try:
            wd("DELETE", base)
        except (OSError, http.client.HTTPException):
            pass
    return {
        "cold_start_s": cold,
        "unlock_s": unlock,
        "verified_after_unlock_s": verified,
        "peak_rss_during_verify_mib": peak / 1024,
        "app_rss_mib": own / 1024,
        "total_rss_mib": total / 1024,
        "app_pss_mib": pss / 1024,
        "app_anon_mib": anon / 1024,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--app", default=os.path.join(ROOT, "target/release/consentry-desktop"))
    ap.add_argument("--cli", default=None)
    ap.add_argument("--vault", default=None, help="unlock this vault instead of a new, empty one")
    ap.add_argument("--operator", default="Ada")
    ap.add_argument("--passphrase", default=PASS)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="consentry-measure-")
    if args.vault:
        vault = os.path.abspath(args.vault)
    else:
        cli = args.cli or next(p for p in [os.path.join(ROOT, "target/release/consentry"), os.path.join(ROOT, "target/debug/consentry")] if os.path.exists(p))
        vault = os.path.join(work, "vault", "consentry.db")
        env = dict(os.environ, CONSENTRY_NEW_PASSPHRASE=PASS)
        subprocess.run([cli, "--vault", vault, "init", "--admin", "Ada", "--device", "measure"], env=env, check=True, capture_output=True)

    xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x900x24", "-nolisten", "tcp"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    display = ":" + xvfb.stdout.readline().decode().strip()
    port, native = free_port(), free_port()
    home = os.path.join(work, "home")
    os.makedirs(home)
    denv = dict(os.environ, DISPLAY=display, CONSENTRY_VAULT=vault, HOME=home, XDG_DATA_HOME=os.path.join(home, ".local/share"), XDG_CACHE_HOME=os.path.join(home, ".cache"))
    driver = subprocess.Popen(["tauri-driver", "--port", str(port), "--native-port", str(native)], env=denv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs = []
    try:
        time.sleep(1.0)
        i, failures = 0, 0
        while i < args.runs + 1:  # the first run warms the page cache and is not counted
            try:
                run = measure_once(port, args.app, driver.pid, args.operator, args.passphrase)
            except (OSError, http.client.HTTPException, RuntimeError) as e:
                # tauri-driver sometimes drops a session while the previous app is still
                # exiting; a run that fails that way is retried, twice at most.
                failures += 1
                print(f"measure-desktop: run {i} failed ({e!r}); retrying", file=sys.stderr)
                if failures > 2:
                    raise
                time.sleep(2.0)
                continue
            if i > 0:
                runs.append(run)
            i += 1
            time.sleep(1.0)
    finally:
        driver.terminate()
        driver.wait()
        xvfb.terminate()
        shutil.rmtree(work, ignore_errors=True)
    med = {k: round(statistics.median(r[k] for r in runs), 3) for k in runs[0]}
    rng = {k: [round(min(r[k] for r in runs), 3), round(max(r[k] for r in runs), 3)] for k in runs[0]}
    print(json.dumps({"runs": len(runs), "median": med, "min_max": rng}, indent=2))


if __name__ == "__main__":
    sys.exit(main())
