/** Every environment stack keeps its state in S3, encrypted, S3-locked, under its own key. */
import { environmentSources } from "../../environments";
import { EnvironmentInput, parseEnvironments } from "../../modules/config";
import { ACCOUNT, baseEnvironment } from "../support/fixtures";
import { synthApp, synthEnvironment } from "../support/synth";

describe("remote state", () => {
  const shipped = parseEnvironments(environmentSources());

  it.each(shipped.map((env) => [env.name, env] as const))("ce-%s uses the S3 backend with encryption and a lock file", (name, env) => {
    const stack = synthEnvironment(environmentSources().find((s) => s.source === `environments/${name}.ts`)!.input as EnvironmentInput);
    expect(stack.terraform?.backend).toEqual({
      s3: {
        bucket: env.state.bucket,
        region: env.state.region,
        key: `cloud-exchange/${name}/terraform.tfstate`,
        encrypt: true,
        kms_key_id: `arn:aws:kms:${env.state.region}:${env.accountId}:alias/ce-tfstate-${env.state.bucket}`,
        use_lockfile: true,
      },
    });
  });

  it("gives each environment its own key", () => {
    const keys = shipped.map((env) => synthEnvironment({ ...(baseEnvironment() as object), name: env.name } as EnvironmentInput).terraform?.backend.s3.key);
    expect(new Set(keys).size).toBe(shipped.length);
  });

  it("encrypts state with the environment's KMS key when one is given", () => {
    const kmsKeyArn = "arn:aws:kms:eu-west-1:210987654321:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    const stack = synthEnvironment(baseEnvironment({ state: { bucket: "test-ce-tfstate", region: "eu-central-1", kmsKeyArn } }));
    expect(stack.terraform?.backend.s3).toMatchObject({ kms_key_id: kmsKeyArn, region: "eu-central-1", encrypt: true, use_lockfile: true });
  });
});

describe("remote state of the Defender member stacks", () => {
  it("uses the environment's state key and a key under the environment's prefix", () => {
    const stacks = synthApp([
      baseEnvironment({
        defender: {
          enabled: true,
          image: { repository: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/prisma/fargate-updater`, tag: "1" },
          pccSecretArn: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:PCCAccessSecret-AbCdEf`,
          deploymentMode: "organization",
          organizationalUnitIds: ["ou-ab12-cdef3456"],
          accounts: ["111111111111"],
          clusters: ["apps"],
          passRoles: ["apps-*"],
        },
      }),
    ]);
    const member = stacks["ce-test-defender-member-111111111111"].terraform?.backend.s3;
    expect(member).toMatchObject({
      key: "cloud-exchange/test/defender-member-111111111111/terraform.tfstate",
      encrypt: true,
      kms_key_id: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/ce-tfstate-test-ce-tfstate`,
    });
  });
});
