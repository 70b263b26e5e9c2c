#!/usr/bin/env python3
"""Prints "PASSED FAILED" from a test runner's log, for the summary line of scripts/test.sh.

kinds: ctest ("100% tests passed, 0 tests failed out of 9"), phpunit ("OK (12 tests, 30 assertions)" or
"Tests: 12, Assertions: 30, Failures: 2, Errors: 1."), plain ("name: 12 passed, 0 failed").
A log without its closing line counts as one failure: a runner that died must not look green.
"""
import re
import sys


def count(kind, text):
    if kind == "ctest":
        m = re.findall(r"tests passed, (\d+) tests? failed out of (\d+)", text)
        if m:
            bad, total = map(int, m[-1])
            return total - bad, bad
    elif kind == "phpunit":
        ok = re.findall(r"^OK \((\d+) tests?", text, re.M)
        if ok:
            return int(ok[-1]), 0
        summary = re.findall(r"^Tests: (\d+).*$", text, re.M)
        if summary:
            line = [l for l in text.splitlines() if l.startswith("Tests: ")][-1]
            tests = int(summary[-1])
            bad = sum(int(n) for n in re.findall(r"(?:Failures|Errors): (\d+)", line))
            return tests - bad, bad
    elif kind == "plain":
        m = re.findall(r"(\d+) passed, (\d+) failed", text)
        if m:
            good, bad = map(int, m[-1])
            return good, bad
    return 0, 1


if __name__ == "__main__":
    with open(sys.argv[2], errors="replace") as f:
        good, bad = count(sys.argv[1], f.read())
    print(good, bad)
