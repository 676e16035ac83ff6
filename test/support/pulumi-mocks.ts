/**
 * Pulumi mock harness for component tests (pulumi-awsx / pulumi-eks style): every registered resource is collected
 * from the mock's newResource with its inputs, so tests can check types, counts, IAM documents and secretness.
 * Secret inputs arrive wrapped in Pulumi's secret signature object; `isSecretValue` detects it and `reveal` unwraps.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** What the mock answered as the resource's state (outputs), secrets revealed as the provider would see them. */
  state: Record<string, unknown>;
  custom: boolean;
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export function isSecretValue(v: unknown): boolean {
  return !!v && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Unwraps secret markers recursively. */
export function reveal(v: unknown): unknown {
  if (isSecretValue(v)) return reveal((v as { value: unknown }).value);
  if (Array.isArray(v)) return v.map(reveal);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
  return v;
}

export const ACCOUNT = "123456789012";
/** The ingest password the mocked MediaPackage v1 Channel reports in `hlsIngest` (a credential in its state). */
export const MOCK_INGEST_PASSWORD = "mock-ingest-password-5b1e";
export const REGION = "eu-west-1";

export function outputsFor(r: {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}): Record<string, unknown> {
  const id = `${r.name}-id`;
  const s = { ...r.inputs } as Record<string, unknown>;
  const arn = (svc: string, res: string) => `arn:aws:${svc}:${REGION}:${ACCOUNT}:${res}`;
  switch (r.type) {
    case "aws:apigateway/restApi:RestApi":
      return { ...s, rootResourceId: "root", executionArn: arn("execute-api", id), name: r.name };
    case "aws:apigateway/stage:Stage":
      return {
        ...s,
        invokeUrl: `https://${id}.execute-api.${REGION}.amazonaws.com/${String(s.stageName)}`,
        arn: `arn:aws:apigateway:${REGION}::/restapis/${String(s.restApi)}/stages/${String(s.stageName)}`,
      };
    case "aws:apigateway/domainName:DomainName":
      return {
        ...s,
        arn: `arn:aws:apigateway:${REGION}::/domainnames/${String(s.domainName)}`,
        regionalDomainName: `d-abc123.execute-api.${REGION}.amazonaws.com`,
        regionalZoneId: "Z2FDTNDATAQYW2",
      };
    case "aws:apigatewayv2/domainName:DomainName":
      return {
        ...s,
        arn: `arn:aws:apigateway:${REGION}::/domainnames/${String(s.domainName)}`,
        domainNameConfiguration: {
          ...(s.domainNameConfiguration as object),
          targetDomainName: `d-xyz789.execute-api.${REGION}.amazonaws.com`,
          hostedZoneId: "Z2FDTNDATAQYW2",
        },
      };
    case "aws:iam/role:Role":
      return { ...s, arn: `arn:aws:iam::${ACCOUNT}:role/${r.name}`, name: r.name };
    case "aws:lambda/function:Function":
      return {
        ...s,
        arn: arn("lambda", `function:${r.name}`),
        name: r.name,
        invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn("lambda", `function:${r.name}`)}/invocations`,
      };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { ...s, arn: arn("logs", `log-group:${r.name}`), name: r.name };
    case "aws:secretsmanager/secret:Secret":
      return { ...s, arn: arn("secretsmanager", `secret:${r.name}-AbCdEf`) };
    case "aws:acm/certificate:Certificate":
      return {
        ...s,
        arn: arn("acm", `certificate/00000000-0000-0000-0000-${r.name.length.toString().padStart(12, "0")}`),
      };
    case "aws:dynamodb/table:Table":
      return { ...s, arn: arn("dynamodb", `table/${r.name}`), name: r.name };
    case "aws:apigatewayv2/api:Api":
      return {
        ...s,
        apiEndpoint: `https://${id}.execute-api.${REGION}.amazonaws.com`,
        executionArn: arn("execute-api", id),
      };
    case "aws:cloudwatch/eventRule:EventRule":
      return { ...s, arn: arn("events", `rule/${r.name}`), name: r.name };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return { ...s, arn: arn("cloudwatch", `alarm:${r.name}`) };
    case "random:index/randomUuid:RandomUuid":
      return { ...s, result: "0f8fad5b-d9cb-469f-a165-70867728950e" };
    case "random:index/randomBytes:RandomBytes":
      return { ...s, base64: Buffer.alloc(Number(s.length ?? 30), 7).toString("base64"), hex: "00" };
    case "aws-native:mediapackagev2:Channel":
      return {
        ...s,
        arn: arn("mediapackagev2", `channelGroup/${String(s.channelGroupName)}/channel/${String(s.channelName)}`),
        ingestEndpointUrls: [
          `https://abc-1.ingest.mediapackagev2.${REGION}.amazonaws.com/in/v1/${String(s.channelGroupName)}/1/${String(s.channelName)}/index`,
        ],
      };
    case "aws-native:mediapackagev2:OriginEndpoint": {
      const base = `https://egress.mediapackagev2.${REGION}.amazonaws.com/out/v1/${String(s.channelGroupName)}/${String(s.channelName)}/${String(s.originEndpointName)}`;
      return {
        ...s,
        arn: arn(
          "mediapackagev2",
          `channelGroup/${String(s.channelGroupName)}/channel/${String(s.channelName)}/originEndpoint/${String(s.originEndpointName)}`,
        ),
        // (unknown during a dry run: not a list)
        hlsManifestUrls: (Array.isArray(s.hlsManifests) ? (s.hlsManifests as { manifestName: string }[]) : []).map(
          (m) => `${base}/${m.manifestName}.m3u8`,
        ),
        dashManifestUrls: (Array.isArray(s.dashManifests) ? (s.dashManifests as { manifestName: string }[]) : []).map(
          (m) => `${base}/${m.manifestName}.mpd`,
        ),
        lowLatencyHlsManifestUrls: (Array.isArray(s.lowLatencyHlsManifests)
          ? (s.lowLatencyHlsManifests as { manifestName: string }[])
          : []
        ).map((m) => `${base}/${m.manifestName}.m3u8`),
        mssManifestUrls: (Array.isArray(s.mssManifests) ? (s.mssManifests as { manifestName: string }[]) : []).map(
          (m) => `${base}/${m.manifestName}.ism/Manifest`,
        ),
      };
    }
    case "aws-native:mediapackagev2:ChannelGroup":
      return {
        ...s,
        arn: arn("mediapackagev2", `channelGroup/${r.name}`),
        egressDomain: `abc.egress.mediapackagev2.${REGION}.amazonaws.com`,
      };
    case "aws-native:mediapackage:Channel":
      return {
        ...s,
        arn: arn("mediapackage", `channels/${r.name}`),
        hlsIngest: {
          ingestEndpoints: [
            { id: "a", url: "https://ingest/a", username: "ingest-user", password: MOCK_INGEST_PASSWORD },
          ],
        },
      };
    case "aws-native:mediapackage:OriginEndpoint":
      return {
        ...s,
        arn: arn("mediapackage", `origin_endpoints/${r.name}`),
        url: `https://x.mediapackage.${REGION}.amazonaws.com/out/v1/${String(s.awsId)}/index`,
      };
    case "aws-native:mediapackage:PackagingGroup":
      return {
        ...s,
        arn: arn("mediapackage-vod", `packaging-groups/${r.name}`),
        domainName: `https://vod.egress.mediapackage-vod.${REGION}.amazonaws.com`,
      };
    default:
      return { ...s, arn: arn("x", r.name) };
  }
}

/**
 * Installs mocks and returns the list that newResource fills. Call in `before`/`beforeEach`. `dryRun: true` runs as
 * `pulumi preview` does: outputs a resource does not report (see `unknown`) stay unknown and applies on them never run.
 */
export async function installMocks(opts: { dryRun?: boolean } = {}): Promise<Recorded[]> {
  const recorded: Recorded[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const state = outputsFor({
          type: args.type,
          name: args.name,
          inputs: reveal(args.inputs) as Record<string, unknown>,
        });
        recorded.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
          state,
          custom: args.custom !== false,
        });
        return { id: `${args.name}-id`, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        if (args.token === "aws:index/getCallerIdentity:getCallerIdentity")
          return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/test`, userId: "AID", id: ACCOUNT };
        if (args.token === "aws:index/getRegion:getRegion") return { name: REGION, region: REGION, id: REGION };
        if (args.token === "aws:index/getPartition:getPartition")
          return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        if (args.token === "aws-native:mediapackagev2:getChannel")
          return {
            arn: args.inputs.arn,
            ingestEndpointUrls: [
              `https://existing.ingest.mediapackagev2.${REGION}.amazonaws.com/in/v1/${String(args.inputs.arn).split("/").slice(1).join("/")}`,
            ],
          };
        return args.inputs;
      },
    },
    "keyplane",
    "test",
    opts.dryRun ?? false,
  );
  return recorded;
}

/** A resource whose `value` output the mock never reports: in a dry run it is unknown, as in `pulumi preview`. */
class UnknownSource extends pulumi.CustomResource {
  declare readonly value: pulumi.Output<unknown>;
  constructor(name: string) {
    super("keyplane:test:UnknownSource", name, { value: undefined });
  }
}

/** An Output whose value is unknown (another resource's output during preview); needs `installMocks({ dryRun: true })`. */
export function unknown<T>(name: string): pulumi.Output<T> {
  return new UnknownSource(name).value as pulumi.Output<T>;
}

/** Whether an Output's value is known (false for `unknown(...)` in a dry run). */
export function isKnown(o: pulumi.Output<unknown>): Promise<boolean> {
  return (o as unknown as { isKnown: Promise<boolean> }).isKnown;
}

/**
 * Builds a component and waits for its children to register; returns the messages of errors raised inside applies
 * (Pulumi reports a failed Input as an unhandled rejection of the resource registration that needed it).
 */
export async function applyErrors(build: () => pulumi.ComponentResource): Promise<string[]> {
  const errors: unknown[] = [];
  const onRejection = (e: unknown) => {
    errors.push(e);
  };
  process.on("unhandledRejection", onRejection);
  try {
    const c = build();
    await settle(c);
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  return [...new Set(errors.map((e) => (e instanceof Error ? e.message : String(e))))];
}

/** Records the options every resource below a component is registered with (pass as `transformations`). */
export function optionRecorder(): {
  transformation: pulumi.ResourceTransformation;
  opts: Map<string, pulumi.CustomResourceOptions>;
} {
  const opts = new Map<string, pulumi.CustomResourceOptions>();
  return {
    opts,
    transformation: (a) => {
      opts.set(`${a.type}::${a.name}`, a.opts as pulumi.CustomResourceOptions);
      return undefined;
    },
  };
}

/** Resolves an Output's value (mocks resolve everything). */
export function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) =>
    o.apply((v) => {
      resolve(v);
      return v;
    }),
  );
}

/** Waits until every resource registered so far (children included) has been processed by the mock. */
export async function settle(component: pulumi.ComponentResource): Promise<void> {
  await value(component.urn);
  // Children register asynchronously after their Outputs resolve; give the event loop a few turns.
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

export function ofType(rs: Recorded[], type: string): Recorded[] {
  return rs.filter((r) => r.type === type);
}

/** Parses an IAM policy input (JSON string, possibly secret-wrapped). */
export function policyOf(v: unknown): { Version: string; Statement: Record<string, unknown>[] } {
  const raw = reveal(v);
  return (typeof raw === "string" ? JSON.parse(raw) : raw) as { Version: string; Statement: Record<string, unknown>[] };
}

/** Least-privilege checks every policy must pass: no wildcard actions, and a `*` resource only with a Condition. */
export function assertLeastPrivilege(doc: { Statement: Record<string, unknown>[] }, where: string): void {
  for (const st of doc.Statement) {
    if (st.Effect !== "Allow") continue;
    const actions = ([] as unknown[]).concat(st.Action);
    for (const a of actions) {
      if (typeof a !== "string" || a === "*" || a.endsWith(":*") || a.includes("*"))
        throw new Error(`${where}: wildcard action ${String(a)}`);
    }
    const resources = ([] as unknown[]).concat(st.Resource);
    for (const r of resources) {
      if (typeof r !== "string" || r.length === 0) throw new Error(`${where}: missing resource`);
      if (r === "*" && !st.Condition) throw new Error(`${where}: unconditioned "*" resource for ${actions.join(",")}`);
    }
  }
}
