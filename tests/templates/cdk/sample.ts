// A hand-written CDK app of the shape Gatehouse's CDK snippets take: a REST API method behind a
// Cognito user pool authorizer, and an HTTP API route behind a user pool JWT authorizer, both on
// a pool and client that already exist. It proves tsconfig.json type-checks against
// aws-cdk-lib's declarations; the snippets themselves go to out/ (gitignored).
import { App, Stack } from "aws-cdk-lib";
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpUrlIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as cognito from "aws-cdk-lib/aws-cognito";

const app = new App();
const stack = new Stack(app, "SecurePetsStack", { env: { region: "us-east-1" } });

const pool = cognito.UserPool.fromUserPoolId(stack, "PetsPool", "eu-west-1_AbCdEf123");
const client = cognito.UserPoolClient.fromUserPoolClientId(stack, "Web", "1example23456789");

// REST API (v1): GET /pets needs an ID token of PetsPool, with scope pets/read.
const api = new apigateway.RestApi(stack, "SecurePets", { restApiName: "SecurePets" });
const authorizer = new apigateway.CognitoUserPoolsAuthorizer(stack, "PetsAuthorizer", {
  cognitoUserPools: [pool],
  identitySource: "method.request.header.Authorization",
});
api.root.addResource("pets").addMethod("GET", new apigateway.MockIntegration(), {
  authorizer,
  authorizationType: apigateway.AuthorizationType.COGNITO,
  authorizationScopes: ["pets/read"],
});

// HTTP API (v2): GET /parcels needs a JWT whose audience is the web client.
const http = new apigwv2.HttpApi(stack, "PetsHttp");
http.addRoutes({
  path: "/parcels",
  methods: [apigwv2.HttpMethod.GET],
  integration: new HttpUrlIntegration("Parcels", "https://example.com"),
  authorizer: new HttpUserPoolAuthorizer("PetsJwt", pool, {
    userPoolClients: [client],
    userPoolRegion: "eu-west-1",
  }),
  authorizationScopes: ["pets/read"],
});

app.synth();
