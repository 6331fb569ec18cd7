// Validates every object of the given YAML files against the Kubernetes API
// schema that kubernetes-models carries (generated from a current release's
// OpenAPI: it knows podFailurePolicy, backoffLimitPerIndex, managedBy, …),
// then checks what a schema cannot: that the manifests keep mailhoard's
// contract (docs/tenant.md). Prints one line per object; exits 1 on any error.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const models = {
  "v1/ConfigMap": ["kubernetes-models/v1", "ConfigMap"],
  "v1/Secret": ["kubernetes-models/v1", "Secret"],
  "v1/PersistentVolumeClaim": ["kubernetes-models/v1", "PersistentVolumeClaim"],
  "batch/v1/Job": ["kubernetes-models/batch/v1", "Job"],
  "batch/v1/CronJob": ["kubernetes-models/batch/v1", "CronJob"],
};

const errors = [];
function fail(where, message) {
  errors.push(`${where}: ${message}`);
}

// mailhoard's contract for a Job spec (also the CronJob's jobTemplate).
function checkJobSpec(where, spec) {
  const pod = spec.template.spec;
  const c = pod.containers.find((x) => x.name === "mailhoard");
  if (!c) return fail(where, "no container named mailhoard (podFailurePolicy names it)");
  const args = c.args.join(" ");
  const shard = /--shard (\d*)\/(\d+)/.exec(args);
  if (!shard) return fail(where, "mailhoard sync without --shard I/N");
  if (spec.completionMode === "Indexed") {
    if (shard[1] !== "") fail(where, "an Indexed Job must take I from JOB_COMPLETION_INDEX (--shard /N)");
    if (Number(shard[2]) !== spec.completions) {
      fail(where, `--shard /${shard[2]} but completions = ${spec.completions}`);
    }
    if (spec.backoffLimitPerIndex === undefined) fail(where, "no backoffLimitPerIndex");
  }
  if (pod.restartPolicy !== "Never") fail(where, "podFailurePolicy needs restartPolicy: Never");
  const rules = spec.podFailurePolicy?.rules ?? [];
  const codes = (action) =>
    rules
      .filter((r) => r.action === action && r.onExitCodes?.operator === "In")
      .flatMap((r) => r.onExitCodes.values);
  const fatal = codes(spec.completionMode === "Indexed" ? "FailIndex" : "FailJob");
  for (const code of [2, 77, 78]) {
    if (!fatal.includes(code)) fail(where, `exit ${code} (retrying cannot help) does not fail at once`);
  }
  if (!codes("Count").includes(75)) fail(where, "exit 75 (temporary) is not retried");
  if (fatal.includes(75)) fail(where, "exit 75 (temporary) must be retried");
  for (const e of c.env ?? []) {
    if (e.value !== undefined && /SECRET|PASSWORD|TOKEN/i.test(e.name)) {
      fail(where, `${e.name} is written in the manifest; take it from a Secret`);
    }
  }
}

let objects = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) {
      fail(file, doc.errors.map(String).join("; "));
      continue;
    }
    const obj = doc.toJS();
    if (!obj) continue;
    const where = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    const model = models[`${obj.apiVersion}/${obj.kind}`];
    if (!model) {
      fail(where, `no schema known for ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    const mod = await import(model[0]);
    try {
      new mod[model[1]](obj).validate();
    } catch (e) {
      fail(where, `not a valid ${obj.kind}: ${e.message}`);
      continue;
    }
    const before = errors.length;
    if (obj.kind === "Job") checkJobSpec(where, obj.spec);
    if (obj.kind === "CronJob") checkJobSpec(where, obj.spec.jobTemplate.spec);
    objects += 1;
    if (errors.length === before) console.log(`ok ${where}`);
  }
}
for (const e of errors) console.error(`error: ${e}`);
if (errors.length || objects === 0) process.exit(1);
