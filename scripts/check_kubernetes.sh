#!/usr/bin/env bash
# Offline checks of deploy/kubernetes/generate-job.yaml (no cluster needed):
#  1. `kubectl kustomize` parses every document (apiVersion, kind, metadata.name present), when
#     kubectl is installed;
#  2. `kubectl apply --dry-run=client --validate=false` as well, when a cluster answers (kubectl
#     needs the server's API list to map kinds, so offline this step is skipped and says so);
#  3. a shape check (Python + PyYAML, Debian's python3-yaml): a ReadWriteMany claim; an Indexed
#     Job whose completions equal --num-shards in its command and the merge job's shard count,
#     restartPolicy Never, the shard index from JOB_COMPLETION_INDEX; both jobs mount the claim.
# Exits 0 only if every check that ran passed.
set -euo pipefail
cd "$(dirname "$0")/.."
manifest=deploy/kubernetes/generate-job.yaml

if command -v kubectl >/dev/null 2>&1; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    cp "$manifest" "$work/"
    printf 'resources:\n- %s\n' "$(basename "$manifest")" > "$work/kustomization.yaml"
    kubectl kustomize "$work" > /dev/null
    echo "ok: kubectl kustomize parses $manifest"
    if kubectl version --request-timeout=3s >/dev/null 2>&1; then
        kubectl apply --dry-run=client --validate=false -f "$manifest"
        echo "ok: kubectl apply --dry-run=client"
    else
        echo "skipped: kubectl apply --dry-run=client (no cluster reachable; kubectl needs one to map kinds)"
    fi
else
    echo "skipped: kubectl not installed"
fi

python3 - "$manifest" <<'PY'
import re, sys
import yaml

path = sys.argv[1]
docs = [d for d in yaml.safe_load_all(open(path)) if d]
problems = []
def need(ok, what):
    if not ok:
        problems.append(what)

by_kind = {}
for d in docs:
    need(isinstance(d.get("apiVersion"), str) and isinstance(d.get("kind"), str), "every document has apiVersion and kind")
    need(bool(d.get("metadata", {}).get("name")), f"{d.get('kind')}: metadata.name")
    by_kind.setdefault(d["kind"], []).append(d)

claims = by_kind.get("PersistentVolumeClaim", [])
need(len(claims) == 1, "one PersistentVolumeClaim")
claim = claims[0]["metadata"]["name"] if claims else None
if claims:
    need("ReadWriteMany" in claims[0]["spec"].get("accessModes", []), "the claim is ReadWriteMany (pods on several nodes)")
    need("storage" in claims[0]["spec"].get("resources", {}).get("requests", {}), "the claim requests storage")

jobs = {j["metadata"]["name"]: j for j in by_kind.get("Job", [])}
need(all(j["apiVersion"] == "batch/v1" for j in jobs.values()), "Jobs are batch/v1")
indexed = [j for j in jobs.values() if j["spec"].get("completionMode") == "Indexed"]
merges = [j for j in jobs.values() if j["spec"].get("completionMode") != "Indexed"]
need(len(indexed) == 1 and len(merges) == 1, "one Indexed Job (shards) and one merge Job")

def command(job):
    c = job["spec"]["template"]["spec"]["containers"]
    need(len(c) == 1, f"{job['metadata']['name']}: one container")
    return " ".join(c[0].get("command", []) + c[0].get("args", []))

for job in jobs.values():
    name, pod = job["metadata"]["name"], job["spec"]["template"]["spec"]
    need(pod.get("restartPolicy") == "Never", f"{name}: restartPolicy Never (Job retries make new pods)")
    mounts = [m["name"] for c in pod["containers"] for m in c.get("volumeMounts", [])]
    vols = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in pod.get("volumes", [])}
    need(any(vols.get(m) == claim for m in mounts), f"{name}: mounts the shared claim {claim}")
    need(all(c.get("image") for c in pod["containers"]), f"{name}: an image")

if indexed and merges:
    shards, merge = indexed[0], merges[0]
    completions = shards["spec"].get("completions")
    need(isinstance(completions, int) and completions >= 1, "the Indexed Job has completions >= 1")
    text = command(shards)
    m = re.search(r"--num-shards\s+(\d+)", text)
    need(m is not None and int(m.group(1)) == completions, f"--num-shards equals completions ({completions})")
    need("JOB_COMPLETION_INDEX" in text and "--shard " not in text, "the shard index comes from JOB_COMPLETION_INDEX")
    need(re.search(r"metasim (render|generate) ", text) is not None, "the shard job runs metasim render or generate")
    mtext = command(merge)
    m = re.search(r"-ge\s+(\d+)", mtext)
    need(m is not None and int(m.group(1)) == completions, f"the merge job waits for {completions} shard manifests")
    need("metasim merge" in mtext and "metasim verify" in mtext, "the merge job merges and verifies")
    out = re.search(r"--out\s+(\S+)/shard-", text)
    need(out is not None and out.group(1) + "/shard-*" in mtext, "the merge reads the folder the shards write")

if problems:
    for p in problems:
        print(f"error: {path}: {p}", file=sys.stderr)
    sys.exit(1)
print(f"ok: {path}: shape check ({len(docs)} documents: claim, Indexed Job of {completions} shards, merge Job)")
PY
