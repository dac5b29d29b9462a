/**
 * Retiring the official template's CloudFormation stack without losing what
 * the adopted environment still uses: the resources to keep, by the
 * template's logical IDs, and the edit that adds `DeletionPolicy: Retain` to
 * them before the stack is deleted.
 */

/** Logical IDs of the official template's resources the adopted data needs, by this project's access-point key. */
export const TEMPLATE_LOGICAL_IDS = {
  fileSystem: "NetskopeCloudExchangeEFS",
  mountTargets: ["MountTargetResource1", "MountTargetResource2", "MountTargetResource3"],
  accessPoints: {
    "mongo-data": "MongoDBAccessPoint",
    "custom-plugins": "CustomPluginsAccessPoint",
    repos: "CustomRepoAccessPoint",
    "ssl-certs": "SSLCertAccessPoint",
    "rabbitmq-data": "RabbitmqDataAccessPoint",
  } as Readonly<Record<string, string>>,
  /**
   * Kept besides the data: the log group holding CE 5.0's container logs (the
   * record of what ran before), and the role the VPC flow log (kept with the
   * network) delivers its logs with.
   */
  alsoKept: ["NetskopeTaskLogGroup", "VPCFlowLogRole"],
} as const;

/** The template's logical IDs to keep for an environment that adopted `mountTargets` mount targets and the access points `accessPointKeys`. */
export function keptLogicalIds(mountTargets: number, accessPointKeys: readonly string[]): string[] {
  return [
    TEMPLATE_LOGICAL_IDS.fileSystem,
    ...TEMPLATE_LOGICAL_IDS.mountTargets.slice(0, mountTargets),
    ...accessPointKeys.map((key) => TEMPLATE_LOGICAL_IDS.accessPoints[key]).filter((id): id is string => id !== undefined),
    ...TEMPLATE_LOGICAL_IDS.alsoKept,
  ];
}

/**
 * An awk program (POSIX awk: mawk, gawk, BSD awk) that adds
 * `DeletionPolicy: Retain` to the named logical IDs and to every
 * `AWS::EC2::*` resource (the network the environment keeps using) in the
 * Resources section of a YAML template, whatever each resource's indentation
 * and quoting: logical IDs at the indentation of the section's first entry,
 * a resource's attributes at the indentation of its first attribute, keys
 * and `Type` values bare, 'single-' or "double-quoted". Each resource is
 * read whole before it is written: the policy goes right after its logical
 * ID, at its attributes' indentation, and replaces a DeletionPolicy it had.
 * Everything else is written back unchanged, Windows line ends included
 * (the inserted line takes its resource's). The program holds no single
 * quote (\047 stands for it), so it fits in a shell's single quotes.
 */
export function retainAwkProgram(logicalIds: readonly string[]): string {
  return [
    "function lead(s) { match(s, /^ */); return RLENGTH }",
    'function keyof(s,   k) { k = s; sub(/^ */, "", k); sub(/[ \\t]*:.*$/, "", k); gsub(/["\\047]/, "", k); return k }',
    'function valueof(s,   v) { v = s; sub(/^[^:]*:[ \\t]*/, "", v); sub(/[ \\t]+#.*$/, "", v); gsub(/["\\047]/, "", v); sub(/[ \\t]+$/, "", v); return v }',
    "function flush(   i, retain) {",
    "  if (n == 0) return",
    "  retain = (id in named) || (type ~ /^AWS::EC2::/)",
    "  print buf[1]",
    '  if (retain && attr > 0) printf "%" attr "s%s%s\\n", "", "DeletionPolicy: Retain", ideol',
    '  for (i = 2; i <= n; i++) if (!(retain && lead(buf[i]) == attr && keyof(buf[i]) == "DeletionPolicy")) print buf[i]',
    '  n = 0; type = ""; attr = -1',
    "}",
    `BEGIN { count = split("${logicalIds.join(" ")}", list, " "); for (i = 1; i <= count; i++) named[list[i]] = 1; attr = -1 }`,
    // Lines are matched without a Windows line end (the official template has them) and written back with it.
    '{ raw = $0; eol = sub(/\\r$/, "") ? "\\r" : "" }',
    '/^[^ #]/ { flush(); inres = ($0 ~ /^["\\047]?Resources["\\047]?[ \\t]*:[ \\t]*(#.*)?$/); rind = -1; print raw; next }',
    "!inres { print raw; next }",
    "/^[ \\t]*(#.*)?$/ { if (n > 0) buf[++n] = raw; else print raw; next }",
    "{",
    "  ind = lead($0)",
    "  if (rind < 0) rind = ind",
    "  if (ind <= rind) { flush(); id = keyof($0); ideol = eol; n = 1; buf[1] = raw; next }",
    "  if (attr < 0) attr = ind",
    '  if (ind == attr && keyof($0) == "Type") type = valueof($0)',
    "  buf[++n] = raw",
    "}",
    "END { flush() }",
  ].join("\n");
}
