/**
 * An app of your own that uses this project as a library: it imports the
 * public entry point (modules/index.ts) and nothing else of the project,
 * builds one Cloud Exchange stack from an environment defined in code, and
 * adds a resource of its own to that stack (a CloudWatch dashboard of the
 * Cloud Exchange services). Run it from this folder with `npx cdktf synth`
 * (cdktf.json here) or `npx tsx main.ts`; the result is plain Terraform in
 * cdktf.out/stacks/ce-library.
 */
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { App } from "cdktf";
import { CloudExchangeStack, defineEnvironment, derive, parseEnvironment } from "../../modules";

const account = "111122223333";
const region = "eu-central-1";
const secret = (name: string) => `arn:aws:secretsmanager:${region}:${account}:secret:ce/library/${name}-Ab12Cd`;

/** Validated before anything is built: a bad field stops here with its name and what is allowed. */
const environment = parseEnvironment(
  defineEnvironment({
    name: "library",
    accountId: account,
    region,
    availabilityZones: ["eu-central-1a", "eu-central-1b"],
    state: { bucket: "example-platform-tfstate-111122223333", region },
    ingress: { mode: "alb", certificateArn: `arn:aws:acm:${region}:${account}:certificate/3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b` },
    // This app's owners keep the secrets in their own secret store (docs/secrets.md gives the layout).
    secrets: { mode: "existing", jwtSecretArn: secret("jwt-secret"), maintenanceSecretArn: secret("maintenance"), clusterSecretArn: secret("cluster") },
    tags: { Owner: "platform-team" },
  }),
  "examples/library-app/main.ts",
);

const app = new App();
const stack = new CloudExchangeStack(app, derive(environment).stackName, { environment });

// A resource of this app's own, in the same stack, wired to what the library built.
new CloudwatchDashboard(stack, "dashboard", {
  dashboardName: `${derive(environment).prefix}-services`,
  dashboardBody: JSON.stringify({
    widgets: stack.services.map((node, i) => ({
      type: "metric",
      x: 0,
      y: i * 6,
      width: 12,
      height: 6,
      properties: {
        title: `Cloud Exchange ${environment.name} service ${i + 1}`,
        region,
        metrics: [
          ["AWS/ECS", "CPUUtilization", "ClusterName", derive(environment).prefix, "ServiceName", node.service.name],
          ["AWS/ECS", "MemoryUtilization", "ClusterName", derive(environment).prefix, "ServiceName", node.service.name],
        ],
      },
    })),
  }),
});

app.synth();
