/**
 * Failing over to a standby region, and back, as the exact commands for one
 * standby environment (`npm run failover -- <standby>`).
 *
 * Promotion (P1-P6), which never needs the primary's region: read what the
 * replica holds (its last sync is the data a failover loses), stop the
 * primary if its region answers, delete the replication from the standby's
 * side (the replica becomes writable; EFS re-enables its overwrite
 * protection), deploy the standby promoted (standby.promoted: true: services
 * at one task each, backups and alarms on), point clients at it, verify.
 * The standby's stack holds nothing in the primary's region and keeps its
 * state in its own region, so all of this works while the primary's region
 * is down.
 *
 * Failback (F1-F6), once the primary's region is back, in a maintenance
 * window: keep the old primary stopped, replicate the standby's file system
 * back into the primary's (EFS replication into an existing file system,
 * whose overwrite protection is turned off for it), stop the standby and
 * wait for a sync after the stop, end that replication, make the standby a
 * standby again (its replica accepting the primary's replication, services
 * at zero), deploy the primary (services up, its replication to the standby
 * again), point clients back.
 */
import type { Environment } from "../config";
import { STATEFUL_RESOURCE_TYPES } from "../restore/restore";
import { ShellStep, renderSteps } from "../restore/shell-steps";

/** Names the steps share. */
interface Names {
  readonly standby: string;
  readonly primary: string;
  readonly standbyDir: string;
  readonly primaryDir: string;
  readonly standbyRegion: string;
  readonly primaryRegion: string;
  readonly saved: (what: string) => string;
}

/** What the commands need to know of the primary (read from its environment when it is loaded). */
export interface PrimaryFacts {
  /** Its cluster. */
  readonly cluster: string;
  /** Its ECS services. */
  readonly services: readonly string[];
}

const orStop = (message: string) => `|| { echo "STOP: ${message}"; return 1; }`;

/** Lines that wait until a command prints `value`, up to `rounds` times 30 s. */
function waitFor(command: string, value: string, what: string, rounds = 60): string[] {
  return [
    `for round in $(seq 1 ${rounds}); do`,
    `  now=$(${command})`,
    `  [ "$now" = ${value} ] && break`,
    `  [ "$round" = ${rounds} ] && { echo "STOP: ${what} after ${rounds / 2} minutes (now: $now)"; return 1; }`,
    "  sleep 30",
    "done",
  ];
}

/** The services of an environment and its cluster, from its settings. */
export function servicesOf(env: Environment): PrimaryFacts {
  const prefix = `ce-${env.name}`;
  return { cluster: env.cluster.existingClusterName ?? prefix, services: env.variant === "ha" ? [1, 2, 3].map((n) => `${prefix}-node-${n}`) : [prefix] };
}

/** A saved plan of a stack checked: nothing stateful deleted or replaced, and its file system kept. */
function planChecked(n: Names, dir: string, plan: string, fileSystemFile: string): string[] {
  return [
    `terraform -chdir=${dir} show -json ${plan} > ${n.saved("plan.json")} ${orStop("cannot read the plan")}`,
    `python3 - ${n.saved("plan.json")} "$(cat ${fileSystemFile})" <<'PY' ${orStop("the plan is not what this step expects: read the lines above, fix, and run this step again")}`,
    "import json, sys",
    "plan = json.load(open(sys.argv[1]))",
    `stateful = set(${JSON.stringify([...STATEFUL_RESOURCE_TYPES])})`,
    'changes = plan.get("resource_changes", [])',
    'lost = [c["address"] for c in changes if c["type"] in stateful and "delete" in c["change"]["actions"]]',
    'fs = [c for c in changes if c["address"] == "aws_efs_file_system.storage_file-system"]',
    'kept = fs and (fs[0]["change"].get("before") or {}).get("id") == sys.argv[2] and "delete" not in fs[0]["change"]["actions"]',
    'if lost: print("the plan deletes or replaces " + ", ".join(lost))',
    'if not kept: print("the plan does not keep " + sys.argv[2] + " at aws_efs_file_system.storage_file-system")',
    "sys.exit(1 if lost or not kept else 0)",
    "PY",
  ];
}

/** Deploys a stack through a checked plan, after its synthesized services show `desired` tasks each. */
function deployChecked(n: Names, stack: string, dir: string, desired: number, edit: string, plan: string, fileSystemFile: string): string[] {
  return [
    `npx cdktf synth > /dev/null ${orStop("npx cdktf synth failed: read its error (a field of the environment)")}`,
    `grep -q '"desired_count": ${desired}' ${dir}/cdk.tf.json ${orStop(`${stack} does not run ${desired} task${desired === 1 ? "" : "s"} per service yet: ${edit}, and run this step again`)}`,
    `terraform -chdir=${dir} init -input=false > /dev/null ${orStop(`terraform init failed for ${stack}: check the credentials and its state bucket`)}`,
    `terraform -chdir=${dir} plan -input=false -out=${plan} > /dev/null ${orStop(`terraform plan failed for ${stack}: read its error`)}`,
    ...planChecked(n, dir, plan, fileSystemFile),
    `terraform -chdir=${dir} apply -input=false ${plan} ${orStop(`terraform apply failed for ${stack}: read its error, fix, and run this step again`)}`,
  ];
}

function readStep(env: Environment, n: Names): ShellStep {
  const out = (name: string, file: string) => `terraform -chdir=${n.standbyDir} output -raw ${name} > ${n.saved(file)} ${orStop(`cannot read the stack output ${name} of ${n.standby}`)}`;
  return {
    label: "P1",
    title: `As ${n.standby}'s deployer, in ${n.standbyRegion}: read the standby's identifiers, and how old the replica's data is (what a failover loses)`,
    commands: [
      `export AWS_REGION=${n.standbyRegion}`,
      `npx cdktf synth > /dev/null ${orStop("npx cdktf synth failed: run it in the project directory and read its error")}`,
      `terraform -chdir=${n.standbyDir} init -input=false > /dev/null ${orStop(`terraform init failed for ${n.standby}: check the credentials and its state bucket (in ${env.state.region})`)}`,
      out("file-system-id", "file-system"),
      out("cluster-name", "cluster"),
      `terraform -chdir=${n.standbyDir} output -json service-names | python3 -c 'import json, sys; print(" ".join(json.load(sys.stdin)))' > ${n.saved("services")} ${orStop(`cannot read the stack output service-names of ${n.standby}`)}`,
      env.ingress.mode === "alb" ? out("load-balancer-dns-name", "load-balancer") : `echo "" > ${n.saved("load-balancer")}`,
      `status=$(aws efs describe-replication-configurations --file-system-id "$(cat ${n.saved("file-system")})" --query 'Replications[0].Destinations[0].Status' --output text 2> /dev/null || echo NONE)`,
      `synced=$(aws efs describe-replication-configurations --file-system-id "$(cat ${n.saved("file-system")})" --query 'Replications[0].Destinations[0].LastReplicatedTimestamp' --output text 2> /dev/null || echo unknown)`,
      `echo "replication into $(cat ${n.saved("file-system")}): $status, last synced $synced: changes on ${n.primary} after that are lost by a failover"`,
    ],
  };
}

function stopPrimaryStep(n: Names, primary: PrimaryFacts): ShellStep {
  return {
    label: "P2",
    title: `Stop ${n.primary} in ${n.primaryRegion} if its region answers, so two Cloud Exchanges never run at once (skipped when it does not answer; F1 stops it when the region is back)`,
    commands: [
      `for service in ${primary.services.join(" ")}; do`,
      `  aws ecs update-service --region ${n.primaryRegion} --cli-connect-timeout 10 --cli-read-timeout 20 --cluster ${primary.cluster} --service "$service" --desired-count 0 --query service.desiredCount --output text > /dev/null \\`,
      `    && echo "stopped $service" || echo "${n.primaryRegion} does not answer for $service: going on (F1 stops it later)"`,
      "done",
    ],
  };
}

function releaseReplicaStep(n: Names): ShellStep {
  const fs = `--file-system-id "$(cat ${n.saved("file-system")})"`;
  return {
    label: "P3",
    title: `Delete the replication from ${n.standby}'s side, so its replica becomes writable (its own side only when ${n.primaryRegion} does not answer)`,
    commands: [
      `export AWS_REGION=${n.standbyRegion}`,
      `aws efs delete-replication-configuration ${fs} \\`,
      `  || aws efs delete-replication-configuration ${fs} --deletion-mode LOCAL_CONFIGURATION_ONLY \\`,
      `  || echo "no replication into $(cat ${n.saved("file-system")}) left"`,
      ...waitFor(`aws efs describe-file-systems ${fs} --query 'FileSystems[0].FileSystemProtection.ReplicationOverwriteProtection' --output text`, "ENABLED", "the replica is not writable yet"),
      `echo "$(cat ${n.saved("file-system")}) is writable"`,
    ],
  };
}

function promoteStep(env: Environment, n: Names): ShellStep {
  return {
    label: "P4",
    title: `Deploy ${n.standby} promoted: set standby.promoted: true in environments/${env.name}.ts (services at one task each, the logical backup and the service alarms on; the replica stays its file system)`,
    commands: [
      `export AWS_REGION=${n.standbyRegion}`,
      ...deployChecked(n, n.standby, n.standbyDir, 1, `set standby.promoted: true in environments/${env.name}.ts`, "promote.tfplan", n.saved("file-system")),
      `aws ecs wait services-stable --cluster "$(cat ${n.saved("cluster")})" --services $(cat ${n.saved("services")})`,
    ],
  };
}

function pointClientsStep(env: Environment, n: Names, toStandby: boolean): ShellStep {
  const dns = env.standby?.clientDns;
  const target = toStandby ? `"$(cat ${n.saved("load-balancer")})"` : `"$(terraform -chdir=${n.primaryDir} output -raw load-balancer-dns-name)"`;
  const label = toStandby ? "P5" : "F6";
  const title = toStandby ? `Point clients at ${n.standby}` : `Point clients back at ${n.primary}`;
  if (!dns) {
    return {
      label,
      title: `${title}: the UI's DNS name, wherever it is kept, to the load balancer named below`,
      commands: [`echo "point the UI's DNS name at ${toStandby ? `$(cat ${n.saved("load-balancer")})` : `$(terraform -chdir=${n.primaryDir} output -raw load-balancer-dns-name)`} (a CNAME, with its certificate's name)"`],
    };
  }
  const change = `'{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"${dns.recordName}","Type":"CNAME","TTL":60,"ResourceRecords":[{"Value":"'"$target"'"}]}}]}'`;
  return {
    label,
    title: `${title}: ${dns.recordName} (zone ${dns.hostedZoneId}) as a CNAME of its load balancer, 60 s TTL`,
    commands: [
      `target=${target}`,
      `[ -n "$target" ] ${orStop("no load balancer name to point at")}`,
      `change=$(aws route53 change-resource-record-sets --hosted-zone-id ${dns.hostedZoneId} --change-batch ${change} --query ChangeInfo.Id --output text) ${orStop(`cannot change ${dns.recordName}`)}`,
      `aws route53 wait resource-record-sets-changed --id "$change"`,
      `echo "${dns.recordName} now points at $target"`,
    ],
  };
}

function verifyStep(n: Names): ShellStep {
  return {
    label: "P6",
    title: `Verify: every service of ${n.standby} runs its task, and the UI answers`,
    commands: [
      `export AWS_REGION=${n.standbyRegion}`,
      `for service in $(cat ${n.saved("services")}); do`,
      `  running=$(aws ecs describe-services --cluster "$(cat ${n.saved("cluster")})" --services "$service" --query 'services[0].runningCount' --output text)`,
      `  [ "$running" = 1 ] ${orStop(`$service runs $running tasks: read its log (aws logs tail /ecs/cloud-exchange/${n.standby.replace(/^ce-/, "")} --since 30m); when MongoDB does not start on the replica, restore the newest dump: npm run restore -- ${n.standby.replace(/^ce-/, "")}, step L`)}`,
      "done",
      `terraform -chdir=${n.standbyDir} output -raw ui-url`,
    ],
  };
}

function keepPrimaryStoppedStep(n: Names, primary: PrimaryFacts): ShellStep {
  return {
    label: "F1",
    title: `Failback, once ${n.primaryRegion} is back: keep ${n.primary} stopped (ECS restarts its tasks when the region returns), and read its file system; do not deploy ${n.primary} before F5`,
    commands: [
      `export AWS_REGION=${n.primaryRegion}`,
      `for service in ${primary.services.join(" ")}; do aws ecs update-service --cluster ${primary.cluster} --service "$service" --desired-count 0 --query service.desiredCount --output text > /dev/null ${orStop(`cannot stop $service in ${n.primaryRegion}`)}; done`,
      `aws ecs wait services-stable --cluster ${primary.cluster} --services ${primary.services.join(" ")}`,
      `terraform -chdir=${n.primaryDir} init -input=false > /dev/null ${orStop(`terraform init failed for ${n.primary}`)}`,
      `terraform -chdir=${n.primaryDir} output -raw file-system-id > ${n.saved("primary-file-system")} ${orStop(`cannot read ${n.primary}'s file system`)}`,
    ],
  };
}

function replicateBackStep(n: Names): ShellStep {
  const primaryFs = `--region ${n.primaryRegion} --file-system-id "$(cat ${n.saved("primary-file-system")})"`;
  const back = `--region ${n.standbyRegion} --file-system-id "$(cat ${n.saved("file-system")})"`;
  return {
    label: "F2",
    title: `Replicate ${n.standby}'s file system back into ${n.primary}'s (whose data since the failover is overwritten) and wait for the first sync`,
    commands: [
      `aws efs delete-replication-configuration ${primaryFs} --deletion-mode LOCAL_CONFIGURATION_ONLY 2> /dev/null || echo "${n.primary}'s file system replicates no more"`,
      `aws efs update-file-system-protection ${primaryFs} --replication-overwrite-protection DISABLED ${orStop(`cannot let ${n.primary}'s file system receive a replication`)}`,
      `aws efs create-replication-configuration --region ${n.standbyRegion} --source-file-system-id "$(cat ${n.saved("file-system")})" --destinations "Region=${n.primaryRegion},FileSystemId=$(cat ${n.saved("primary-file-system")})" > /dev/null ${orStop("cannot replicate back")}`,
      ...waitFor(`aws efs describe-replication-configurations ${back} --query 'Replications[0].Destinations[0].Status' --output text`, "ENABLED", "the replication back is not enabled", 240),
    ],
  };
}

function switchBackStep(n: Names): ShellStep {
  const back = `--region ${n.standbyRegion} --file-system-id "$(cat ${n.saved("file-system")})"`;
  const primaryFs = `--region ${n.primaryRegion} --file-system-id "$(cat ${n.saved("primary-file-system")})"`;
  return {
    label: "F3",
    title: `In a maintenance window: stop ${n.standby}, wait until a sync after the stop has reached ${n.primary}'s file system, then end the replication back (which makes that file system writable)`,
    commands: [
      `export AWS_REGION=${n.standbyRegion}`,
      `for service in $(cat ${n.saved("services")}); do aws ecs update-service --cluster "$(cat ${n.saved("cluster")})" --service "$service" --desired-count 0 --query service.desiredCount --output text > /dev/null ${orStop("cannot stop $service")}; done`,
      `aws ecs wait services-stable --cluster "$(cat ${n.saved("cluster")})" --services $(cat ${n.saved("services")})`,
      "stopped=$(date -u +%s)",
      "for round in $(seq 1 120); do",
      `  synced=$(aws efs describe-replication-configurations ${back} --query 'Replications[0].Destinations[0].LastReplicatedTimestamp' --output text)`,
      `  [ "$(date -u -d "$synced" +%s 2> /dev/null || echo 0)" -gt "$stopped" ] && break`,
      `  [ "$round" = 120 ] && { echo "STOP: no sync after the stop in 60 minutes (last: $synced)"; return 1; }`,
      "  sleep 30",
      "done",
      `echo "synced after the stop: $synced"`,
      `aws efs delete-replication-configuration ${back} ${orStop("cannot end the replication back")}`,
      ...waitFor(`aws efs describe-file-systems ${primaryFs} --query 'FileSystems[0].FileSystemProtection.ReplicationOverwriteProtection' --output text`, "ENABLED", `${n.primary}'s file system is not writable yet`),
    ],
  };
}

function standByAgainStep(env: Environment, n: Names): ShellStep {
  return {
    label: "F4",
    title: `Make ${n.standby} a standby again: its file system accepts ${n.primary}'s replication, and standby.promoted: false in environments/${env.name}.ts holds its services at zero`,
    commands: [
      `export AWS_REGION=${n.standbyRegion}`,
      `aws efs update-file-system-protection --file-system-id "$(cat ${n.saved("file-system")})" --replication-overwrite-protection DISABLED ${orStop(`cannot let ${n.standby}'s file system receive ${n.primary}'s replication`)}`,
      ...deployChecked(n, n.standby, n.standbyDir, 0, `set standby.promoted: false in environments/${env.name}.ts`, "standby.tfplan", n.saved("file-system")),
    ],
  };
}

function primaryAgainStep(n: Names, primary: PrimaryFacts): ShellStep {
  return {
    label: "F5",
    title: `Deploy ${n.primary}: its services start on its file system again, and its replication to ${n.standby} is created again (Terraform finds it gone)`,
    commands: [
      `export AWS_REGION=${n.primaryRegion}`,
      ...deployChecked(n, n.primary, n.primaryDir, 1, `check environments/${n.primary.replace(/^ce-/, "")}.ts`, "failback.tfplan", n.saved("primary-file-system")),
      `aws ecs wait services-stable --cluster ${primary.cluster} --services ${primary.services.join(" ")}`,
    ],
  };
}

/** The failover of a standby environment: promotion (P1-P6), then failback (F1-F6). */
export function failoverSteps(env: Environment, primary: PrimaryFacts): ShellStep[] {
  if (!env.standby) throw new Error(`environment ${env.name} is no standby: only a standby fails over (standby: { primary, primaryRegion })`);
  const standby = `ce-${env.name}`;
  const primaryStack = `ce-${env.standby.primary}`;
  const names: Names = {
    standby,
    primary: primaryStack,
    standbyDir: `cdktf.out/stacks/${standby}`,
    primaryDir: `cdktf.out/stacks/${primaryStack}`,
    standbyRegion: env.region,
    primaryRegion: env.standby.primaryRegion,
    saved: (what) => `${standby}-failover-${what}`,
  };
  return [
    readStep(env, names),
    stopPrimaryStep(names, primary),
    releaseReplicaStep(names),
    promoteStep(env, names),
    pointClientsStep(env, names, true),
    verifyStep(names),
    keepPrimaryStoppedStep(names, primary),
    replicateBackStep(names),
    switchBackStep(names),
    standByAgainStep(env, names),
    primaryAgainStep(names, primary),
    pointClientsStep(env, names, false),
  ];
}

/** The failover as one commented shell listing. */
export function renderFailover(env: Environment, primary: PrimaryFacts): string {
  return renderSteps(
    [
      `Failover of ce-${env.standby!.primary} (${env.standby!.primaryRegion}) to its standby ce-${env.name} (${env.region}), and the failback (docs/runbooks.md, failing over).`,
      "Run one step at a time in one shell, in the project directory; each ends with ok, or STOP and what to fix.",
      "P1-P6 promote the standby and need nothing of the primary's region; F1-F6 move back once that region is up again, in a maintenance window.",
    ],
    failoverSteps(env, primary),
  );
}
