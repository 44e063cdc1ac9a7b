#!/usr/bin/env python3
"""Copy the real records and envelopes the snapshot-reader tests use into the repository.

The reader tests (tests/PostureScanner.{Aws,Azure,Gcp}.Tests) must never read ../shared: this script
copies what they need from ../shared/reference/cloud-samples into each test project's
Fixtures/Samples folder and writes PROVENANCE.tsv next to the files.

* Copies are byte-exact and keep the cloud-samples layout (`_envelopes/...`, `<NativeType>/...`).
* `_derived/` files are built from those records by a named, mechanical derivation (unwrapping a
  recording tool's wrapper, putting real records into the envelope the API reference documents,
  gzip, or a small named patch). The derivation column says exactly what was done; inner record
  bytes are kept verbatim wherever the derivation allows (text concatenation, not re-serialisation).

Usage: python3 scripts/copy-reader-samples.py [CLOUD_SAMPLES_DIR]
"""
import csv
import gzip
import hashlib
import json
import os
import shutil
import sys

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)
samples = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "..", "shared", "reference", "cloud-samples")

PROJECTS = {
    "aws": os.path.join(repo, "tests", "PostureScanner.Aws.Tests", "Fixtures", "Samples"),
    "azure": os.path.join(repo, "tests", "PostureScanner.Azure.Tests", "Fixtures", "Samples"),
    "gcp": os.path.join(repo, "tests", "PostureScanner.Gcp.Tests", "Fixtures", "Samples"),
}

COLUMNS = ["file", "kind", "source", "source_repo", "source_path", "commit", "locator", "source_sha256", "sha256", "derivation"]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def load_index(cloud):
    with open(os.path.join(samples, cloud, "_samples_index.tsv"), newline="", encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f, delimiter="\t")}


class Cloud:
    def __init__(self, cloud):
        self.cloud = cloud
        self.index = load_index(cloud)
        self.dest = PROJECTS[cloud]
        self.rows = []

    def source(self, rel):
        """The bytes of a cloud-samples file, checked against the sha256 its index records."""
        with open(os.path.join(samples, self.cloud, rel), "rb") as f:
            data = f.read()
        expected = self.index[rel]["sha256"]
        if sha256(data) != expected:
            sys.exit(f"{self.cloud}/{rel}: sha256 {sha256(data)} differs from the index ({expected})")
        return data

    def text(self, rel):
        return self.source(rel).decode("utf-8").strip()

    def _write(self, rel, data):
        path = os.path.join(self.dest, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return sha256(data)

    def copy(self, rel):
        data = self.source(rel)
        digest = self._write(rel, data)
        row = self.index[rel]
        self.rows.append({
            "file": rel, "kind": "copy", "source": f"{self.cloud}/{rel}",
            "source_repo": row["source_repo"], "source_path": row["source_path"], "commit": row["commit"],
            "locator": row["locator"], "source_sha256": row["sha256"], "sha256": digest, "derivation": "byte-exact copy",
        })

    def derive(self, name, data, sources, derivation):
        if isinstance(data, str):
            data = data.encode("utf-8")
        digest = self._write(os.path.join("_derived", name), data)
        rows = [self.index[s] for s in sources]
        self.rows.append({
            "file": f"_derived/{name}", "kind": "derived",
            "source": " + ".join(f"{self.cloud}/{s}" for s in sources),
            "source_repo": " + ".join(r["source_repo"] for r in rows),
            "source_path": " + ".join(r["source_path"] for r in rows),
            "commit": " + ".join(r["commit"] for r in rows),
            "locator": " + ".join(r["locator"] for r in rows),
            "source_sha256": " + ".join(r["sha256"] for r in rows),
            "sha256": digest, "derivation": derivation,
        })

    def finish(self):
        with open(os.path.join(self.dest, "PROVENANCE.tsv"), "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
            writer.writeheader()
            for row in sorted(self.rows, key=lambda r: r["file"]):
                writer.writerow(row)
        print(f"{self.cloud}: {len(self.rows)} files in {os.path.relpath(self.dest, repo)}")


def pointer(doc, locator):
    """The value at a JSON-pointer-like locator (/a/0/b)."""
    for part in [p for p in locator.split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def body(cloud, rel, locator):
    """A wrapper's response body, re-serialised (json keeps 22.0 as 22.0 and big integers exact)."""
    value = pointer(json.loads(cloud.source(rel)), locator)
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def one_line(cloud, rel):
    return json.dumps(json.loads(cloud.source(rel)), separators=(",", ":"), ensure_ascii=False)


def prepend(record_text, members):
    """Adds members at the front of a JSON object given as text, keeping the rest byte for byte."""
    assert record_text.startswith("{"), record_text[:20]
    return "{" + "".join(f"{json.dumps(k)}:{json.dumps(v)}," for k, v in members) + record_text[1:]


def aws():
    c = Cloud("aws")
    for name in sorted(os.listdir(os.path.join(samples, "aws", "_envelopes"))):
        c.copy(f"_envelopes/{name}")
    for rel in [
        "AWS__S3__Bucket/c7n-testdata-1.json",  # AccessControlList is a JSON string holding a JSON string
        "AWS__S3__Bucket/c7n-testdata-3.json",  # BucketPolicy.policyText: JSON inside JSON
        "AWS__IAM__Role/c7n-select-1.json",  # URL-encoded assumeRolePolicyDocument
        "AWS__EC2__SecurityGroup/c7n-select-3.json",  # fromPort 22.0
        "AWS__SQS__Queue/c7n-event-1.json",  # ARN, awsAccountId, configurationItemVersion, configurationStateMd5Hash
        "AWS__DynamoDB__Table/c7n-history-1.json",
        "AWS__ECR__Repository/c7n-select-1.json",  # a select row without resourceType
    ]:
        c.copy(rel)

    sg = c.text("AWS__EC2__SecurityGroup/c7n-select-3.json")
    role = c.text("AWS__IAM__Role/c7n-select-1.json")
    rows = [
        prepend(sg, [("resourceId", "sg-04ececeaf1ed666cb"), ("resourceType", "AWS::EC2::SecurityGroup")]),
        prepend(role, [("resourceType", "AWS::IAM::Role")]),
    ]
    c.derive(
        "select-typed-rows.json",
        '{\n  "QueryInfo": {\n    "SelectFields": [\n      {"Name": "resourceId"},\n      {"Name": "resourceType"},\n'
        '      {"Name": "configuration"},\n      {"Name": "supplementaryConfiguration"}\n    ]\n  },\n  "Results": [\n    '
        + ",\n    ".join(json.dumps(r) for r in rows) + "\n  ]\n}\n",
        ["AWS__EC2__SecurityGroup/c7n-select-3.json", "AWS__IAM__Role/c7n-select-1.json"],
        "SelectResourceConfig response (QueryInfo, Results of JSON strings, as in _envelopes/awsdocs-select-1.json) holding the two rows; "
        "patch: resourceType (and resourceId for the security group, = configuration.groupId) prepended to each row text, "
        "because custodian's queries selected neither (types from the custodian test names in the index); row bytes otherwise verbatim",
    )

    history = ["AWS__S3__Bucket/c7n-testdata-1.json", "AWS__DynamoDB__Table/c7n-history-1.json",
               "AWS__Lambda__Function/c7n-history-1.json", "AWS__EC2__SecurityGroup/c7n-history-1.json"]
    c.derive(
        "history-items.json",
        '{\n"configurationItems": [\n' + ",\n".join(c.text(r) for r in history) + "\n]\n}\n",
        history,
        "GetResourceConfigHistory response envelope {configurationItems: [...]} around the four API-form items, items verbatim",
    )

    array = ["AWS__S3__Bucket/c7n-testdata-3.json", "AWS__CodePipeline__Pipeline/c7n-testdata-1.json",
             "AWS__RDS__DBCluster/c7n-testdata-1.json", "AWS__ElasticLoadBalancingV2__LoadBalancer/c7n-testdata-1.json"]
    c.derive("items-array.json", "[\n" + ",\n".join(c.text(r) for r in array) + "\n]\n", array,
             "plain JSON array of the four configuration items, items verbatim")

    lines = ["AWS__S3__Bucket/c7n-testdata-2.json", "AWS__SQS__Queue/c7n-event-1.json", "AWS__Kinesis__Stream/c7n-testdata-1.json"]
    c.derive("items.jsonl", "\n".join(one_line(c, r) for r in lines) + "\n", lines,
             "JSON lines: each item re-serialised on one line by json.dumps (values unchanged)")

    c.derive("awsdocs-snapshot-1.json.gz", gzip.compress(c.source("_envelopes/awsdocs-snapshot-1.json"), mtime=0),
             ["_envelopes/awsdocs-snapshot-1.json"], "gzip (mtime 0) of the byte-exact file")
    c.derive("c7n-select-1.data.json", body(c, "_envelopes/c7n-select-1.json", "/data"), ["_envelopes/c7n-select-1.json"],
             "the SelectResourceConfig response at /data of the placebo recording ({status_code, data}), re-serialised")
    c.derive("c7n-history-1.data.json", body(c, "_envelopes/c7n-history-1.json", "/data"), ["_envelopes/c7n-history-1.json"],
             "the GetResourceConfigHistory response at /data of the placebo recording ({status_code, data}), re-serialised")
    c.finish()


def azure():
    c = Cloud("azure")
    for name in sorted(os.listdir(os.path.join(samples, "azure", "_envelopes"))):
        c.copy(f"_envelopes/{name}")
    storage = "Microsoft.Storage__storageAccounts/azjava-1.json"
    vault = "Microsoft.KeyVault__vaults/azjava-1.json"
    nsg = "Microsoft.Network__networkSecurityGroups/azjava-1.json"
    diagnostics = sorted(r for r in c.index if r.startswith("Microsoft.Insights__diagnosticSettings/"))
    for rel in [storage, vault, nsg, *diagnostics]:
        c.copy(rel)

    for name in sorted(os.listdir(os.path.join(samples, "azure", "_envelopes"))):
        if name.startswith("specs-"):
            c.derive(name.replace(".json", ".body.json"), body(c, f"_envelopes/{name}", "/responses/200/body"), [f"_envelopes/{name}"],
                     "the 200 response body at /responses/200/body of the REST API spec example, re-serialised")

    records = [storage, vault, nsg]
    c.derive(
        "az-graph-query.json",
        '{\n"count": 3,\n"data": [\n' + ",\n".join(c.text(r) for r in records) + '\n],\n"skip_token": null,\n"total_records": 3\n}\n',
        records,
        "az graph query output as the resource-graph CLI extension builds it (result_dict with data, count, total_records, "
        "skip_token: Azure/azure-cli-extensions src/resource-graph/azext_resourcegraph/custom.py) around three recorded ARM resources, verbatim",
    )
    array = [*diagnostics, storage]
    c.derive("resource-array.json", "[\n" + ",\n".join(c.text(r) for r in array) + "\n]\n", array,
             "plain JSON array (az resource list, older az graph query) of recorded ARM resources, verbatim")
    c.derive("resources.jsonl", "\n".join(one_line(c, r) for r in [vault, nsg]) + "\n", [vault, nsg],
             "JSON lines: each resource re-serialised on one line by json.dumps (values unchanged)")
    c.finish()


def gcp():
    c = Cloud("gcp")
    for name in sorted(os.listdir(os.path.join(samples, "gcp", "_envelopes"))):
        c.copy(f"_envelopes/{name}")
    bucket = "storage.googleapis.com__Bucket/policylib-4.json"
    project = "cloudresourcemanager.googleapis.com__Project/policylib-1.json"
    sql = "sqladmin.googleapis.com__Instance/policylib-1.json"
    firewall = "compute.googleapis.com__Firewall/policylib-1.json"
    bucket_policy = "storage.googleapis.com__Bucket.IAM_POLICY/policylib-3.json"
    orphan_policy = "storage.googleapis.com__Bucket.IAM_POLICY/policylib-4.json"
    project_policy = "cloudresourcemanager.googleapis.com__Project.IAM_POLICY/policylib-7.json"
    instance = "compute.googleapis.com__Instance/c7n-cai-1.json"
    for rel in [bucket, project, sql, firewall, bucket_policy, orphan_policy, project_policy, instance]:
        c.copy(rel)

    c.derive("c7n-cai-1.body.json", body(c, "_envelopes/c7n-cai-1.json", "/body"), ["_envelopes/c7n-cai-1.json"],
             "the batchGetAssetsHistory response at /body of the c7n flight recording ({headers, body}), re-serialised")

    resources = [bucket, project, sql, firewall]
    c.derive("export-resources.jsonl", "\n".join(one_line(c, r) for r in resources) + "\n", resources,
             "gcloud asset export --content-type=resource layout: JSON lines, one snake_case asset a line, re-serialised by json.dumps")

    def renamed(rel, target_rel):
        record = json.loads(c.source(rel))
        record["name"] = json.loads(c.source(target_rel))["name"]
        return json.dumps(record, separators=(",", ":"), ensure_ascii=False)

    c.derive(
        "export-iam-policies.jsonl",
        "\n".join([renamed(bucket_policy, bucket), renamed(project_policy, project), one_line(c, orphan_policy)]) + "\n",
        [bucket_policy, project_policy, orphan_policy, bucket, project],
        "gcloud asset export --content-type=iam-policy layout (JSON lines); patch: the first two policies' name set to the name of "
        f"{bucket} and {project} so that they join those resources (the samples hold no policy and resource of one asset); "
        "the third keeps its name and has no resource (an orphan)",
    )

    asset = json.dumps(json.loads(c.source(instance)), indent=2, ensure_ascii=False)
    c.derive(
        "assets-list-page.json",
        '{\n"readTime": "2020-05-29T16:39:31.000000Z",\n"assets": [\n' + asset + "\n]\n}\n",
        [instance],
        "assets.list REST response (ListAssetsResponse: readTime, assets[], nextPageToken omitted when empty) around the camelCase "
        "asset; readTime set to the recording's date header",
    )
    c.derive("asset-list.json", "[\n" + asset + "\n]\n", [instance],
             "gcloud asset list --format=json layout: a JSON array of camelCase assets")
    c.finish()


if __name__ == "__main__":
    for dest in PROJECTS.values():
        if os.path.isdir(dest):
            shutil.rmtree(dest)
    aws()
    azure()
    gcp()
