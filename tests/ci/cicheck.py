#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""cicheck.py - what can be checked of the CI templates in ci/ on this
machine, short of LAVA and GitHub themselves.

  cicheck.py lava FILE                 the LAVA test definition's keys
  cicheck.py gha FILE                  the GitHub Actions workflow's keys
  cicheck.py lava-script FILE [K=V..]  the shell script LAVA would run:
                                       params (overridden by K=V), then steps
  cicheck.py gha-scripts FILE DIR      each run: block into DIR/JOB-N.sh

Exit 0, or 1 with one line per problem on stderr.  gha_run.py runs a
workflow's jobs.
"""
import os
import re
import sys

import yaml

LAVA_FORMATS = ("Lava-Test Test Definition 1.0", "Lava-Test-Shell Test Definition 1.0")
# LAVA refuses these in a definition's name (and white space).
LAVA_NAME_BAD = re.compile(r"[$& \"'`()<>/\\|;\s]")
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Problems(list):
    def need(self, cond, what):
        if not cond:
            self.append(what)
        return cond


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict):
        sys.exit(f"{path}: not a YAML mapping")
    return doc


def check_lava(doc):
    p = Problems()
    meta, run = doc.get("metadata") or {}, doc.get("run") or {}
    params = doc.get("params") or {}
    p.need(meta.get("format") in LAVA_FORMATS, f"metadata.format: want one of {LAVA_FORMATS}")
    name = meta.get("name")
    if p.need(isinstance(name, str) and name, "metadata.name: missing"):
        p.need(not LAVA_NAME_BAD.search(name), f"metadata.name '{name}': a character LAVA refuses")
    p.need(isinstance(meta.get("description"), str), "metadata.description: missing")
    for key in ("os", "scope", "devices"):
        p.need(isinstance(meta.get(key, []), list), f"metadata.{key}: want a list")
    p.need(isinstance(params, dict) and all(isinstance(v, str) for v in params.values()),
           "params: want NAME: \"string\" pairs")
    steps = run.get("steps")
    if p.need(isinstance(steps, list) and steps and all(isinstance(s, str) for s in steps),
              "run.steps: want a list of shell lines"):
        for var in sorted(set(re.findall(r"\$\{?([A-Z_][A-Z0-9_]*)", "\n".join(steps)))):
            p.need(var in params, f"run.steps use ${var}, which params does not give")
    return p


def lava_script(doc, overrides):
    """As LAVA's test shell does: the params as shell variables, then the steps."""
    params = dict(doc.get("params") or {})
    params.update(overrides)
    lines = ["###default parameters from test definition###"]
    lines += [f"{k}='{v}'" for k, v in params.items()]
    lines.append("######")
    return "\n".join(lines + doc["run"]["steps"]) + "\n"


def steps_of(job):
    return job.get("steps") or []


def check_steps(p, jname, job):
    ids = set()
    for i, s in enumerate(steps_of(job)):
        where = f"jobs.{jname}.steps[{i}]"
        p.need(("run" in s) != ("uses" in s), f"{where}: want one of run, uses")
        # Expressions belong in env:, never pasted into the script (injection).
        p.need("${{" not in s.get("run", ""), f"{where}: an expression inside run:")
        for expr in EXPR.findall(yaml.safe_dump(s)):
            m = re.match(r"steps\.([\w-]+)\.outputs\.", expr)
            p.need(not m or m.group(1) in ids, f"{where}: '{expr}' names no earlier step")
        if "id" in s:
            ids.add(s["id"])


def runs(job):
    return "\n".join(s.get("run", "") for s in steps_of(job))


def uses(job, action):
    return [s for s in steps_of(job) if s.get("uses", "").startswith(action + "@")]


def check_shard_job(p, job, env):
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    shards = str(env.get("SHARDS", ""))
    p.need(matrix.get("kernel"), "jobs.shard: no matrix of kernels")
    p.need(shards.isdigit() and matrix.get("shard") == list(range(1, int(shards) + 1)),
           f"jobs.shard: matrix.shard must be 1..SHARDS ({shards})")
    p.need(re.search(r"\./run\.sh --vm --kernel-version \"\$KERNEL\" --shard \"\$SHARD/\$SHARDS\"",
                     runs(job)), "jobs.shard: no ./run.sh --vm --kernel-version ... --shard K/N")
    up = uses(job, "actions/upload-artifact")
    p.need(up and all(s.get("if") == "always()" for s in up),
           "jobs.shard: the results must be uploaded, always()")
    return matrix.get("kernel")


def check_merge_job(p, job, kernels):
    p.need("shard" in (job.get("needs") or []), "jobs.merge: needs shard")
    p.need(job.get("if") == "always()", "jobs.merge: must run when a shard failed too")
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    p.need(matrix.get("kernel") == kernels, "jobs.merge: not the kernels of jobs.shard")
    down = uses(job, "actions/download-artifact")
    p.need(down and "${{ matrix.kernel }}" in (down[0].get("with") or {}).get("pattern", ""),
           "jobs.merge: must download this kernel's shards")
    p.need("./undertow merge" in runs(job), "jobs.merge: no undertow merge")
    p.need("./undertow report" in runs(job), "jobs.merge: no undertow report")
    p.need(uses(job, "actions/upload-artifact"), "jobs.merge: the merged run is not uploaded")


def check_gha(doc):
    p = Problems()
    # YAML 1.1 reads a bare "on" key as true.
    p.need(doc.get("on", doc.get(True)) is not None, "on: missing")
    jobs = doc.get("jobs") or {}
    for jname, job in jobs.items():
        p.need("runs-on" in job, f"jobs.{jname}: no runs-on")
        check_steps(p, jname, job)
    if p.need("shard" in jobs and "merge" in jobs, "jobs: want shard and merge"):
        kernels = check_shard_job(p, jobs["shard"], doc.get("env") or {})
        check_merge_job(p, jobs["merge"], kernels)
    return p


def gha_scripts(doc, outdir):
    for jname, job in (doc.get("jobs") or {}).items():
        for i, s in enumerate(steps_of(job)):
            if "run" in s:
                path = os.path.join(outdir, f"{jname}-{i}.sh")
                with open(path, "w", encoding="utf-8") as f:
                    # GitHub runs a run: block with bash -e -o pipefail.
                    f.write("#!/bin/bash\nset -eo pipefail\n" + s["run"])
                print(path)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    cmd, path = argv[1], argv[2]
    doc = load(path)
    if cmd in ("lava", "gha"):
        problems = check_lava(doc) if cmd == "lava" else check_gha(doc)
        for what in problems:
            print(f"{path}: {what}", file=sys.stderr)
        return 1 if problems else 0
    if cmd == "lava-script":
        sys.stdout.write(lava_script(doc, dict(a.split("=", 1) for a in argv[3:])))
        return 0
    if cmd == "gha-scripts" and len(argv) == 4:
        gha_scripts(doc, argv[3])
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
