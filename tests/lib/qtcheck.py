"""The one assertion helper of the Python tests.

    import sys, os; sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
    from qtcheck import check, done

check(cond, desc, info="") prints "ok - DESC" or "not ok - DESC: INFO",
counts it and returns bool(cond); done() prints the closing line
"N passed, N failed" (the plain line CI reads) and returns the exit status:
1 when a check failed or none ran, else 0. Same convention as
tests/lib/check.sh.
"""
import sys

passed = 0
failed = 0


def check(cond, desc, info=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + desc)
    else:
        failed += 1
        print("not ok - " + desc + (": " + str(info) if info != "" else ""))
    sys.stdout.flush()
    return bool(cond)


def done():
    print("%d passed, %d failed" % (passed, failed))
    sys.stdout.flush()
    return 1 if failed or not passed else 0
