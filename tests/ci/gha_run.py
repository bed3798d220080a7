#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""gha_run.py - run one job of a GitHub Actions workflow here, as the runner
would, for a dry run of a workflow template:

  gha_run.py WORKFLOW JOB --workspace DIR --artifacts DIR --checkout DIR
             [--matrix K=V]... [--env K=V]...

run: steps go to bash -eo pipefail in the workspace, with the workflow's,
the job's and the step's env (--env overrides the workflow's), and
GITHUB_OUTPUT, GITHUB_ENV and GITHUB_WORKSPACE.  The actions the templates
use are stood in for: checkout copies --checkout DIR into the workspace,
upload-artifact copies a path into --artifacts DIR/NAME, download-artifact
copies the artifacts matching its pattern to PATH/NAME (or its one named
artifact to PATH).  ${{ }} understands matrix.*, env.* and
steps.ID.outputs.*; if: success(), failure() and always().  Each step's
outcome is printed; exit 0 when the job succeeded, 1 when it failed, 2 on
what this stand-in does not know.
"""
import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Unknown(Exception):
    pass


class Job:
    def __init__(self, args, workflow, job):
        self.args, self.job = args, job
        self.matrix = dict(kv.split("=", 1) for kv in args.matrix)
        self.env = {k: str(v) for k, v in (workflow.get("env") or {}).items()}
        self.env.update(dict(kv.split("=", 1) for kv in args.env))
        self.env.update({k: self.expand(str(v)) for k, v in (job.get("env") or {}).items()})
        self.outputs, self.failed = {}, False

    def value(self, expr):
        head, _, rest = expr.partition(".")
        if head == "matrix" and rest in self.matrix:
            return self.matrix[rest]
        if head == "env":
            return self.env.get(rest, "")
        m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if m:
            return self.outputs.get(m.group(1), {}).get(m.group(2), "")
        raise Unknown(f"expression '{expr}'")

    def expand(self, text):
        return EXPR.sub(lambda m: self.value(m.group(1)), text)

    def wanted(self, step):
        cond = EXPR.sub(r"\1", str(step.get("if", "success()"))).strip()
        if cond == "always()":
            return True
        if cond in ("success()", "failure()"):
            return self.failed == (cond == "failure()")
        raise Unknown(f"if: {cond}")

    def run_step(self, step, ws):
        env = dict(os.environ, **self.env, GITHUB_WORKSPACE=ws, CI="true")
        env.update({k: self.expand(str(v)) for k, v in (step.get("env") or {}).items()})
        with tempfile.TemporaryDirectory() as tmp:
            out, script = os.path.join(tmp, "output"), os.path.join(tmp, "step.sh")
            env["GITHUB_OUTPUT"] = out
            env["GITHUB_ENV"] = os.path.join(tmp, "env")
            open(out, "w").close()
            with open(script, "w", encoding="utf-8") as f:
                f.write(step["run"])
            cwd = os.path.join(ws, step.get("working-directory", "."))
            rc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                                cwd=cwd, env=env, check=False).returncode
            with open(out, encoding="utf-8") as f:
                pairs = [line.rstrip("\n").split("=", 1) for line in f if "=" in line]
        if "id" in step:
            self.outputs[step["id"]] = dict(pairs)
        return rc == 0

    def uses_step(self, step, ws):
        action = step["uses"].split("@")[0]
        w = {k: self.expand(str(v)) for k, v in (step.get("with") or {}).items()}
        arts = self.args.artifacts
        if action == "actions/checkout":
            shutil.copytree(self.args.checkout, ws, symlinks=True, dirs_exist_ok=True)
        elif action == "actions/upload-artifact":
            src = os.path.join(ws, w["path"])
            if not os.path.isdir(src) or not os.listdir(src):
                print(f"warning: upload-artifact {w['name']}: no files in {w['path']}")
                return w.get("if-no-files-found", "warn") != "error"
            shutil.copytree(src, os.path.join(arts, w["name"]), dirs_exist_ok=True)
        elif action == "actions/download-artifact":
            names = sorted(os.listdir(arts)) if os.path.isdir(arts) else []
            if "name" in w:
                shutil.copytree(os.path.join(arts, w["name"]), os.path.join(ws, w["path"]))
            for name in fnmatch.filter(names, w.get("pattern", "\0")):
                shutil.copytree(os.path.join(arts, name), os.path.join(ws, w["path"], name))
        else:
            raise Unknown(f"uses: {step['uses']}")
        return True

    def run(self):
        ws = self.args.workspace
        os.makedirs(ws, exist_ok=True)
        for step in self.job.get("steps") or []:
            name = self.expand(str(step.get("name") or step.get("uses") or "run"))
            if not self.wanted(step):
                print(f"step '{name}': skipped")
                continue
            ok = self.run_step(step, ws) if "run" in step else self.uses_step(step, ws)
            if not ok and not step.get("continue-on-error"):
                self.failed = True
            print(f"step '{name}': {'success' if ok else 'failure'}", flush=True)
        return 1 if self.failed else 0


def main():
    ap = argparse.ArgumentParser(description="run one GitHub Actions job here")
    ap.add_argument("workflow")
    ap.add_argument("job")
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--artifacts", required=True)
    ap.add_argument("--checkout", required=True)
    ap.add_argument("--matrix", action="append", default=[])
    ap.add_argument("--env", action="append", default=[])
    args = ap.parse_args()
    with open(args.workflow, encoding="utf-8") as f:
        workflow = yaml.safe_load(f)
    try:
        return Job(args, workflow, workflow["jobs"][args.job]).run()
    except (Unknown, KeyError) as e:
        print(f"gha_run.py: {args.workflow}: {args.job}: not understood: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
