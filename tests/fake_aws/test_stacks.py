"""Self-checks of CloudFormation stacks that own REST APIs (patches_stacks.py): the tags a
stack puts on its RestApi, ListStackResources, GetTemplate as written, change sets that change
nothing until executed. Run by test_sandbox.py, which sets `S` to itself (its URL and helpers)
before running TESTS. Every stack lives in REGION, where no other check builds anything."""

from selfcheck import registry

S = None  # the test_sandbox module
TESTS, test = registry()
REGION = "eu-central-1"
POOL_ARN = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Stack1"

# As people write them: comments (one with trailing blanks), a parameter, short-form
# intrinsics, characters XML must escape and one that is not ASCII. The Authorizer is one
# moto skips (no API Gateway authorizer is made; the stack still completes).
TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: SecurePets & friends <pets> "owned by code" - café edition
# The team's API. Gatehouse proposes changes as change sets; it never edits it live.   
Parameters:
  ApiName:
    Type: String
    Default: SecurePets
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: !Ref ApiName   # named by the parameter
      Tags:
        - Key: team
          Value: !Sub "${ApiName}-team"
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
      ProviderARNs: [%s]
  GetPets:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Pets
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        IntegrationHttpMethod: POST
        Uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/pets"
  PostPets:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Pets
      HttpMethod: POST
      AuthorizationType: AWS_IAM
      Integration:
        Type: MOCK
        IntegrationHttpMethod: POST
        Uri: https://example.com
""" % POOL_ARN

# What Gatehouse would propose: GET /pets behind the pool's authorizer.
PROTECTED = TEMPLATE.replace("      AuthorizationType: NONE\n",
                             "      AuthorizationType: COGNITO_USER_POOLS\n"
                             "      AuthorizerId: !Ref PoolAuth\n")

ADMIN_API = """\
  Admin:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: PetsAdminFromStack
"""


def cfn():
    return S.seed.client("cloudformation", S.URL, REGION)


def east():
    return S.agw(REGION)


def apis_by_name():
    return {a["name"]: a for a in east().get_rest_apis(limit=500)["items"]}


def resources(stack):
    return cfn().list_stack_resources(StackName=stack)["StackResourceSummaries"]


def methods(api_id):
    """{(path, verb): authorizationType} as API Gateway has them."""
    items = east().get_resources(restApiId=api_id, embed=["methods"], limit=500)["items"]
    return {(r["path"], verb): m.get("authorizationType")
            for r in items for verb, m in (r.get("resourceMethods") or {}).items()}


def create(stack, body=TEMPLATE, **kwargs):
    """CreateStack; the stack id, once it is CREATE_COMPLETE."""
    stack_id = cfn().create_stack(StackName=stack, TemplateBody=body, **kwargs)["StackId"]
    status = cfn().describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    assert status == "CREATE_COMPLETE", status
    return stack_id


def expected_tags(stack, stack_id, logical_id="Api"):
    return {"aws:cloudformation:stack-name": stack,
            "aws:cloudformation:logical-id": logical_id,
            "aws:cloudformation:stack-id": stack_id}


STACKS = {}  # name: stack id, for the checks after the one that made it


def pets_stack():
    """The `pets-owned` stack from TEMPLATE, stack tag env=prod; made once."""
    if "pets-owned" not in STACKS:
        STACKS["pets-owned"] = create("pets-owned", Tags=[{"Key": "env", "Value": "prod"}])
    return "pets-owned", STACKS["pets-owned"]


@test
def stack_tags_the_rest_api_it_creates():
    stack, stack_id = pets_stack()
    assert stack_id.startswith(f"arn:aws:cloudformation:{REGION}:123456789012:stack/{stack}/")
    api = apis_by_name()["SecurePets"]
    # The three CloudFormation tags, the stack's own tag, the Tags property (!Sub resolved).
    assert api["tags"] == {**expected_tags(stack, stack_id), "env": "prod",
                           "team": "SecurePets-team"}, api["tags"]
    assert east().get_rest_api(restApiId=api["id"])["tags"] == api["tags"]
    # An API made by hand next to it gets none of them.
    by_hand = east().create_rest_api(name="ByHandNextToStack")
    assert not by_hand.get("tags"), by_hand.get("tags")


@test
def list_stack_resources_names_the_api_and_each_method():
    stack, _ = pets_stack()
    rows = {r["LogicalResourceId"]: r for r in resources(stack)}
    api = apis_by_name()["SecurePets"]
    assert rows["Api"]["ResourceType"] == "AWS::ApiGateway::RestApi"
    assert rows["Api"]["PhysicalResourceId"] == api["id"]
    pets = {r["path"]: r["id"] for r in east().get_resources(restApiId=api["id"])["items"]}
    assert rows["Pets"]["PhysicalResourceId"] == pets["/pets"]
    method_rows = sorted(k for k, r in rows.items()
                         if r["ResourceType"] == "AWS::ApiGateway::Method")
    assert method_rows == ["GetPets", "PostPets"], rows
    # The skipped Authorizer is not listed (moto listed an empty row for it); nothing is blank.
    assert sorted(rows) == ["Api", "GetPets", "Pets", "PostPets"], sorted(rows)
    assert all(r["ResourceStatus"] == "CREATE_COMPLETE" for r in rows.values())
    assert methods(api["id"]) == {("/pets", "GET"): "NONE", ("/pets", "POST"): "AWS_IAM"}
    described = cfn().describe_stack_resources(StackName=stack)["StackResources"]
    assert sorted(r["LogicalResourceId"] for r in described) == sorted(rows)


@test
def get_template_returns_the_body_byte_for_byte():
    stack, stack_id = pets_stack()
    for stage in ("Original", "Processed"):
        for name in (stack, stack_id):
            body = cfn().get_template(StackName=name, TemplateStage=stage)["TemplateBody"]
            assert body == TEMPLATE, (stage, name, body[:200])
    assert cfn().get_template(StackName=stack)["TemplateBody"] == TEMPLATE


@test
def change_set_changes_nothing_until_executed():
    stack, stack_id = create_fresh("pets-reviewed")
    api = apis_by_name()["PetsReviewed"]
    before = resources(stack)
    # As Gatehouse creates it (crates/gatehouse-core/src/aws/cloudformation.rs).
    made = cfn().create_change_set(
        StackName=stack, ChangeSetName="gatehouse-protect-get-pets", ChangeSetType="UPDATE",
        TemplateBody=PROTECTED.replace("Default: SecurePets", "Default: PetsReviewed"),
        Description="Gatehouse: GET /pets behind PetsPool",
        Parameters=[{"ParameterKey": "ApiName", "UsePreviousValue": True}],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"])
    cs_id = made["Id"]
    assert cs_id.startswith(f"arn:aws:cloudformation:{REGION}:123456789012:changeSet/"
                            "gatehouse-protect-get-pets/"), cs_id
    assert made["StackId"] == stack_id
    for ref in ({"ChangeSetName": cs_id},
                {"ChangeSetName": "gatehouse-protect-get-pets", "StackName": stack}):
        shown = cfn().describe_change_set(**ref)
        assert shown["ChangeSetId"] == cs_id and shown["StackName"] == stack, shown
        assert (shown["Status"], shown["ExecutionStatus"]) == ("CREATE_COMPLETE", "AVAILABLE")
        assert shown["Description"] == "Gatehouse: GET /pets behind PetsPool"
        assert shown["Parameters"] == [{"ParameterKey": "ApiName",
                                        "ParameterValue": "PetsReviewed"}], shown["Parameters"]
        changes = [(c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"])
                   for c in shown["Changes"]]
        assert changes == [("Modify", "GetPets")], changes
    listed = cfn().list_change_sets(StackName=stack)["Summaries"]
    assert [c["ChangeSetId"] for c in listed] == [cs_id], listed
    new_body = cfn().get_template(StackName=stack, ChangeSetName=cs_id)["TemplateBody"]
    assert "AuthorizerId: !Ref PoolAuth" in new_body
    # Not executed: the stack, its template, its resources and the API are as they were.
    assert cfn().describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    assert "AuthorizerId" not in cfn().get_template(StackName=stack)["TemplateBody"]
    assert resources(stack) == before
    assert methods(api["id"])[("/pets", "GET")] == "NONE"
    # Executed: the stack takes the new template and keeps its API (same id, same tags).
    cfn().execute_change_set(ChangeSetName=cs_id)
    assert cfn().describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    assert cfn().get_template(StackName=stack)["TemplateBody"] == new_body
    again = apis_by_name()["PetsReviewed"]
    assert (again["id"], again["tags"]) == (api["id"], api["tags"])
    # moto updates no Method: every resource is still listed, as it was (README: gaps).
    assert resources(stack) == before


def create_fresh(stack):
    """A stack of its own from TEMPLATE, the API named after it (CamelCase of `stack`)."""
    name = "".join(part.title() for part in stack.split("-"))
    STACKS[stack] = create(stack, TEMPLATE.replace("Default: SecurePets", f"Default: {name}"))
    return stack, STACKS[stack]


@test
def executed_create_change_set_tags_its_api():
    made = cfn().create_change_set(StackName="pets-from-change-set", ChangeSetName="first",
                                   ChangeSetType="CREATE", TemplateBody=TEMPLATE.replace(
                                       "Default: SecurePets", "Default: PetsFromChangeSet"))
    stack = cfn().describe_stacks(StackName="pets-from-change-set")["Stacks"][0]
    assert stack["StackStatus"] == "REVIEW_IN_PROGRESS", stack["StackStatus"]
    assert "PetsFromChangeSet" not in apis_by_name()  # nothing made before it is executed
    cfn().execute_change_set(ChangeSetName=made["Id"])
    api = apis_by_name()["PetsFromChangeSet"]
    assert api["tags"] == {**expected_tags("pets-from-change-set", made["StackId"]),
                           "team": "PetsFromChangeSet-team"}, api["tags"]


@test
def update_adding_a_rest_api_tags_it_with_its_logical_id():
    stack, stack_id = create_fresh("pets-grown")
    body = cfn().get_template(StackName=stack)["TemplateBody"]
    cfn().update_stack(StackName=stack, TemplateBody=body.replace("Resources:\n",
                                                                  "Resources:\n" + ADMIN_API))
    admin = apis_by_name()["PetsAdminFromStack"]
    assert admin["tags"] == expected_tags(stack, stack_id, "Admin"), admin["tags"]
    rows = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources(stack)}
    assert rows["Admin"] == admin["id"], rows
