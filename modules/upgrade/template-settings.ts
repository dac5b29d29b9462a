/**
 * The official template's proxy and custom CA, carried over to an adopting
 * environment: which stack parameter becomes which environment field, and
 * the shell lines that read them from the stack, print them (credentials in
 * a proxy URL masked) and stop when the environment lacks one the template
 * used.
 */
import type { Environment } from "../config";

/** How each of the template's proxy and CA parameters maps to this project's environment fields. */
export const TEMPLATE_SETTING_FIELDS = [
  { parameter: "HTTPPROXY", field: "proxy.httpUrl", note: "or, for a URL with credentials, the HTTP_PROXY key of the JSON secret in proxy.urlsSecretArn" },
  { parameter: "HTTPSPROXY", field: "proxy.httpsUrl", note: "or, for a URL with credentials, the HTTPS_PROXY key of the JSON secret in proxy.urlsSecretArn" },
  { parameter: "CACertFlag, CACertSecretName", field: "caCertificateSecretArn", note: "the ARN of the same secret, a PEM certificate, when CACertFlag is True" },
] as const;

/** This environment's proxy and CA, as one line for the operator to compare. */
function environmentSettings(env: Environment): string {
  const proxy = env.proxy;
  const proxyText = !proxy
    ? "no proxy"
    : proxy.urlsSecretArn
      ? `proxy.urlsSecretArn ${proxy.urlsSecretArn}`
      : `proxy.httpUrl ${proxy.httpUrl ?? "(none)"}, proxy.httpsUrl ${proxy.httpsUrl ?? "(none)"}`;
  return `${proxyText}; caCertificateSecretArn ${env.caCertificateSecretArn ?? "(none)"}`;
}

/**
 * Shell lines that print the template's proxy and CA parameters next to the
 * environment fields they map to, and report STOP (through the `stop`
 * function the caller defines) when the template uses a proxy or a custom CA
 * the environment does not carry over.
 */
export function templateSettingsCheck(env: Environment, stackName: string): string[] {
  const lines = TEMPLATE_SETTING_FIELDS.map(({ parameter, field, note }) => `# ${parameter} -> ${field} (${note})`);
  return [
    "# The template's proxy and custom CA, and the environment fields they map to:",
    ...lines,
    `param() { aws cloudformation describe-stacks --stack-name ${stackName} --query "Stacks[0].Parameters[?ParameterKey=='$1'].ParameterValue | [0]" --output text | sed -e 's/^None$//'; }`,
    "masked() { sed -E 's#://[^/@]*@#://<credentials>@#'; }",
    'for key in HTTPPROXY HTTPSPROXY; do echo "template $key: $(param "$key" | masked)"; done',
    'ca_arn=""; if [ "$(param CACertFlag)" = True ]; then ca_arn=$(aws secretsmanager describe-secret --secret-id "$(param CACertSecretName)" --query ARN --output text); fi',
    'echo "template custom CA: ${ca_arn:-none}"',
    `echo "this environment: ${environmentSettings(env)}"`,
    ...(env.proxy ? [] : ['[ -z "$(param HTTPPROXY)$(param HTTPSPROXY)" ] || stop "the template sends CE\'s traffic through a proxy and this environment has none: set proxy (proxy.httpUrl / proxy.httpsUrl, or proxy.urlsSecretArn for a URL with credentials)"']),
    `[ -z "$ca_arn" ] || [ "$ca_arn" = "${env.caCertificateSecretArn ?? ""}" ] || stop "the template trusts a custom CA ($ca_arn) that this environment does not: set caCertificateSecretArn to it"`,
  ];
}
