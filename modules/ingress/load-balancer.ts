/**
 * The internal Application Load Balancer in front of the UI: HTTPS with a
 * TLS 1.3 policy and an HTTP→HTTPS redirect when a certificate is given (plain
 * HTTP otherwise), deletion protection, invalid header fields dropped, and
 * access logs to a hardened bucket that itself logs to a second bucket.
 */
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Construct } from "constructs";
import { AwsLocation } from "../aws-location";
import { HardenedBucket, serverAccessLogDelivery, ServerAccessLogSource } from "../buckets/hardened-bucket";
import { UI_PORT } from "../network/security-groups";

/**
 * Elastic Load Balancing account per region, for log delivery in regions
 * opened before August 2022 (from the official template's RegionMap). Newer
 * regions deliver through the service principal, which every region accepts.
 */
export const ELB_ACCOUNT_BY_REGION: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-south-1": "635631232127",
  "eu-north-1": "897822967062",
  "ap-east-1": "754344448648",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
  "cn-north-1": "638102146993",
  "cn-northwest-1": "037604701340",
};

/** The target group's health check on the UI (the template's values). */
export const UI_HEALTH_CHECK = {
  path: "/",
  matcher: "200",
  intervalSeconds: 30,
  timeoutSeconds: 10,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
} as const;

/** Props of {@link LoadBalancer}. */
export interface LoadBalancerProps extends AwsLocation {
  /** Prefix of names, `ce-<env>`. */
  readonly prefix: string;
  /** VPC of the target group. */
  readonly vpcId: string;
  /** Private subnets of the (internal) load balancer. */
  readonly subnetIds: readonly string[];
  /** The load balancer's security group. */
  readonly securityGroupId: string;
  /** ACM certificate; undefined means plain HTTP only. */
  readonly certificateArn?: string;
  /** TLS policy of the HTTPS listener. */
  readonly sslPolicy: string;
  /** Deletion protection. */
  readonly deletionProtection: boolean;
  /** Idle timeout in seconds. */
  readonly idleTimeoutSeconds: number;
  /** Days access logs are kept. */
  readonly accessLogRetentionDays: number;
  /** Leave the log buckets without prevent_destroy. Default false. */
  readonly allowDestroy?: boolean;
  /** Protocol the UI serves on its port (CE 6: HTTPS with its own certificate; the ALB does not verify it). Default HTTP. */
  readonly targetProtocol?: "HTTP" | "HTTPS";
}

/** The listener ports a load balancer has: 443 and 80 with a certificate, 80 without. */
export function listenerPorts(certificateArn: string | undefined): number[] {
  return certificateArn ? [443, 80] : [80];
}

/** The load balancer, its target group, listeners and log buckets. */
export class LoadBalancer extends Construct {
  /** The load balancer. */
  readonly loadBalancer: Lb;
  /** The UI target group. */
  readonly targetGroup: LbTargetGroup;
  /** Listeners; services must be created after them. */
  readonly listeners: LbListener[];
  /** Bucket of the access logs. */
  readonly accessLogBucket: HardenedBucket;
  /** Bucket of the access log bucket's own server access logs. */
  readonly serverAccessLogBucket: HardenedBucket;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const suffix = `${props.accountId}-${props.region}`;
    const logged: ServerAccessLogSource = {
      bucketName: `${props.prefix}-alb-logs-${suffix}`,
      prefix: "alb-log-bucket/",
      accountId: props.accountId,
      partition: props.partition,
    };
    this.serverAccessLogBucket = new HardenedBucket(this, "server-access-log-bucket", {
      bucketName: `${props.prefix}-access-logs-${suffix}`,
      encryption: { kind: "s3-managed" },
      expireAfterDays: props.accessLogRetentionDays,
      noncurrentVersionDays: 30,
      allowDestroy: props.allowDestroy,
      policyStatements: (bucketArn) => [serverAccessLogDelivery(bucketArn, logged)],
    });
    const logPrefix = "alb";
    const elbAccount = ELB_ACCOUNT_BY_REGION[props.region];
    this.accessLogBucket = new HardenedBucket(this, "access-log-bucket", {
      bucketName: logged.bucketName,
      encryption: { kind: "s3-managed" },
      expireAfterDays: props.accessLogRetentionDays,
      noncurrentVersionDays: 30,
      accessLogs: { targetBucket: this.serverAccessLogBucket.bucketName, prefix: logged.prefix },
      allowDestroy: props.allowDestroy,
      policyStatements: (bucketArn) => {
        const resource = `${bucketArn}/${logPrefix}/AWSLogs/${props.accountId}/*`;
        return [
          ...(elbAccount
            ? [
                {
                  Sid: "ElbAccountDeliversAccessLogs",
                  Effect: "Allow" as const,
                  Principal: { AWS: `arn:${props.partition}:iam::${elbAccount}:root` },
                  Action: "s3:PutObject",
                  Resource: resource,
                },
              ]
            : []),
          {
            Sid: "ElbServiceDeliversAccessLogs",
            Effect: "Allow",
            Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: resource,
          },
        ];
      },
    });

    this.loadBalancer = new Lb(this, "load-balancer", {
      name: props.prefix,
      internal: true,
      loadBalancerType: "application",
      ipAddressType: "ipv4",
      securityGroups: [props.securityGroupId],
      subnets: [...props.subnetIds],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
      enableDeletionProtection: props.deletionProtection,
      idleTimeout: props.idleTimeoutSeconds,
      accessLogs: { bucket: this.accessLogBucket.bucketName, prefix: logPrefix, enabled: true },
      dependsOn: [this.accessLogBucket.policy],
    });
    const targetProtocol = props.targetProtocol ?? "HTTP";
    this.targetGroup = new LbTargetGroup(this, "target-group", {
      // The protocol is in the name: a release that changes it replaces the group, the new one first.
      name: targetProtocol === "HTTP" ? `${props.prefix}-ui` : `${props.prefix}-ui-${targetProtocol.toLowerCase()}`,
      port: UI_PORT,
      protocol: targetProtocol,
      protocolVersion: "HTTP1",
      lifecycle: { createBeforeDestroy: true },
      targetType: "ip",
      vpcId: props.vpcId,
      deregistrationDelay: "30",
      healthCheck: {
        enabled: true,
        protocol: targetProtocol,
        path: UI_HEALTH_CHECK.path,
        matcher: UI_HEALTH_CHECK.matcher,
        interval: UI_HEALTH_CHECK.intervalSeconds,
        timeout: UI_HEALTH_CHECK.timeoutSeconds,
        healthyThreshold: UI_HEALTH_CHECK.healthyThreshold,
        unhealthyThreshold: UI_HEALTH_CHECK.unhealthyThreshold,
      },
    });
    const forward = [{ type: "forward", targetGroupArn: this.targetGroup.arn }];
    if (props.certificateArn) {
      this.listeners = [
        new LbListener(this, "https-listener", {
          loadBalancerArn: this.loadBalancer.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: props.sslPolicy,
          certificateArn: props.certificateArn,
          defaultAction: forward,
        }),
        new LbListener(this, "http-listener", {
          loadBalancerArn: this.loadBalancer.arn,
          port: 80,
          protocol: "HTTP",
          defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        }),
      ];
    } else {
      this.listeners = [
        new LbListener(this, "http-listener", {
          loadBalancerArn: this.loadBalancer.arn,
          port: 80,
          protocol: "HTTP",
          defaultAction: forward,
        }),
      ];
    }
  }
}
