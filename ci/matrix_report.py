"""Reading a qcompat matrix report from the ci/ scripts (import it).

Bad input ends the script with status 2 and a message naming the input and
the file to give instead, never a traceback.
"""
import json, os, sys

def fail(msg):
    """Exits 2 with `SCRIPT: msg` on stderr."""
    prog = os.path.splitext(os.path.basename(sys.argv[0]))[0]
    print(f"{prog}: {msg}", file=sys.stderr)
    sys.exit(2)

def load(path):
    """The report at path, a dict with a cells list, or fail()."""
    try:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"cannot read the matrix report {path}: {e} (give the report.json that `qcompat matrix run --report` wrote)")
    if not isinstance(report, dict) or not isinstance(report.get("cells"), list):
        fail(f"{path} is not a matrix report: no cells list")
    return report
