"""The validators users run on infrastructure code, as one command with one JSON answer.

    .venv-judges/bin/python tests/templates/judge.py cfn-lint FILE
    .venv-judges/bin/python tests/templates/judge.py sam FILE
    .venv-judges/bin/python tests/templates/judge.py checkov CHECK_ID PATH --framework cloudformation|terraform
    .venv-judges/bin/python tests/templates/judge.py hcl2 FILE

Prints ONE JSON object on stdout and exits 0 whenever the judge ran, whatever its verdict (a
template full of errors is still a verdict). Exits 2 with a message on stderr, and nothing on
stdout, only when it could not judge: bad arguments, a missing file, a validator that crashed
or printed what cannot be read. `make judges` builds .venv-judges (tests/templates/
requirements*.txt); test_judges.py checks that every judge still tells good from bad.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# python-hcl2 lives apart from the venv's site-packages (checkov's fork has the same `hcl2`).
HCL2_LIB = Path(sys.prefix) / "python-hcl2"
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # samtranslator needs a region


class CannotJudge(Exception):
    """The judge could not run: exit 2, the message on stderr."""


def _findings(matches):
    """cfn-lint matches -> {"errors": [...], "warnings": [...]}; informational ones dropped."""
    out = {"errors": [], "warnings": []}
    for m in matches:
        kind = {"E": "errors", "W": "warnings"}.get(m.rule.id[:1])
        if kind:
            out[kind].append({"rule": m.rule.id, "message": m.message, "line": m.linenumber})
    return out


def cfn_lint(path):
    """What cfn-lint 1.58 says of a CloudFormation or SAM template (YAML or JSON): its errors
    (rule ids E…) and warnings (W…), each {"rule", "message", "line"}. A template that does not
    parse is an error (E0000), not a failure to judge."""
    from cfnlint.api import lint_file

    return _findings(lint_file(_existing(path)))


def sam(path):
    """What SAM does with the template: samtranslator's transform (as `sam deploy` runs it,
    region us-east-1, no parameters), then cfn-lint on the CloudFormation it produced:
    {"errors", "warnings", "transformed"} (lines are those of the transformed template printed
    as indented JSON). A transform that fails gives errors with rule "sam-transform" and
    "transformed": null."""
    from cfnlint.api import lint
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    text = _existing(path).read_text()
    try:
        template = yaml_parse(text)  # YAML or JSON; !Ref, !GetAtt, !Sub become their dicts
    except Exception as exc:  # a template that does not parse is SAM's verdict too
        return {"errors": [{"rule": "sam-transform", "message": f"cannot parse: {exc}",
                            "line": None}], "warnings": [], "transformed": None}
    try:
        transformed = transform(template, {}, _NoManagedPolicies())
    except InvalidDocumentException as exc:
        causes = [c.message for c in exc.causes] or [exc.message]
        return {"errors": [{"rule": "sam-transform", "message": m, "line": None}
                           for m in causes], "warnings": [], "transformed": None}
    found = _findings(lint(json.dumps(transformed, indent=2), regions=["us-east-1"]))
    return {**found, "transformed": transformed}


class _NoManagedPolicies:
    """samtranslator asks IAM for the managed policies' ARNs when a function names one by
    name; there is no IAM here, so there are none (templates naming one fail the transform)."""

    def load(self):
        return {}


def checkov(check_id, path, framework):
    """Which resources pass and which fail one checkov check (e.g. CKV_AWS_59: REST methods
    must not be open; CKV_AWS_309: HTTP API routes need an authorization type), in a file or a
    folder: {"passed": [resource ids], "failed": [...], "parsing_errors": [files]}, ids as
    checkov names them (`AWS::ApiGateway::Method.GetPets`, `aws_api_gateway_method.get_pets`)."""
    if framework not in ("cloudformation", "terraform"):
        raise CannotJudge(f"--framework must be cloudformation or terraform, not {framework!r}")
    target = _existing(path)
    # Not --quiet: it drops the passed checks. --skip-download: no call to Prisma Cloud.
    cmd = [str(Path(sys.executable).parent / "checkov"), "-d" if target.is_dir() else "-f",
           str(target), "--framework", framework, "--check", check_id, "-o", "json",
           "--skip-download"]
    run = subprocess.run(cmd, capture_output=True, text=True,
                         env={**os.environ, "LOG_LEVEL": "ERROR"})
    if run.returncode not in (0, 1):  # 1: some check failed
        raise CannotJudge(f"checkov exited {run.returncode}: {run.stderr.strip()[-2000:]}")
    try:
        report = json.loads(run.stdout)
    except ValueError:
        raise CannotJudge(f"checkov printed no JSON: {run.stdout[:500]!r} "
                          f"{run.stderr.strip()[-1000:]}")
    # One report per framework: a dict, or a list of them; a bare summary when nothing matched.
    out = {"passed": [], "failed": [], "parsing_errors": []}
    for part in report if isinstance(report, list) else [report]:
        results = part.get("results") or {}
        out["passed"] += [c["resource"] for c in results.get("passed_checks", [])]
        out["failed"] += [c["resource"] for c in results.get("failed_checks", [])]
        out["parsing_errors"] += results.get("parsing_errors", [])
    return out


def hcl2(path):
    """Whether python-hcl2 (8.x) parses a Terraform file, and into what: {"parsed": its dict}
    (hcl2.load's default output: string values and block labels keep their double quotes,
    blocks carry "__is_block__"), or {"error": "..."} when the file is not valid HCL."""
    sys.path.insert(0, str(HCL2_LIB))
    import hcl2 as lib  # noqa: E402 (python-hcl2, not checkov's fork)

    if not lib.__file__.startswith(str(HCL2_LIB)):
        raise CannotJudge(f"hcl2 came from {lib.__file__}, not {HCL2_LIB} (make judges)")
    with open(_existing(path)) as f:
        try:
            return {"parsed": lib.load(f)}
        except Exception as exc:  # lark's parse errors and python-hcl2's own
            return {"error": f"{type(exc).__name__}: {exc}"}


def _existing(path):
    p = Path(path)
    if not p.exists():
        raise CannotJudge(f"no such file or folder: {path}")
    return p


def main(argv):
    usage = __doc__.split("\n\n")[1]
    try:
        match argv:
            case ["cfn-lint", path]:
                answer = cfn_lint(path)
            case ["sam", path]:
                answer = sam(path)
            case ["checkov", check_id, path, "--framework", framework]:
                answer = checkov(check_id, path, framework)
            case ["hcl2", path]:
                answer = hcl2(path)
            case _:
                raise CannotJudge("usage:\n" + usage)
    except CannotJudge as exc:
        print(f"judge: {exc}", file=sys.stderr)
        return 2
    json.dump(answer, sys.stdout, default=str)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
