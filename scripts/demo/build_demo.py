#!/usr/bin/env python3
"""Build the demo inventory and its known answer from demo/design.yaml (DECISIONS 10 and 11).

demo/design.yaml is the source of truth and is written by hand. For every cloud and normalized type
it names one COMPLIANT base record, itself a real record (a committed control fixture, which
tests/PostureScanner.Controls.Tests/Fixtures/INDEX.tsv traces to ../shared/reference/cloud-samples, or
a cloud-samples record directly) plus a small named patch; then resources: good copies of a base with
their own names, and bad ones = the base + a named patch + the hand-written list of controls that
must fail for it (`expect-fail`).

This script:
  * builds every resource (base record, text substitutions, identity ops, the resource's patch);
  * writes them into demo/inventory/ spread over the file forms the readers accept
    (AWS: DeliverConfigSnapshot .json.gz, select-aggregate-resource-config output,
    batch-get-resource-config output, get-resource-config-history output; Azure: Resource Graph
    objectArray and table pages, ARM list pages, an array of ARM GET bodies; GCP: `gcloud asset export` resource and
    iam-policy JSON lines, assets.list pages of resources and of IAM policies);
  * writes demo/expected-findings.yaml (native id -> sorted control ids that must fail), taken ONLY
    from the design's expect-fail lists, never from running the scanner;
  * writes demo/PROVENANCE.tsv (each resource, its base, the real record behind it, the patches).

Run by developers (it reads the committed fixtures and, for `sample:` bases, ../shared), never by
tests or CI. After running it, rebuild the posture executable: it embeds demo/inventory/**.

Usage: python3 scripts/demo/build_demo.py [--samples DIR] [--check]
  --check  build into memory and compare with the committed files; exit 1 when they differ.
"""
import argparse, copy, csv, gzip, hashlib, io, json, os, re, sys, uuid
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "scripts", "fixtures"))
import build_fixtures as bf  # noqa: E402  (apply_op: RFC 6902 ops through JSON strings; read_sample; wrap_cai)

DEMO = os.path.join(REPO, "demo")
FIXTURES = os.path.join(REPO, "tests", "PostureScanner.Controls.Tests", "Fixtures")
VAR = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


# ---------------------------------------------------------------------------------------------
# Templates: ${var} in any string of a value. Variables come from the placement, the resource
# entry and a few derived from the resource's key (deterministic ids).

def derived_vars(key):
    digest = hashlib.sha256(key.encode()).hexdigest()
    return {
        "hex8": digest[:8],
        "hex17": digest[:17],
        "HEX17": digest[:17].upper(),
        "hex32": digest[:32],
        "uuid": str(uuid.UUID(digest[:32])),
        "num19": str(int(digest[:15], 16)).rjust(19, "1")[:19],
        "num12": str(int(digest[15:27], 16)).rjust(12, "1")[:12],
    }


def render(value, variables, where):
    if isinstance(value, str):
        def sub(m):
            if m.group(1) not in variables:
                raise KeyError(f"{where}: unknown template variable ${{{m.group(1)}}}")
            return str(variables[m.group(1)])
        return VAR.sub(sub, value)
    if isinstance(value, list):
        return [render(v, variables, where) for v in value]
    if isinstance(value, dict):
        return {render(k, variables, where): render(v, variables, where) for k, v in value.items()}
    return value


def apply_patch(doc, ops, variables, where):
    """RFC 6902 add/replace/remove (paths may run through JSON strings, see build_fixtures.apply_op)."""
    for op in ops or []:
        kind = op["op"]
        if kind not in ("add", "replace", "remove"):
            raise ValueError(f"{where}: unsupported op {kind}")
        path = render(op["path"], variables, where)
        tokens = [bf.unescape(t) for t in path.lstrip("/").split("/")]
        value = render(copy.deepcopy(op.get("value")), variables, where)
        try:
            doc = bf.apply_op(doc, tokens, kind, value)
        except Exception as e:
            raise ValueError(f"{where}: {kind} {path}: {e}") from e
    return doc


def substitute_text(doc, mapping, variables, where):
    """Replaces literal strings anywhere in the record (also inside JSON-encoded strings)."""
    if not mapping:
        return doc
    text = json.dumps(doc, ensure_ascii=False)
    for old, new in mapping.items():
        new = render(new, variables, where)
        text = text.replace(old, json.dumps(new, ensure_ascii=False)[1:-1])
    try:
        return json.loads(text)
    except ValueError as e:
        raise ValueError(f"{where}: the substitutions broke the JSON ({e}): {text[max(0, e.pos - 80):e.pos + 40]}") from e


# ---------------------------------------------------------------------------------------------
# Bases

def read_sample(samples, index, ref):
    """build_fixtures.read_sample, whichever of its two signatures the checkout has."""
    import inspect
    if len(inspect.signature(bf.read_sample).parameters) == 3:
        return bf.read_sample(samples, index, ref)
    return bf.read_sample(samples, ref)


class Sources:
    def __init__(self, samples):
        self.samples = samples
        self._index = None
        with open(os.path.join(FIXTURES, "INDEX.tsv"), newline="", encoding="utf-8") as f:
            self.fixtures = {r["fixture"]: r for r in csv.DictReader(f, delimiter="\t")}

    @property
    def index(self):
        if self._index is None:
            self._index = bf.load_index(self.samples)
        return self._index

    def load(self, spec, where):
        if "fixture" in spec:
            ref = spec["fixture"]
            row = self.fixtures.get(ref)
            if row is None:
                raise ValueError(f"{where}: fixture {ref} is not in Fixtures/INDEX.tsv")
            with open(os.path.join(FIXTURES, ref), encoding="utf-8") as f:
                doc = json.load(f)
            origin = {"real_record": row["base"], "source_repo": row["source_repo"], "source_path": row["source_path"],
                      "commit": row["commit"], "via": f"fixture {ref}"}
            return doc, origin
        if "sample" in spec:
            ref = spec["sample"]
            if ref.split("#")[0] not in self.index:
                raise ValueError(f"{where}: {ref} is not a record of cloud-samples")
            doc = read_sample(self.samples, self.index, ref)
            if "wrap" in spec:
                doc = bf.wrap_cai(doc, spec["wrap"])
            row = self.index[ref.split("#")[0]]
            origin = {"real_record": ref, "source_repo": row["source_repo"], "source_path": row["source_path"],
                      "commit": row["commit"], "via": f"sample {ref}"}
            return doc, origin
        raise ValueError(f"{where}: a base needs `fixture:` or `sample:`")


# ---------------------------------------------------------------------------------------------
# Canonical working forms (what patches address) per cloud

def aws_working(doc):
    """An AWS Config item with configuration decoded to an object (supplementaryConfiguration as given)."""
    doc = copy.deepcopy(doc)
    if isinstance(doc.get("configuration"), str):
        doc["configuration"] = json.loads(doc["configuration"])
    for old, new in (("ARN", "arn"), ("awsAccountId", "accountId"), ("configurationItemVersion", "version"),
                     ("configurationStateID", "configurationStateId"), ("availibilityZone", "availabilityZone")):
        if old in doc and new not in doc:
            doc[new] = doc.pop(old)
    if isinstance(doc.get("tags"), list):
        doc["tags"] = {t.get("key", t.get("Key", t.get("tagName"))): t.get("value", t.get("Value", t.get("tagValue"))) for t in doc["tags"]}
    return doc


CAMEL_TO_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


def snake_keys(value, root=True):
    """The export (snake_case) spelling of a CAI envelope; resource.data is the service's own form and stays."""
    if isinstance(value, list):
        return [snake_keys(v, False) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for k, v in value.items():
        nk = CAMEL_TO_SNAKE.sub("_", k).lower()
        if root and k == "resource" and isinstance(v, dict):
            out[nk] = {CAMEL_TO_SNAKE.sub("_", rk).lower(): (rv if rk == "data" else snake_keys(rv, False)) for rk, rv in v.items()}
        else:
            out[nk] = snake_keys(v, False)
    return out


def camel(key):
    parts = key.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:]) if not key.startswith("_") else key


def camel_keys(value, root=True):
    if isinstance(value, list):
        return [camel_keys(v, False) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for k, v in value.items():
        nk = camel(k)
        if root and nk == "resource" and isinstance(v, dict):
            out[nk] = {camel(rk): (rv if rk == "data" else camel_keys(rv, False)) for rk, rv in v.items()}
        else:
            out[nk] = camel_keys(v, False)
    return out


def working_form(cloud, doc):
    if cloud == "aws":
        return aws_working(doc)
    if cloud == "gcp":
        return camel_keys(doc)
    return copy.deepcopy(doc)


def native_id(cloud, doc):
    if cloud == "aws":
        return doc.get("arn") or doc["resourceId"]
    if cloud == "azure":
        return doc["id"]
    return doc["name"]


# ---------------------------------------------------------------------------------------------
# Writers: one per file form. Each takes the working-form records of one file.

def floats(value):
    """Advanced query returns every number as a float (22.0): the trap the readers must handle."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, list):
        return [floats(v) for v in value]
    if isinstance(value, dict):
        return {k: floats(v) for k, v in value.items()}
    return value


def api_item(doc):
    """API form (get-resource-config-history, batch-get): configuration as a JSON string."""
    item = copy.deepcopy(doc)
    item["configuration"] = json.dumps(item.get("configuration"), separators=(",", ":"))
    return item


def write_aws_snapshot(records, meta):
    items = []
    for doc in records:
        item = copy.deepcopy(doc)
        # The S3-delivered snapshot spells a few keys its own way (docs/canonical-records.md, channel renames).
        renamed = {}
        for k, v in item.items():
            k = {"version": "configurationItemVersion", "configurationStateId": "configurationStateID",
                 "configurationItemMD5Hash": "configurationStateMd5Hash"}.get(k, k)
            renamed[k] = v
        items.append(renamed)
    body = {"fileVersion": "1.0", "configSnapshotId": meta["snapshot_id"], "configurationItems": items}
    data = json.dumps(body, indent=1, ensure_ascii=False).encode()
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as gz:
        gz.write(data)
    return buf.getvalue()


SELECT_FIELDS = ["version", "accountId", "configurationItemCaptureTime", "configurationItemStatus", "configurationStateId",
                 "arn", "resourceType", "resourceId", "resourceName", "awsRegion", "availabilityZone",
                 "resourceCreationTime", "tags", "relationships", "configuration", "supplementaryConfiguration"]


def write_aws_select(records, meta):
    rows = []
    for doc in records:
        row = {k: copy.deepcopy(doc[k]) for k in SELECT_FIELDS if k in doc}
        if isinstance(row.get("tags"), dict):
            row["tags"] = [{"key": k, "value": v} for k, v in row["tags"].items()]
        row["configuration"] = floats(row.get("configuration"))
        rows.append(json.dumps(row, separators=(",", ":"), ensure_ascii=False))
    body = {"QueryInfo": {"SelectFields": [{"Name": f} for f in SELECT_FIELDS]}, "Results": rows}
    return json.dumps(body, indent=2, ensure_ascii=False).encode()


BASE_ITEM_FIELDS = ["version", "accountId", "configurationItemCaptureTime", "configurationItemStatus", "configurationStateId",
                    "arn", "resourceType", "resourceId", "resourceName", "awsRegion", "availabilityZone",
                    "resourceCreationTime", "configuration", "supplementaryConfiguration"]


def write_aws_batch_get(records, meta):
    # BaseConfigurationItem has no tags and no relationships (the API does not return them).
    items = [{k: v for k, v in api_item(doc).items() if k in BASE_ITEM_FIELDS} for doc in records]
    return json.dumps({"baseConfigurationItems": items, "unprocessedResourceKeys": []}, indent=2, ensure_ascii=False).encode()


def write_aws_history(records, meta):
    return json.dumps({"configurationItems": [api_item(doc) for doc in records]}, indent=2, ensure_ascii=False).encode()


def graph_row(doc, meta):
    row = copy.deepcopy(doc)
    parts = row["id"].split("/")
    row["type"] = (row.get("type") or "").lower()
    row["subscriptionId"] = parts[2]
    if len(parts) > 4 and parts[3].lower() == "resourcegroups":
        row["resourceGroup"] = parts[4].lower()
    row["tenantId"] = meta["tenant"]
    return row


def write_azure_graph_objects(records, meta):
    rows = [graph_row(doc, meta) for doc in records]
    body = {"totalRecords": len(rows), "count": len(rows), "data": rows, "facets": [], "resultTruncated": "false"}
    return json.dumps(body, indent=2, ensure_ascii=False).encode()


def column_type(values):
    kinds = {type(v).__name__ for v in values if v is not None}
    if kinds <= {"str"}:
        return "string"
    if kinds <= {"int", "float"}:
        return "integer" if kinds == {"int"} else "number"
    if kinds <= {"bool"}:
        return "boolean"
    return "object"


def write_azure_graph_table(records, meta):
    rows = [graph_row(doc, meta) for doc in records]
    columns = []
    for row in rows:
        for k in row:
            if k not in columns:
                columns.append(k)
    body = {"totalRecords": len(rows), "count": len(rows), "data": {
        "columns": [{"name": c, "type": column_type([r.get(c) for r in rows])} for c in columns],
        "rows": [[r.get(c) for c in columns] for r in rows]}, "facets": [], "resultTruncated": "false"}
    return json.dumps(body, indent=2, ensure_ascii=False).encode()


def write_azure_arm_list(records, meta):
    return json.dumps({"value": records}, indent=2, ensure_ascii=False).encode()


def write_azure_resource_array(records, meta):
    """A JSON array of ARM GET bodies (what a loop of `az rest --method get` or `az resource show` writes)."""
    return json.dumps(records, indent=2, ensure_ascii=False).encode()


def split_gcp(doc):
    """(resource record or None, IAM-policy record or None) of one working-form asset."""
    resource = {k: v for k, v in doc.items() if k != "iamPolicy"} if "resource" in doc else None
    policy = None
    if "iamPolicy" in doc:
        policy = {k: doc[k] for k in ("name", "assetType") if k in doc}
        policy["iamPolicy"] = doc["iamPolicy"]
        for k in ("ancestors", "updateTime"):
            if k in doc:
                policy[k] = doc[k]
    return resource, policy


def jsonl(items):
    return "".join(json.dumps(i, separators=(",", ":"), ensure_ascii=False) + "\n" for i in items).encode()


def write_gcp_export_resources(records, meta):
    return jsonl([snake_keys(r) for r in (split_gcp(d)[0] for d in records) if r])


def write_gcp_export_iam(records, meta):
    return jsonl([snake_keys(p) for p in (split_gcp(d)[1] for d in records) if p])


def write_gcp_list_resources(records, meta):
    assets = [camel_keys(r) for r in (split_gcp(d)[0] for d in records) if r]
    return json.dumps({"readTime": meta["read_time"], "assets": assets}, indent=2, ensure_ascii=False).encode()


def write_gcp_list_iam(records, meta):
    assets = [camel_keys(p) for p in (split_gcp(d)[1] for d in records) if p]
    return json.dumps({"readTime": meta["read_time"], "assets": assets}, indent=2, ensure_ascii=False).encode()


WRITERS = {
    "aws-config-snapshot": ("aws", write_aws_snapshot),
    "aws-config-select": ("aws", write_aws_select),
    "aws-config-batch-get": ("aws", write_aws_batch_get),
    "aws-config-history": ("aws", write_aws_history),
    "azure-resource-graph-objectarray": ("azure", write_azure_graph_objects),
    "azure-resource-graph-table": ("azure", write_azure_graph_table),
    "azure-arm-list": ("azure", write_azure_arm_list),
    "azure-resource-array": ("azure", write_azure_resource_array),
    "gcp-cai-export-resource": ("gcp", write_gcp_export_resources),
    "gcp-cai-export-iam-policy": ("gcp", write_gcp_export_iam),
    "gcp-assets-list-resource": ("gcp", write_gcp_list_resources),
    "gcp-assets-list-iam-policy": ("gcp", write_gcp_list_iam),
}


# ---------------------------------------------------------------------------------------------

def build(design, sources):
    files = design["files"]
    for fid, f in files.items():
        for form in f["forms"]:
            if form not in WRITERS:
                raise ValueError(f"files.{fid}: unknown form {form}")
    placements = design["placements"]
    bases = {}
    for bid, spec in design["bases"].items():
        where = f"bases.{bid}"
        doc, origin = sources.load(spec, where)
        doc = working_form(spec["cloud"], doc)
        doc = apply_patch(doc, spec.get("patch"), {}, where)
        bases[bid] = (spec, doc, origin)

    resources, expected, provenance, seen = [], {}, [], {}
    for i, entry in enumerate(design["resources"]):
        where = f"resources[{i}]"
        spec, base_doc, origin = bases[entry["base"]]
        placement = placements[entry["at"]]
        names = entry["names"] if "names" in entry else [entry["name"]]
        if ("names" in entry) == ("name" in entry):
            raise ValueError(f"{where}: give `names` (copies) or one `name`")
        if "patch" in entry and "expect-fail" not in entry:
            raise ValueError(f"{where}: a resource with its own patch says what must fail (`expect-fail`, [] for none)")
        for name in names:
            variables = dict(placement.get("vars", {}))
            variables.update(entry.get("vars", {}))
            variables["name"] = name
            variables.update({k: v for k, v in derived_vars(f"{entry['at']}|{entry['base']}|{name}").items() if k not in variables})
            variables = {k: render(v, variables, where) for k, v in variables.items()}
            rwhere = f"{where} ({name})"
            doc = substitute_text(copy.deepcopy(base_doc), spec.get("substitute"), variables, rwhere)
            doc = apply_patch(doc, spec.get("identity"), variables, rwhere)
            doc = apply_patch(doc, entry.get("patch"), variables, rwhere)
            if spec["cloud"] == "aws":
                # Every AWS item says where it lives and when Config captured it (the snapshot's date).
                doc["accountId"] = variables["account"]
                doc["awsRegion"] = variables["region"]
                doc["configurationItemCaptureTime"] = design["meta"]["as-of"]
            elif spec["cloud"] == "gcp":
                # Every exported asset names its ancestry (project number, then the organization) and its update time.
                doc["ancestors"] = [f"projects/{variables['project_number']}", f"organizations/{variables['organization']}"]
                doc["updateTime"] = design["meta"]["as-of"]
            leftover = VAR.search(json.dumps(doc))
            if leftover:
                raise ValueError(f"{rwhere}: template {leftover.group(0)} left in the record")
            nid = native_id(spec["cloud"], doc)
            key = nid.lower() if spec["cloud"] == "azure" else nid
            if key in seen:
                raise ValueError(f"{rwhere}: native id {nid} already used by {seen[key]}")
            seen[key] = rwhere
            fails = sorted(set(entry.get("expect-fail", [])))
            if fails:
                expected[nid] = fails
            resources.append((placement["file"], spec["cloud"], doc))
            provenance.append({
                "resource": nid, "cloud": spec["cloud"], "type": " + ".join([spec["type"], *spec.get("also", [])]),
                "file": " + ".join(files[placement["file"]]["paths"]),
                "base": entry["base"], "base_record": origin["via"], "real_record": origin["real_record"], "source_repo": origin["source_repo"],
                "source_path": origin["source_path"], "commit": origin["commit"],
                "base_patch": "; ".join(f"{o['op']} {o['path']}" for o in spec.get("patch") or []) or "(none)",
                "resource_patch": "; ".join(f"{o['op']} {o['path']}" for o in entry.get("patch") or []) or "(none)",
                "expect_fail": ",".join(fails), "story": (entry.get("story") or "").strip().replace("\n", " "),
            })

    outputs = {}
    for fid, f in files.items():
        records = [doc for file_id, _, doc in resources if file_id == fid]
        # `split: resource`: one file per record (get-resource-config-history answers for one resource).
        groups = [(re.sub(r"[^A-Za-z0-9._-]", "_", r["resourceType"].replace("::", "-") + "_" + (r.get("resourceName") or r["resourceId"])), [r])
                  for r in records] if f.get("split") == "resource" else [(None, records)]
        for key, group in groups:
            if not group:
                continue
            for form, path in zip(f["forms"], f["paths"]):
                cloud, writer = WRITERS[form]
                data = writer(group, {**design.get("meta", {}), **f.get("meta", {})})
                if not data.strip():
                    continue
                outputs[path.replace("{id}", key) if key else path] = data
    return outputs, expected, provenance


def expected_yaml(design, expected):
    lines = [
        "# The known answer of the demo inventory (DECISIONS 11): native resource id -> the control ids that",
        "# must fail for it, nothing more and nothing less. Every other demo resource must fail nothing.",
        "#",
        "# GENERATED by scripts/demo/build_demo.py from the hand-written `expect-fail` lists of demo/design.yaml",
        "# (each bad resource's design says which controls its patch breaks); it is never derived from",
        "# running the scanner. Edit demo/design.yaml, then run `python3 scripts/demo/build_demo.py`.",
        f"# Age-based controls are evaluated as of {design['meta']['as-of']} (the demo snapshot's date):",
        "# tests/PostureScanner.Worker.Tests/Cli/DemoCommandTests.cs pins the scan clock there.",
        f"as-of: \"{design['meta']['as-of']}\"",
        f"bad-resources: {len(expected)}",
        f"failures: {sum(len(v) for v in expected.values())}",
        "expected-failures:",
    ]
    for nid in sorted(expected):
        lines.append(f"  {json.dumps(nid)}:")
        for c in expected[nid]:
            lines.append(f"    - {c}")
    return ("\n".join(lines) + "\n").encode()


def provenance_tsv(rows):
    buf = io.StringIO()
    fields = ["resource", "cloud", "type", "file", "base", "base_record", "real_record", "source_repo", "source_path", "commit",
              "base_patch", "resource_patch", "expect_fail", "story"]
    w = csv.DictWriter(buf, fieldnames=fields, delimiter="\t", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", default=os.path.join(REPO, "..", "shared", "reference", "cloud-samples"))
    ap.add_argument("--design", default=os.path.join(DEMO, "design.yaml"))
    ap.add_argument("--out", default=DEMO)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    with open(args.design, encoding="utf-8") as f:
        design = yaml.safe_load(f)
    outputs, expected, provenance = build(design, Sources(args.samples))
    outputs = {os.path.join("inventory", p): d for p, d in outputs.items()}
    outputs["expected-findings.yaml"] = expected_yaml(design, expected)
    outputs["PROVENANCE.tsv"] = provenance_tsv(provenance)

    inventory = os.path.join(args.out, "inventory")
    existing = set()
    if os.path.isdir(inventory):
        for root, _, names in os.walk(inventory):
            existing |= {os.path.relpath(os.path.join(root, n), args.out) for n in names}
    if args.check:
        stale = [p for p, d in outputs.items() if not os.path.exists(os.path.join(args.out, p)) or open(os.path.join(args.out, p), "rb").read() != d]
        stale += sorted(existing - set(outputs))
        for p in stale:
            print(f"out of date: demo/{p}", file=sys.stderr)
        sys.exit(1 if stale else 0)
    for p in existing - set(outputs):
        os.remove(os.path.join(args.out, p))
    for p, d in outputs.items():
        full = os.path.join(args.out, p)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(d)
    by_cloud = {}
    for row in provenance:
        by_cloud[row["cloud"]] = by_cloud.get(row["cloud"], 0) + 1
    print(f"{len(provenance)} records ({', '.join(f'{k} {v}' for k, v in sorted(by_cloud.items()))}) in "
          f"{len([p for p in outputs if p.startswith('inventory')])} files; {len(expected)} bad resources, "
          f"{sum(len(v) for v in expected.values())} expected failures of {len({c for v in expected.values() for c in v})} controls")


if __name__ == "__main__":
    main()
