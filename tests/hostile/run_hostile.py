#!/usr/bin/python3
"""Hostile model files at the CLI level: `ferry predict` must refuse each with exit status 2
and a clear message on stderr, never crash (no signal, no sanitizer report), never run code
from the file (the file the payload would create must not exist), and never allocate what an
absurd header claims (address space limited to 8 GiB, peak RSS must stay under 1 GiB).

Usage: run_hostile.py [FERRY_BINARY]   (default $FERRY_BINARY, then build/ferry)
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import hostile_files  # noqa: E402

MAX_RSS_KIB = 1 << 20          # 1 GiB
ADDRESS_LIMIT = 8 << 30        # bytes; a 100 GiB allocation attempt fails under it
TIMEOUT_S = 60                 # only a guard against hangs, not a speed assertion


def sanitized(binary):
    """ASan reserves terabytes of address space: no address limit for such builds."""
    try:
        out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    except OSError:
        return False
    return "libasan" in out or "libubsan" in out


def run_limited(cmd, stderr_path, limit_address):
    """Runs cmd under /usr/bin/time (and prlimit when limit_address); returns (exit status or
    -signal, peak RSS of the command in KiB)."""
    usage_path = stderr_path + ".usage"
    wrapped = ["/usr/bin/time", "-f", "%x %M", "-o", usage_path]
    if limit_address:
        wrapped += ["prlimit", f"--as={ADDRESS_LIMIT}", "--"]
    with open(stderr_path, "w") as err:
        try:
            subprocess.run(wrapped + cmd, stdout=subprocess.DEVNULL, stderr=err,
                           timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return -9, 0
    lines = open(usage_path).read().splitlines()
    code, rss = (int(v) for v in lines[-1].split())
    for line in lines:
        if line.startswith("Command terminated by signal"):
            code = -int(line.split()[-1])
    return code, rss


def prove_payloads_live(tmp):
    """The code payloads must really execute under Python's own pickle, else the test proves
    nothing. Loads each in a separate Python process and checks its file appears."""
    problems = []
    cases = hostile_files.code_payloads(lambda n: os.path.join(tmp, f"live_{n}"))
    for case in cases:
        path = os.path.join(tmp, "live_payload" + case.suffix)
        with open(path, "wb") as f:
            f.write(case.data)
        loader = "joblib.load(p)" if case.suffix == ".joblib" else "pickle.load(open(p, 'rb'))"
        subprocess.run(["/usr/bin/python3", "-c",
                        f"import pickle, joblib, sys; p = sys.argv[1]\ntry: {loader}\n"
                        "except Exception: pass", path],
                       capture_output=True, timeout=60)
        if not os.path.exists(case.sentinel):
            problems.append(f"payload {case.name!r} did not create its file under Python")
    return problems


def check(ferry, case, tmp, input_csv, limit_address, index):
    model = os.path.join(tmp, f"hostile_{index}{case.suffix}")
    with open(model, "wb") as f:
        f.write(case.data)
    stderr_path = os.path.join(tmp, f"hostile_{index}.stderr")
    code, rss = run_limited([ferry, "predict", "--model", model, "--input", input_csv,
                             "--output", os.path.join(tmp, f"hostile_{index}.out")],
                            stderr_path, limit_address)
    stderr = open(stderr_path, errors="replace").read()
    problems = []
    if code < 0:
        problems.append(f"killed by signal {-code}")
    elif code != 2:
        problems.append(f"exit status {code}, expected 2")
    if not stderr.strip():
        problems.append("nothing on stderr")
    if "Sanitizer" in stderr or "runtime error:" in stderr:
        problems.append("sanitizer report")
    for word in case.expect:
        if word.lower() not in stderr.lower():
            problems.append(f"stderr does not name {word!r}")
    if case.sentinel and os.path.exists(case.sentinel):
        problems.append(f"PAYLOAD RAN: {case.sentinel} exists")
    if rss > MAX_RSS_KIB:
        problems.append(f"peak RSS {rss // 1024} MiB (limit {MAX_RSS_KIB // 1024} MiB)")
    first_line = (stderr.strip().splitlines() or [""])[0][:150]
    return problems, code, rss, first_line


def main():
    ferry = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("FERRY_BINARY", "build/ferry")
    if not os.access(ferry, os.X_OK):
        print(f"hostile: ferry binary not found or not executable: {ferry} "
              "(build it, or pass its path / set FERRY_BINARY)")
        return 2
    limit_address = not sanitized(ferry)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="ferry-hostile-") as tmp:
        input_csv = os.path.join(tmp, "input.csv")
        with open(input_csv, "w") as f:
            f.write("f0,f1,f2,f3\n1.0,2.0,3.0,4.0\n")
        live_problems = prove_payloads_live(tmp)
        for p in live_problems:
            print(f"SUITE-ERROR {p}")
        groups = [("code", hostile_files.code_payloads(lambda n: os.path.join(tmp, f"pwned_{n}"))),
                  ("truncated", hostile_files.truncated()),
                  ("magic", hostile_files.wrong_magic()),
                  ("memo", hostile_files.bad_memo()),
                  ("size", hostile_files.absurd_sizes()),
                  ("nesting", hostile_files.deep_nesting())]
        total = 0
        for group, cases in groups:
            for case in cases:
                total += 1
                problems, code, rss, line = check(ferry, case, tmp, input_csv, limit_address, total)
                status = "ok" if not problems else "FAIL"
                print(f"{status:<5}{group:<10}{case.name:<62}exit {code:<4}"
                      f"rss {rss // 1024:>4} MiB  {line}")
                for p in problems:
                    print(f"        {p}")
                failures += bool(problems)
    failures += len(live_problems)
    print(f"\nhostile: {total} files, {total - failures + len(live_problems)} refused cleanly, "
          f"{failures} problems" + ("" if limit_address else " (sanitizer build: no address limit)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
