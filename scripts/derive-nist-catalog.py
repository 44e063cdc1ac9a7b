#!/usr/bin/env python3
"""Derive mappings/nist-800-53-r5.json from ../shared/reference/standards (NIST OSCAL content).

The catalog the controls are validated against must not be typed by hand, and the project must
not read ../shared at run time: this script is how the committed copy is produced.
Usage: python3 scripts/derive-nist-catalog.py [REFERENCE_DIR]
"""
import csv, hashlib, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)
ref = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "..", "shared", "reference")
std = os.path.join(ref, "standards")

def tsv(name):
    path = os.path.join(std, name)
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t")), hashlib.sha256(open(path, "rb").read()).hexdigest()

controls, c_sha = tsv("nist-800-53-r5-controls.tsv")
families, f_sha = tsv("nist-800-53-r5-families.tsv")
baselines, b_sha = tsv("nist-800-53-r5-baselines.tsv")
base = {r["id"]: r for r in baselines}

out = {
    "title": "NIST SP 800-53 Rev 5 controls and SP 800-53B baselines",
    "provenance": {
        "controls": {"file": "nist-800-53-r5-controls.tsv", "sha256": c_sha,
                      "source": "usnistgov/oscal-content a849dbca4649e0cc626fefdd46cf5232c8308f4c nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json (catalog release 5.0.1)"},
        "families": {"file": "nist-800-53-r5-families.tsv", "sha256": f_sha},
        "baselines": {"file": "nist-800-53-r5-baselines.tsv", "sha256": b_sha,
                       "source": "usnistgov/oscal-content v1.3.0 NIST_SP-800-53_rev5_{LOW,MODERATE,HIGH,PRIVACY}-baseline_profile.json (release 5.1.1+u4)"},
        "derived-by": "scripts/derive-nist-catalog.py",
    },
    "families": [{"id": r["id"], "title": r["title"]} for r in families],
    "controls": [],
}
for r in controls:
    b = base.get(r["id"], {})
    out["controls"].append({
        "id": r["id"], "label": r["label"], "family": r["family"], "title": r["title"],
        "withdrawn": r["withdrawn"] == "yes",
        "baselines": [k for k in ("low", "moderate", "high", "privacy") if b.get(k) == "yes"],
    })
dest = os.path.join(repo, "mappings", "nist-800-53-r5.json")
with open(dest, "w", encoding="utf-8") as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"wrote {dest}: {len(out['controls'])} controls, {len(out['families'])} families")
