/**
 * The cut-over commands: in a safe order, with the environment's real
 * identifiers, no secret value, a rollback for every step before the
 * template's stack goes, and a template edit (run for real with awk on a
 * template laid out as the official one) that keeps exactly the data and the
 * network when that stack is deleted.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnvironment } from "../../modules/config";
import { cutoverSteps, renderCutover, retainAwkProgram } from "../../modules/upgrade/cutover";
import { adoptedEnvironment, OFFICIAL_TEMPLATE } from "../support/fixtures";

describe("cut-over commands", () => {
  const env = parseEnvironment(adoptedEnvironment("6.1"));
  const steps = cutoverSteps(env);
  const text = renderCutover(env);

  it("run in a safe order: record, back up, stop the old CE, fill the secrets, deploy, verify, then retire the old stack; rollback last", () => {
    const order = ["Record what a rollback needs", "Back up the file system", "Stop the template's Cloud Exchange", "Put the template's JWT secret", "Deploy ce-adopted6", "Verify", "Retire the template's stack", "Rollback"];
    expect(steps.map((s) => order.findIndex((o) => s.title.startsWith(o)))).toEqual(order.map((_, i) => i));
  });

  it("name the environment's real identifiers", () => {
    for (const id of [OFFICIAL_TEMPLATE.fileSystemId, ...OFFICIAL_TEMPLATE.mountTargetIds, OFFICIAL_TEMPLATE.stackName, "Netskope-CE-prod-Cluster", "NetskopeCloudExchange-prod", env.secrets.mode === "existing" ? env.secrets.jwtSecretArn : "", "npx cdktf deploy ce-adopted6"]) {
      expect(text).toContain(id);
    }
    expect(text).toContain(`--resource-arn arn:aws:elasticfilesystem:eu-west-1:210987654321:file-system/${OFFICIAL_TEMPLATE.fileSystemId}`);
  });

  it("back up before anything changes, and stop the old service before the new one starts on the same data", () => {
    const at = (needle: string) => text.indexOf(needle);
    expect(at("aws backup start-backup-job")).toBeLessThan(at("--desired-count 0"));
    expect(at(`--service ${"NetskopeCloudExchange-prod"} --desired-count 0`)).toBeLessThan(at("npx cdktf deploy"));
    expect(at("npx cdktf deploy")).toBeLessThan(at("aws cloudformation delete-stack"));
  });

  it("put no secret on a command line: values are read from the terminal and written from files that are shredded", () => {
    const secretStep = steps.find((s) => s.title.startsWith("Put the template's JWT secret"))!.commands.join("\n");
    expect(secretStep).toContain('read -rsp "Template maintenance password: " CE_MAINTENANCE');
    expect(secretStep).toMatch(/put-secret-value --secret-id \S+ --secret-string file:\/\/maintenance\.json/);
    expect(secretStep).toContain("shred -u jwt.txt maintenance.json cluster.json");
    expect(secretStep).not.toMatch(/--secret-string (?!file:)/);
    // The connection strings are CE 6.1's, with the escaped password filled in from the terminal's value.
    expect(secretStep).toContain("mongodb://cteadmin:@@ESCAPED@@@localhost:27017/cte?tls=true");
  });

  it("undo every step before the last: the template's policy and security groups are recorded first and restored by the rollback", () => {
    const rollback = steps[steps.length - 1].commands.join("\n");
    expect(steps[0].commands.join("\n")).toContain("describe-file-system-policy");
    expect(rollback).toContain("put-file-system-policy");
    expect(rollback).toContain("modify-mount-target-security-groups");
    expect(rollback).toContain("--service NetskopeCloudExchange-prod --desired-count 1");
  });
});

describe("keeping the data when the template's stack is deleted", () => {
  // A template laid out as the official one (sections at column 0, resources indented two spaces).
  const TEMPLATE = [
    "Parameters:",
    "  NetskopeCloudExchangeEFS:",
    "    Type: String",
    "Resources:",
    "  VPC:",
    '    Type: "AWS::EC2::VPC"',
    "    Condition: CreateNewResources",
    "  NetskopeCloudExchangeEFS:",
    '    Type: "AWS::EFS::FileSystem"',
    "    Properties:",
    "      Encrypted: true",
    "  MountTargetResource1:",
    "    Type: AWS::EFS::MountTarget",
    "  MongoDBAccessPoint:",
    '    Type: "AWS::EFS::AccessPoint"',
    "  RabbitMQAccessPoint:",
    '    Type: "AWS::EFS::AccessPoint"',
    "  TaskSecurityGroup:",
    "    DependsOn: VPC",
    "    Type: AWS::EC2::SecurityGroup",
    "  ECSClusterServiceWithALB:",
    "    Type: AWS::ECS::Service",
    "Outputs:",
    "  MongoDBAccessPoint:",
    "    Value: x",
    "",
  ].join("\n");

  it("adds DeletionPolicy: Retain to the file system, mount targets, kept access points and network, and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), "ce-retain-"));
    try {
      writeFileSync(join(dir, "template.yaml"), TEMPLATE);
      const result = spawnSync("awk", [retainAwkProgram(["NetskopeCloudExchangeEFS", "MountTargetResource1", "MongoDBAccessPoint"]), join(dir, "template.yaml")], { encoding: "utf8" });
      expect(result.status).toBe(0);
      const retained: string[] = [];
      let current = "";
      for (const line of result.stdout.split("\n")) {
        const resource = /^ {2}([A-Za-z0-9]+):$/.exec(line);
        if (resource) current = resource[1];
        if (line === "    DeletionPolicy: Retain") retained.push(current);
      }
      expect(retained).toEqual(["VPC", "NetskopeCloudExchangeEFS", "MountTargetResource1", "MongoDBAccessPoint", "TaskSecurityGroup"]);
      // Nothing else moved: removing the added lines gives the template back.
      expect(result.stdout.split("\n").filter((l) => l !== "    DeletionPolicy: Retain").join("\n")).toBe(TEMPLATE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
