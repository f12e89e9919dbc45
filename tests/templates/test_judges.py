"""Self-checks of the judges: each one must tell a good template from a bad one, so a broken
judge (a validator that no longer runs, a check id that matches nothing, output we misread)
fails here instead of passing everything Gatehouse writes.

    .venv-judges/bin/python tests/templates/test_judges.py

Runs judge.py as tests do (a subprocess: one JSON object on stdout, exit 0), on small templates
written to a temporary folder; then the CDK type check (npx tsc on tests/templates/cdk/, needs
`make ui-deps`). Prints `ok NAME` per check and ends with "N passed, M failed".
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TMP = Path(tempfile.mkdtemp(prefix="judges-"))
CHECKS = []
POOL_ARN = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"


def check(fn):
    CHECKS.append(fn)
    return fn


def judge(*args, expect_rc=0):
    """judge.py's answer (parsed), after checking its exit code and that stdout is one object."""
    run = subprocess.run([sys.executable, str(HERE / "judge.py"), *map(str, args)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == expect_rc, (run.returncode, run.stdout[-500:], run.stderr[-2000:])
    if expect_rc:
        assert run.stdout == "" and run.stderr.startswith("judge: "), (run.stdout, run.stderr)
        return run.stderr
    return json.loads(run.stdout)  # one object: json.loads rejects anything after it


def write(name, text):
    path = TMP / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def line_of(text, needle):
    """The 1-based number of the first line of `text` that starts with `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(needle))


def rules(answer, kind="errors"):
    return sorted({f["rule"] for f in answer[kind]})


# ---------------------------------------------------------------- templates

def rest_template(method="GetPets", auth="COGNITO_USER_POOLS"):
    """A small REST API: /pets GET behind a Cognito authorizer (or `auth` NONE, no authorizer),
    deployed."""
    authorizer_ref = "\n      AuthorizerId: !Ref PoolAuth" if auth != "NONE" else ""
    return f"""\
AWSTemplateFormatVersion: "2010-09-09"
Description: SecurePets, /pets GET  # a comment, as people write them
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: SecurePets
  Pets:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: pets
  PoolAuth:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      Name: PetsPool
      RestApiId: !Ref Api
      Type: COGNITO_USER_POOLS
      IdentitySource: method.request.header.Authorization
      ProviderARNs:
        - {POOL_ARN}
  {method}:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Pets
      HttpMethod: GET
      AuthorizationType: {auth}{authorizer_ref}
      Integration:
        Type: MOCK
        RequestTemplates:
          application/json: '{{"statusCode": 200}}'
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: {method}
    Properties:
      RestApiId: !Ref Api
"""


SAM_TEMPLATE = f"""\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  PetsApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: PetsPool
        Authorizers:
          PetsPool:
            UserPoolArn: {POOL_ARN}
  GetPets:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(event, context): return {{'statusCode': 200}}"
      Events:
        List:
          Type: Api
          Properties:
            RestApiId: !Ref PetsApi
            Path: /pets
            Method: get
"""

TF_REST = """\
resource "aws_api_gateway_rest_api" "pets" {
  name = "SecurePets"
}

resource "aws_api_gateway_resource" "pets" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  parent_id   = aws_api_gateway_rest_api.pets.root_resource_id
  path_part   = "pets"
}

resource "aws_api_gateway_authorizer" "pool" {
  name          = "PetsPool"
  rest_api_id   = aws_api_gateway_rest_api.pets.id
  type          = "COGNITO_USER_POOLS"
  provider_arns = ["%s"]
}

resource "aws_api_gateway_method" "get_pets" {
  rest_api_id   = aws_api_gateway_rest_api.pets.id
  resource_id   = aws_api_gateway_resource.pets.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_method" "post_pets" {
  rest_api_id   = aws_api_gateway_rest_api.pets.id
  resource_id   = aws_api_gateway_resource.pets.id
  http_method   = "POST"
  authorization = "COGNITO_USER_POOLS"
  authorizer_id = aws_api_gateway_authorizer.pool.id
}
""" % POOL_ARN

TF_HTTP = """\
resource "aws_apigatewayv2_api" "parcels" {
  name          = "PetsHttp"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_authorizer" "pool" {
  api_id           = aws_apigatewayv2_api.parcels.id
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  name             = "PetsPool"
  jwt_configuration {
    audience = ["1example23456789"]
    issuer   = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"
  }
}

resource "aws_apigatewayv2_route" "get_parcels" {
  api_id             = aws_apigatewayv2_api.parcels.id
  route_key          = "GET /parcels"
  authorization_type = "NONE"
}

resource "aws_apigatewayv2_route" "post_parcels" {
  api_id             = aws_apigatewayv2_api.parcels.id
  route_key          = "POST /parcels"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.pool.id
}
"""


def as_json(yaml_path, name):
    """The same template as CloudFormation JSON (samtranslator's loader turns !Ref into Ref)."""
    from samtranslator.yaml_helper import yaml_parse

    return write(name, json.dumps(yaml_parse(yaml_path.read_text()), indent=2))


# ---------------------------------------------------------------- cfn-lint

@check
def cfn_lint_passes_a_correct_rest_api():
    good = write("rest/good.yaml", rest_template())
    assert judge("cfn-lint", good) == {"errors": [], "warnings": []}
    assert judge("cfn-lint", as_json(good, "rest/good.json")) == {"errors": [], "warnings": []}


@check
def cfn_lint_flags_a_method_whose_authorizer_does_not_fit():
    """AuthorizationType CUSTOM needs a TOKEN or REQUEST authorizer (E3708, on the authorizer)."""
    text = rest_template(auth="CUSTOM")
    bad = write("rest/custom.yaml", text)
    answer = judge("cfn-lint", bad)
    assert rules(answer) == ["E3708"], answer
    assert answer["errors"][0]["line"] == line_of(text, "      Type: COGNITO_USER_POOLS"), answer
    assert "TOKEN" in answer["errors"][0]["message"], answer
    answer = judge("cfn-lint", as_json(bad, "rest/custom.json"))
    assert rules(answer) == ["E3708"], answer


@check
def cfn_lint_flags_an_authorization_type_of_the_wrong_shape():
    text = rest_template().replace("AuthorizationType: COGNITO_USER_POOLS",
                                   "AuthorizationType: [COGNITO_USER_POOLS]")
    answer = judge("cfn-lint", write("rest/list.yaml", text))
    assert rules(answer) == ["E3012"], answer
    assert answer["errors"][0]["line"] == line_of(text, "      AuthorizationType:"), answer


@check
def cfn_lint_misses_an_unknown_authorization_type():
    """A known gap, pinned: cfn-lint 1.58's schema types AuthorizationType as any string, so
    `COGNITO` (not one of NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS) passes; CloudFormation
    fails it at deploy. Gatehouse's own checks must catch that value; when cfn-lint learns to,
    this check fails: drop it then."""
    text = rest_template().replace("AuthorizationType: COGNITO_USER_POOLS",
                                   "AuthorizationType: COGNITO")
    assert judge("cfn-lint", write("rest/unknown.yaml", text))["errors"] == []


@check
def cfn_lint_reports_a_template_that_does_not_parse():
    answer = judge("cfn-lint", write("rest/broken.yaml", "Resources:\n  Api: [\n"))
    assert rules(answer) == ["E0000"], answer


# ---------------------------------------------------------------- sam

@check
def sam_transforms_an_api_with_a_function_event():
    answer = judge("sam", write("sam/good.yaml", SAM_TEMPLATE))
    assert answer["errors"] == [], answer["errors"]
    resources = answer["transformed"]["Resources"]
    assert resources["PetsApi"]["Type"] == "AWS::ApiGateway::RestApi"
    operation = resources["PetsApi"]["Properties"]["Body"]["paths"]["/pets"]["get"]
    assert operation["security"] == [{"PetsPool": []}], operation
    kinds = sorted({r["Type"] for r in resources.values()})
    assert "AWS::ApiGateway::Stage" in kinds and "AWS::Lambda::Function" in kinds, kinds


@check
def sam_reports_a_template_it_cannot_transform():
    text = SAM_TEMPLATE.replace("Type: Api\n", "Type: Apii\n")
    answer = judge("sam", write("sam/bad.yaml", text))
    assert rules(answer) == ["sam-transform"] and answer["transformed"] is None, answer
    assert "Apii" in answer["errors"][0]["message"], answer


@check
def sam_lints_what_it_transformed():
    """A transform that works but yields a bad template: cfn-lint's verdict on the output."""
    text = SAM_TEMPLATE.replace("      Runtime: python3.12\n", "      Runtime: python2.0\n")
    answer = judge("sam", write("sam/runtime.yaml", text))
    assert answer["transformed"] is not None, answer
    assert rules(answer) == ["E3030"] and "python2.0" in answer["errors"][0]["message"], answer


# ---------------------------------------------------------------- checkov

@check
def checkov_59_fails_open_methods_in_cloudformation():
    write("cfn59/open.yaml", rest_template(method="OpenPets", auth="NONE"))
    write("cfn59/closed.yaml", rest_template(method="ClosedPets"))
    answer = judge("checkov", "CKV_AWS_59", TMP / "cfn59", "--framework", "cloudformation")
    assert answer == {"passed": ["AWS::ApiGateway::Method.ClosedPets"],
                      "failed": ["AWS::ApiGateway::Method.OpenPets"],
                      "parsing_errors": []}, answer


@check
def checkov_59_fails_open_methods_in_terraform():
    path = write("tf59/main.tf", TF_REST)
    answer = judge("checkov", "CKV_AWS_59", path, "--framework", "terraform")
    assert answer == {"passed": ["aws_api_gateway_method.post_pets"],
                      "failed": ["aws_api_gateway_method.get_pets"],
                      "parsing_errors": []}, answer


@check
def checkov_309_fails_routes_without_authorization():
    write("tf309/main.tf", TF_HTTP)
    answer = judge("checkov", "CKV_AWS_309", TMP / "tf309", "--framework", "terraform")
    assert answer == {"passed": ["aws_apigatewayv2_route.post_parcels"],
                      "failed": ["aws_apigatewayv2_route.get_parcels"],
                      "parsing_errors": []}, answer


# ---------------------------------------------------------------- hcl2

@check
def hcl2_parses_terraform():
    parsed = judge("hcl2", write("hcl/main.tf", TF_HTTP))["parsed"]
    routes = [r['"aws_apigatewayv2_route"'] for r in parsed["resource"]
              if '"aws_apigatewayv2_route"' in r]
    assert routes[0]['"get_parcels"']["authorization_type"] == '"NONE"', routes
    assert routes[1]['"post_parcels"']["authorizer_id"] == "${aws_apigatewayv2_authorizer.pool.id}"


@check
def hcl2_rejects_broken_hcl():
    answer = judge("hcl2", write("hcl/broken.tf", 'resource "a" "b" {\n  x = \n'))
    assert list(answer) == ["error"] and "line 2" in answer["error"], answer


# ---------------------------------------------------------------- the command itself

@check
def judge_refuses_what_it_cannot_judge():
    assert "no such file" in judge("cfn-lint", TMP / "nope.yaml", expect_rc=2)
    assert "usage" in judge("lint", "x", expect_rc=2)
    assert "--framework" in judge("checkov", "CKV_AWS_59", TMP, "--framework", "cdk", expect_rc=2)


# ---------------------------------------------------------------- CDK (TypeScript)

def tsc():
    return subprocess.run(["npx", "--no-install", "tsc", "-p", "tests/templates/cdk/tsconfig.json",
                           "--noEmit"], capture_output=True, text=True, cwd=ROOT)


@check
def cdk_sample_type_checks_and_a_type_error_fails():
    run = tsc()
    assert run.returncode == 0, run.stdout + run.stderr
    bad = ROOT / "tests/templates/cdk/out" / f"judges-{os.getpid()}.ts"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text(
        'import { App, Stack } from "aws-cdk-lib";\n'
        'import * as apigateway from "aws-cdk-lib/aws-apigateway";\n'
        'import * as cognito from "aws-cdk-lib/aws-cognito";\n'
        'const stack = new Stack(new App(), "Bad");\n'
        'const pool = cognito.UserPool.fromUserPoolId(stack, "P", "eu-west-1_x");\n'
        '// one pool where the props want a list of them\n'
        'new apigateway.CognitoUserPoolsAuthorizer(stack, "A", { cognitoUserPools: pool });\n')
    try:
        run = tsc()
    finally:
        bad.unlink()
    assert run.returncode != 0 and f"{bad.name}(7," in run.stdout, run.stdout + run.stderr


def main():
    passed = failed = 0
    for fn in CHECKS:
        started = time.monotonic()
        try:
            fn()
            passed += 1
            print(f"ok   {fn.__name__} ({time.monotonic() - started:.2f}s)", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {fn.__name__}", flush=True)
            traceback.print_exc(file=sys.stdout)
    shutil.rmtree(TMP, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
