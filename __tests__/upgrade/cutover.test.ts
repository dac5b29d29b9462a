/**
 * The cut-over commands, run for real with bash (errexit, nounset, pipefail:
 * stricter than the operator's shell) against stand-ins for `aws`,
 * `terraform` and `sleep` that answer as the services do and record every
 * call: the checks before anything changes, the template's CE stopped before
 * the backup, a backup wait that ends on every final state, a rollback that
 * runs at any step before the last and takes the template's data out of
 * Terraform's state at the stack's exact addresses, the template's proxy and
 * CA carried over, no secret on a command line; and the template edit (run
 * for real with awk) that keeps exactly the data, the network, its flow-log
 * role and the 5.0 log group when that stack is deleted, whatever the
 * template's indentation, quoting and line ends.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvironmentInput, parseEnvironment } from "../../modules/config";
import { adoptedAddresses } from "../../modules/upgrade/adopted-addresses";
import { cutoverSteps, CutoverStep, renderCutover, retainAwkProgram } from "../../modules/upgrade/cutover";
import { keptLogicalIds } from "../../modules/upgrade/template-retain";
import { adoptedEnvironment, OFFICIAL_TEMPLATE, secretArn } from "../support/fixtures";
import { synthEnvironment } from "../support/synth";

const TEMPLATE_CLUSTER = "Netskope-CE-prod-Cluster";
const TEMPLATE_SERVICE = "NetskopeCloudExchange-prod";

/** `aws` as the services answer, by scenario (FAKE_*); every call is appended to CE_CALLS. */
const FAKE_AWS = `#!/bin/bash
echo "aws $*" >> "$CE_CALLS"
args="$*"
fail() { echo "An error occurred ($1) when calling the $2 operation" >&2; exit 254; }
case "$1 $2" in
  "cloudformation describe-stacks")
    case "$args" in
      *StackStatus*) echo UPDATE_COMPLETE ;;
      *"'HTTPPROXY'"*) echo "\${FAKE_HTTPPROXY:-None}" ;;
      *"'HTTPSPROXY'"*) echo "\${FAKE_HTTPSPROXY:-None}" ;;
      *"'CACertFlag'"*) echo "\${FAKE_CACERTFLAG:-False}" ;;
      *"'CACertSecretName'"*) echo "\${FAKE_CACERTSECRETNAME:-None}" ;;
      *) printf 'JWTSECRET\\tMAINTENANCEPASSWORD\\n' ;;
    esac ;;
  "ecs describe-services")
    case "$args" in
      *"--cluster ce-"*) [ "\${FAKE_OWN_SERVICE:-}" = active ] && echo 1 || fail ClusterNotFoundException DescribeServices ;;
      *) echo 1 ;;
    esac ;;
  "ecs update-service")
    case "$args" in *"--cluster ce-"*) [ "\${FAKE_OWN_SERVICE:-}" = active ] || fail ClusterNotFoundException UpdateService ;; esac
    echo "\${args##*--desired-count }" | cut -d' ' -f1 ;;
  "ecs wait") ;;
  "ecs list-tasks") echo 0 ;;
  "backup describe-backup-vault") [ "\${FAKE_VAULT:-}" = missing ] && fail ResourceNotFoundException DescribeBackupVault; echo "arn:aws:backup:eu-west-1:210987654321:backup-vault:Default" ;;
  "iam get-role") [ "\${FAKE_ROLE:-}" = missing ] && fail NoSuchEntity GetRole; echo "arn:aws:iam::210987654321:role/service-role/AWSBackupDefaultServiceRole" ;;
  "backup start-backup-job") echo job-1 ;;
  "backup describe-backup-job")
    case "$args" in
      *"--query State"*) n=$(cat "$CE_DIR/state-reads" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$CE_DIR/state-reads"
        states=($FAKE_BACKUP_STATES); i=$(( n <= \${#states[@]} ? n - 1 : \${#states[@]} - 1 )); echo "\${states[$i]}" ;;
      *RecoveryPointArn*) echo "arn:aws:backup:eu-west-1:210987654321:recovery-point:rp-1" ;;
      *StatusMessage*) echo "Access denied to the file system" ;;
    esac ;;
  "efs describe-file-system-policy") [ "\${FAKE_POLICY:-}" = none ] && fail PolicyNotFound DescribeFileSystemPolicy; echo '{"Version":"2012-10-17","Statement":[]}' ;;
  "efs describe-mount-target-security-groups") echo "${OFFICIAL_TEMPLATE.mountTargetSecurityGroupId}" ;;
  "efs put-file-system-policy") echo "${OFFICIAL_TEMPLATE.fileSystemId}" ;;
  "efs delete-file-system-policy"|"efs modify-mount-target-security-groups") ;;
  "efs describe-backup-policy") echo "\${FAKE_BACKUP_POLICY:-ENABLED}" ;;
  "efs put-backup-policy") echo "\${args##*Status=}" | cut -d' ' -f1 ;;
  "backup start-restore-job") echo restore-job-1 ;;
  "backup describe-restore-job") echo COMPLETED ;;
  "ecs register-task-definition") file="\${args##*--cli-input-json file://}"; cp "\${file%% *}" "$CE_DIR/registered.json"; echo "arn:aws:ecs:eu-west-1:210987654321:task-definition/ce-adopted6-restore-move:1" ;;
  "ecs run-task") echo "arn:aws:ecs:eu-west-1:210987654321:task/ce-adopted6/0123" ;;
  "ecs describe-tasks") echo 0 ;;
  "secretsmanager describe-secret") echo "\${FAKE_CA_ARN:-}" ;;
  *) echo "unexpected aws call: $*" >&2; exit 99 ;;
esac
`;

/** `terraform` with a state (FAKE_STATE, a file of addresses) or none; state rm removes the address from it. */
const FAKE_TERRAFORM = `#!/bin/bash
echo "terraform $*" >> "$CE_CALLS"
case "$*" in
  *" init "*) exit 0 ;;
  *"state list"*) cat "$FAKE_STATE" ;;
  *"output -raw task-security-group-id"*) echo sg-0task0000000000001 ;;
  *"state rm"*) address="\${@: -1}"; grep -vxF "$address" "$FAKE_STATE" > "$FAKE_STATE.new"; mv "$FAKE_STATE.new" "$FAKE_STATE"; echo "Removed $address" ;;
  *) echo "unexpected terraform call: $*" >&2; exit 99 ;;
esac
`;

interface Run {
  readonly status: number | null;
  readonly output: string;
  /** Every aws and terraform call, in order. */
  readonly calls: string[];
}

describe("cut-over commands", () => {
  const input = adoptedEnvironment("6.1");
  const env = parseEnvironment(input);
  const addresses = adoptedAddresses(env);
  const steps = cutoverSteps(env, addresses);
  const step = (title: string) => {
    const found = steps.find((s) => s.title.startsWith(title));
    if (!found) throw new Error(`no step "${title}"; have: ${steps.map((s) => s.title.slice(0, 40)).join(" | ")}`);
    return found;
  };
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-cutover-"));
    mkdirSync(join(dir, "bin"));
    for (const [name, text] of [["aws", FAKE_AWS], ["terraform", FAKE_TERRAFORM], ["sleep", "#!/bin/sh\nexit 0\n"]]) {
      writeFileSync(join(dir, "bin", name), text);
      chmodSync(join(dir, "bin", name), 0o755);
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs steps one after another in one shell, as the operator does, in the project directory `dir`. */
  const run = (ran: readonly CutoverStep[], scenario: Record<string, string> = {}): Run => {
    const result = spawnSync("bash", ["-euo", "pipefail", "-c", ran.flatMap((s) => s.commands).join("\n")], {
      cwd: dir,
      // No stdin: bash reads /etc/bash.bashrc when stdin is a socket (as under sshd).
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      timeout: 5_000,
      env: { PATH: `${join(dir, "bin")}:${process.env.PATH}`, CE_CALLS: join(dir, "calls"), CE_DIR: dir, FAKE_STATE: join(dir, "state"), FAKE_BACKUP_STATES: "RUNNING COMPLETED", ...scenario },
    });
    const calls = existsSync(join(dir, "calls")) ? readFileSync(join(dir, "calls"), "utf8").split("\n").filter(Boolean) : [];
    return { status: result.status, output: result.stdout + result.stderr, calls };
  };
  /** The steps up to and including the backup, in the order the cut-over lists them. */
  const upToBackup = () => steps.filter((s) => /^(Check what|Record what|Stop the template's|Back up the)/.test(s.title));
  const before = (calls: string[], first: string, second: string) => {
    const a = calls.findIndex((c) => c.includes(first));
    const b = calls.findIndex((c) => c.includes(second));
    return { first, second, inOrder: a >= 0 && b >= 0 && a < b };
  };

  it("run in a safe order: check, record, stop the old CE, back it up, fill the secrets, deploy, verify, retire the old stack; then the rollback", () => {
    const order = ["Check what the cut-over assumes", "Record what a rollback needs", "Stop the template's Cloud Exchange", "Back up the stopped file system", "Put the template's JWT secret", "Deploy ce-adopted6", "Verify", "Retire the template's stack", "Rollback after the data upgrade", "Rollback, at any step", "Start the template's Cloud Exchange again"];
    expect(steps.map((s) => order.findIndex((o) => s.title.startsWith(o)))).toEqual(order.map((_, i) => i));
    expect(steps.map((s) => s.rollback ?? false)).toEqual([false, false, false, false, false, false, false, false, true, true, true]);
  });

  it("stop the template's CE and wait until no task of it runs before the backup starts, so the backup is of a stopped MongoDB", () => {
    const result = run(upToBackup());
    expect(result.status).toBe(0);
    expect(before(result.calls, `aws ecs update-service --cluster ${TEMPLATE_CLUSTER} --service ${TEMPLATE_SERVICE} --desired-count 0`, "aws backup start-backup-job")).toMatchObject({ inOrder: true });
    expect(before(result.calls, `aws ecs wait services-stable --cluster ${TEMPLATE_CLUSTER}`, "aws backup start-backup-job")).toMatchObject({ inOrder: true });
    expect(before(result.calls, `aws ecs list-tasks --cluster ${TEMPLATE_CLUSTER}`, "aws backup start-backup-job")).toMatchObject({ inOrder: true });
    expect(result.output).toContain("ok: backup job job-1 completed, recovery point arn:aws:backup:eu-west-1:210987654321:recovery-point:rp-1; go on with step 5");
    expect(result.calls).toContainEqual(
      `aws backup start-backup-job --backup-vault-name Default --resource-arn arn:aws:elasticfilesystem:eu-west-1:210987654321:file-system/${OFFICIAL_TEMPLATE.fileSystemId} --iam-role-arn arn:aws:iam::210987654321:role/service-role/AWSBackupDefaultServiceRole --query BackupJobId --output text`,
    );
  });

  it.each(["FAILED", "ABORTED", "EXPIRED"])("end the backup wait when the job ends %s, with STOP naming the job, its state and AWS's reason", (final) => {
    const result = run([step("Back up the stopped file system")], { FAKE_BACKUP_STATES: `CREATED RUNNING ${final}` });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`STOP: backup job job-1 ended ${final} (Access denied to the file system)`);
    expect(result.calls.filter((c) => c.includes("--query State"))).toHaveLength(3);
  });

  it.each([
    ["the backup vault", { FAKE_VAULT: "missing" }, "STOP: no backup vault Default: create it"],
    ["the backup role", { FAKE_ROLE: "missing" }, "STOP: no IAM role service-role/AWSBackupDefaultServiceRole"],
  ])("check that %s exists before anything changes", (_what, scenario, message) => {
    const missing = run([steps[0]], scenario);
    expect(missing.status).not.toBe(0);
    expect(missing.output).toContain(message);
    expect(missing.output).toContain("fix what STOP names, then run this step again");
    expect(missing.calls.filter((c) => /update-service|start-backup-job|put-|modify-|delete-/.test(c))).toEqual([]);
    const present = run([steps[0]]);
    expect(present.status).toBe(0);
    expect(present.output).toContain("ok: go on with step 2");
  });

  describe("carrying the template's proxy and custom CA over", () => {
    const proxyUrl = "http://ce-user:pa55w0rd@proxy.internal:3128";
    const caArn = secretArn("netskope-proxy-ca");
    const withSettings = (extra: Partial<EnvironmentInput>) => cutoverSteps(parseEnvironment({ ...input, ...extra } as EnvironmentInput), addresses)[0];

    it("prints each parameter with the field it maps to, the proxy's credentials masked, and stops when the environment lacks the proxy or the CA", () => {
      const result = run([steps[0]], { FAKE_HTTPSPROXY: proxyUrl, FAKE_CACERTFLAG: "True", FAKE_CACERTSECRETNAME: "netskope-proxy-ca", FAKE_CA_ARN: caArn });
      expect(result.status).not.toBe(0);
      expect(result.output).toContain("template HTTPSPROXY: http://<credentials>@proxy.internal:3128");
      expect(result.output).toContain(`template custom CA: ${caArn}`);
      expect(result.output).toContain("STOP: the template sends CE's traffic through a proxy and this environment has none: set proxy");
      expect(result.output).toContain(`STOP: the template trusts a custom CA (${caArn}) that this environment does not: set caCertificateSecretArn to it`);
      expect(steps[0].commands.join("\n")).toContain("# HTTPSPROXY -> proxy.httpsUrl (or, for a URL with credentials, the HTTPS_PROXY key of the JSON secret in proxy.urlsSecretArn)");
      expect(result.output + result.calls.join("\n")).not.toContain("pa55w0rd");
    });

    it("passes when the environment carries them over", () => {
      const carried = withSettings({ proxy: { urlsSecretArn: secretArn("ce/proxy-urls"), ports: [3128], awsServiceAccess: "direct" }, caCertificateSecretArn: caArn });
      const result = run([carried], { FAKE_HTTPSPROXY: proxyUrl, FAKE_CACERTFLAG: "True", FAKE_CACERTSECRETNAME: "netskope-proxy-ca", FAKE_CA_ARN: caArn });
      expect(result.output).not.toContain("STOP");
      expect(result.status).toBe(0);
    });
  });

  describe("rollback", () => {
    const rollback = steps.filter((s) => s.rollback || s.title.startsWith("Rollback"));
    const state = (addresses: string[]) => writeFileSync(join(dir, "state"), `${addresses.join("\n")}\n`);

    it("runs right after the backup (before the deploy): nothing of ce-adopted6 to stop or to take out of a state, the template's policy and security groups put back, its CE started", () => {
      expect(run(upToBackup()).status).toBe(0);
      const result = run(rollback);
      expect({ status: result.status, output: result.output }).toMatchObject({ status: 0 });
      const calls = result.calls.slice(result.calls.findIndex((c) => c.includes("--cluster ce-adopted6")));
      expect(calls.filter((c) => c.startsWith("terraform") || c.includes("update-service --cluster ce-"))).toEqual([]);
      expect(calls).toContainEqual(`aws efs put-file-system-policy --file-system-id ${OFFICIAL_TEMPLATE.fileSystemId} --policy file://ce-adopted6-template-efs-policy.json --query FileSystemId --output text`);
      for (const id of OFFICIAL_TEMPLATE.mountTargetIds) expect(calls).toContainEqual(`aws efs modify-mount-target-security-groups --mount-target-id ${id} --security-groups ${OFFICIAL_TEMPLATE.mountTargetSecurityGroupId}`);
      expect(calls).toContainEqual(`aws ecs update-service --cluster ${TEMPLATE_CLUSTER} --service ${TEMPLATE_SERVICE} --desired-count 1 --query service.desiredCount --output text`);
    });

    it("runs before anything was recorded, changing nothing it has no record of", () => {
      const result = run(rollback);
      expect(result.status).toBe(0);
      expect(result.calls.filter((c) => /efs (put|delete|modify)/.test(c))).toEqual([]);
      expect(result.output).toContain("no file system policy recorded (step 2 did not run): the policy was never changed");
    });

    it("after the deploy, stops ce-adopted6 first, then takes every adopted resource out of the state, and nothing else", () => {
      expect(run(upToBackup(), { FAKE_POLICY: "none" }).status).toBe(0);
      mkdirSync(join(dir, "cdktf.out", "stacks", "ce-adopted6"), { recursive: true });
      const others = ["aws_ecs_service.workload_service_service", "aws_efs_access_point.storage_access-point_internal-ca", "aws_kms_key.encryption-key_key"];
      state([...addresses, ...others]);
      const result = run(rollback, { FAKE_OWN_SERVICE: "active" });
      expect(result.status).toBe(0);
      const removed = result.calls.filter((c) => c.includes(" state rm ")).map((c) => c.split(" ").pop());
      expect(removed).toEqual(addresses);
      expect(readFileSync(join(dir, "state"), "utf8").split("\n").filter(Boolean)).toEqual(others);
      expect(before(result.calls, "aws ecs wait services-stable --cluster ce-adopted6", "state rm")).toMatchObject({ inOrder: true });
      expect(before(result.calls, "state rm", `--desired-count 1`)).toMatchObject({ inOrder: true });
      // The template had no file system policy: the rollback removes the one Terraform set.
      expect(result.calls).toContainEqual(`aws efs delete-file-system-policy --file-system-id ${OFFICIAL_TEMPLATE.fileSystemId}`);
      // The template gets its own automatic-backup setting back.
      expect(result.calls).toContainEqual(`aws efs put-backup-policy --file-system-id ${OFFICIAL_TEMPLATE.fileSystemId} --backup-policy Status=ENABLED --query BackupPolicy.Status --output text`);
    });

    it("after the data upgrade, first puts step 4's backup back in the template's file system (moved to /data by a one-off task), then hands the data back, then starts CE 5.0", () => {
      expect(run(upToBackup(), { FAKE_POLICY: "none" }).status).toBe(0);
      mkdirSync(join(dir, "cdktf.out", "stacks", "ce-adopted6"), { recursive: true });
      state([...addresses]);
      const result = run(rollback, { FAKE_OWN_SERVICE: "active" });
      expect({ status: result.status, output: result.output }).toMatchObject({ status: 0 });
      const fs = OFFICIAL_TEMPLATE.fileSystemId;
      expect(result.calls).toContainEqual(
        `aws backup start-restore-job --recovery-point-arn arn:aws:backup:eu-west-1:210987654321:recovery-point:rp-1 --iam-role-arn arn:aws:iam::210987654321:role/service-role/AWSBackupDefaultServiceRole --metadata file-system-id=${fs},newFileSystem=false,Encrypted=true,KmsKeyId=${OFFICIAL_TEMPLATE.awsManagedEfsKeyArn},PerformanceMode=generalPurpose --query RestoreJobId --output text`,
      );
      const task = JSON.parse(readFileSync(join(dir, "registered.json"), "utf8"));
      expect(task.volumes[0].efsVolumeConfiguration).toEqual({ fileSystemId: fs, rootDirectory: "/", transitEncryption: "ENABLED" });
      expect(task.containerDefinitions[0].command).toEqual(["move"]);
      for (const [first, second] of [
        ["--desired-count 0", "start-restore-job"],
        ["describe-restore-job", `delete-file-system-policy --file-system-id ${fs}`],
        [`delete-file-system-policy --file-system-id ${fs}`, "aws ecs run-task --cluster ce-adopted6"],
        ["aws ecs describe-tasks", " state rm "],
        [" state rm ", "--desired-count 1"],
      ]) {
        expect(before(result.calls, first, second)).toMatchObject({ inOrder: true });
      }
      expect(result.output).toContain("step 4's backup is back at /data");
    });

    it("names exactly what the synthesized stack imports, and the backup and file system policies it sets on that file system", () => {
      const stack = synthEnvironment(input);
      const imported = (stack.import as { to: string }[]).map((i) => i.to);
      const fileSystem = "${aws_efs_file_system.storage_file-system.id}";
      const onIt = ["aws_efs_backup_policy", "aws_efs_file_system_policy"].flatMap((type) =>
        Object.entries(stack.resource?.[type] ?? {})
          .filter(([, config]) => config.file_system_id === fileSystem)
          .map(([name]) => `${type}.${name}`),
      );
      expect(onIt).toHaveLength(2);
      expect([...addresses].sort()).toEqual([...imported, ...onIt].sort());
    });

    it("restores step 4's backup before the template's CE starts on data the upgrade moved on, and only where an upgrade can have run", () => {
      const restart = rollback[rollback.length - 1];
      expect(restart.title).toContain("R1 puts step 4's backup back in the template's file system first");
      expect(rollback[0].title).toMatch(/^Rollback after the data upgrade \(step 6\) ran, before anything else: put step 4's backup back/);
      const plain = cutoverSteps(parseEnvironment(adoptedEnvironment("5.0")), adoptedAddresses(parseEnvironment(adoptedEnvironment("5.0"))));
      expect(plain.filter((s) => s.rollback).map((s) => s.title.slice(0, 30))).toEqual(["Rollback, at any step before t", "Start the template's Cloud Exc"]);
      expect(plain[plain.length - 1].title).toBe("Start the template's Cloud Exchange again");
    });
  });

  it("name the environment's real identifiers", () => {
    const text = renderCutover(env, addresses);
    for (const id of [OFFICIAL_TEMPLATE.fileSystemId, ...OFFICIAL_TEMPLATE.mountTargetIds, OFFICIAL_TEMPLATE.stackName, TEMPLATE_CLUSTER, TEMPLATE_SERVICE, env.secrets.mode === "existing" ? env.secrets.jwtSecretArn : "", "npx cdktf deploy ce-adopted6"]) {
      expect(text).toContain(id);
    }
    expect(text).toMatch(/^# 1\. Check what/m);
    expect(text).toMatch(/^# R1\. Rollback after the data upgrade/m);
    expect(text).toMatch(/^# R2\. Rollback, at any step/m);
    expect(text).toMatch(/^# R3\. Start the template's/m);
  });

  it("are valid bash, every step", () => {
    for (const s of steps) {
      const result = spawnSync("bash", ["-n", "-c", s.commands.join("\n")], { encoding: "utf8" });
      expect({ step: s.title.slice(0, 40), status: result.status, stderr: result.stderr }).toEqual({ step: s.title.slice(0, 40), status: 0, stderr: "" });
    }
  });

  it("put no secret on a command line: values are read from the terminal and written from files that are shredded", () => {
    const secretStep = step("Put the template's JWT secret").commands.join("\n");
    expect(secretStep).toContain('read -rsp "Template maintenance password: " CE_MAINTENANCE');
    expect(secretStep).toMatch(/put-secret-value --secret-id \S+ --secret-string file:\/\/maintenance\.json/);
    expect(secretStep).toContain("shred -u jwt.txt maintenance.json cluster.json");
    expect(secretStep).not.toMatch(/--secret-string (?!file:)/);
    // The connection strings are CE 6.1's, with the escaped password filled in from the terminal's value.
    expect(secretStep).toContain("mongodb://cteadmin:@@ESCAPED@@@localhost:27017/cte?tls=true");
  });
});

/** The retained resources of a YAML template: logical IDs whose attributes include DeletionPolicy: Retain, read by indentation. */
function retainedIn(template: string): string[] {
  const lines = template.split("\n").map((l) => l.replace(/\r$/, ""));
  const retained: string[] = [];
  let inResources = false;
  let idIndent = -1;
  let attributeIndent = -1;
  let current = "";
  for (const line of lines) {
    if (/^\S/.test(line) && !line.startsWith("#")) {
      inResources = /^["']?Resources["']?\s*:/.test(line);
      idIndent = -1;
      continue;
    }
    if (!inResources || /^\s*(#.*)?$/.test(line)) continue;
    const indent = line.length - line.trimStart().length;
    if (idIndent < 0) idIndent = indent;
    if (indent === idIndent) {
      current = line.trim().replace(/:.*$/, "").replace(/["']/g, "");
      attributeIndent = -1;
      continue;
    }
    if (attributeIndent < 0) attributeIndent = indent;
    if (indent === attributeIndent && /^\s*DeletionPolicy:\s*Retain\s*$/.test(line)) retained.push(current);
  }
  return retained;
}

describe("keeping the data when the template's stack is deleted", () => {
  // A template with both styles of the official one: resources indented two spaces with attributes at four,
  // and one (EC2EndpointSecurityGroup) with attributes at six; Type bare, "double-" and 'single-quoted';
  // a quoted logical ID; a Type inside Properties; an existing DeletionPolicy on a kept resource.
  const TEMPLATE = [
    "Parameters:",
    "  NetskopeCloudExchangeEFS:",
    "    Type: String",
    "Resources:",
    "  VPC:",
    '    Type: "AWS::EC2::VPC"',
    "    Condition: CreateNewResources",
    "",
    "  EC2EndpointSecurityGroup:",
    "      Type: AWS::EC2::SecurityGroup",
    "      Condition: CreateNewResources",
    "      Properties:",
    "        GroupDescription: Used by Netskope CE EC2 Endpoint",
    "",
    "  EC2PrivateInterfaceEndpoint:",
    "    Type: 'AWS::EC2::VPCEndpoint'",
    "    Properties:",
    "      VpcEndpointType: Interface",
    "  NetskopeCloudExchangeEFS:",
    '    Type: "AWS::EFS::FileSystem"',
    "    DeletionPolicy: Delete",
    "    Properties:",
    "      Encrypted: true",
    "  MountTargetResource1:",
    "    Type: AWS::EFS::MountTarget",
    '  "MountTargetResource2":',
    "    Type: AWS::EFS::MountTarget",
    "  'MongoDBAccessPoint':",
    '    Type: "AWS::EFS::AccessPoint"',
    "  RabbitMQAccessPoint:",
    '    Type: "AWS::EFS::AccessPoint"',
    "  VPCFlowLogRole:",
    '    Type: "AWS::IAM::Role"',
    "  NetskopeTaskLogGroup:",
    "    Type: AWS::Logs::LogGroup",
    "  TaskSecurityGroup:",
    "    DependsOn: VPC",
    "    Type: AWS::EC2::SecurityGroup   # the task's",
    "  NetskopeTargetGroup:",
    "    Type: AWS::ElasticLoadBalancingV2::TargetGroup",
    "    Properties:",
    "      Type: AWS::EC2::NotAResourceType",
    "  ECSClusterServiceWithALB:",
    "    Type: AWS::ECS::Service",
    "Outputs:",
    "  MongoDBAccessPoint:",
    "    Value: x",
    "",
  ].join("\n");
  const WANTED = ["VPC", "EC2EndpointSecurityGroup", "EC2PrivateInterfaceEndpoint", "NetskopeCloudExchangeEFS", "MountTargetResource1", "MountTargetResource2", "MongoDBAccessPoint", "VPCFlowLogRole", "NetskopeTaskLogGroup", "TaskSecurityGroup"];
  // The awk program of the printed retire step of the adopted CE 5.0 environment (two mount targets, five access points).
  const adopted = parseEnvironment(adoptedEnvironment("5.0"));
  const retire = cutoverSteps(adopted, []).find((s) => s.title.startsWith("Retire the template's stack"))!;
  const awkCommand = retire.commands.find((c) => c.startsWith("awk '"))!;
  const program = awkCommand.slice("awk '".length, awkCommand.lastIndexOf("' "));

  const edit = (template: string) => {
    const dir = mkdtempSync(join(tmpdir(), "ce-retain-"));
    try {
      writeFileSync(join(dir, "template.yaml"), template);
      return spawnSync("awk", [program, join(dir, "template.yaml")], { encoding: "utf8" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("keeps the file system, mount targets, kept access points, flow-log role, 5.0 log group and every AWS::EC2::* resource, whatever their indentation and quoting, and nothing else", () => {
    const result = edit(TEMPLATE);
    expect(result.status).toBe(0);
    expect(retainedIn(result.stdout)).toEqual(WANTED);
    // The policy sits at each resource's own attribute indentation, and replaces the one the file system had.
    expect(result.stdout).toContain("  EC2EndpointSecurityGroup:\n      DeletionPolicy: Retain\n      Type: AWS::EC2::SecurityGroup");
    expect(result.stdout).not.toContain("DeletionPolicy: Delete");
    // Nothing else moved: removing the added lines gives the template back, less the replaced policy.
    expect(result.stdout.split("\n").filter((l) => !/^\s+DeletionPolicy: Retain$/.test(l)).join("\n")).toBe(TEMPLATE.replace("    DeletionPolicy: Delete\n", ""));
  });

  it("reads and keeps Windows line ends (the official template has them)", () => {
    const result = edit(TEMPLATE.replace(/\n/g, "\r\n"));
    expect(result.status).toBe(0);
    expect(retainedIn(result.stdout)).toEqual(WANTED);
    expect(result.stdout.split("\n").slice(0, -1).every((l) => l.endsWith("\r"))).toBe(true);
  });

  it("fits in the shell's single quotes of the printed command", () => {
    expect(retainAwkProgram(keptLogicalIds(3, Object.keys(OFFICIAL_TEMPLATE.accessPoints)))).not.toContain("'");
    expect(spawnSync("bash", ["-n", "-c", awkCommand]).status).toBe(0);
  });
});
