"""Run pip-audit on the virtual environment and say plainly what it could and could not check.

Fails on any known vulnerability that is not listed, with a reason, in ``ACCEPTED``.
Packages pip-audit could not look up (a registry mirror without PyPI's per-version
JSON API, no route to the vulnerability database) are reported by count and reason;
with ``AUDIT_STRICT=1`` they fail the run too, for machines that can reach PyPI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

#: Vulnerability ids we knowingly accept, each with the reason (none today).
ACCEPTED: dict[str, str] = {}


def run_pip_audit() -> dict:
    """pip-audit's JSON report of this interpreter's environment."""
    done = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        print(done.stderr.strip()[-2000:], file=sys.stderr)
        return {"dependencies": [], "error": f"pip-audit exited {done.returncode}"}


def main() -> int:
    report = run_pip_audit()
    if "error" in report:
        print(f"pip-audit could not run ({report['error']}): dependencies were NOT audited.")
        return 1 if os.environ.get("AUDIT_STRICT") == "1" else 0
    dependencies = report["dependencies"]
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = [d for d in dependencies if "skip_reason" not in d]
    found = [(d, v) for d in audited for v in d.get("vulns", [])]
    refused = [(d, v) for d, v in found if v["id"] not in ACCEPTED]
    for dependency, vuln in found:
        verdict = f"accepted: {ACCEPTED[vuln['id']]}" if vuln["id"] in ACCEPTED else "FAIL"
        fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
        where = f"{dependency['name']} {dependency['version']}"
        print(f"{where}: {vuln['id']} (fixed in {fixes}) {verdict}")
    print(f"pip-audit: {len(audited)} of {len(dependencies)} packages audited, "
          f"{len(found)} known vulnerabilities, {len(refused)} not accepted.")  # fmt: skip
    if skipped:
        reasons = Counter(d["skip_reason"].split(":")[0] for d in skipped)
        for reason, count in reasons.most_common():
            print(f"  {count} packages not checked: {reason}")
        print("  (a registry mirror without PyPI's vulnerability API; see README, Security)")
    if refused:
        return 1
    if skipped and os.environ.get("AUDIT_STRICT") == "1":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
