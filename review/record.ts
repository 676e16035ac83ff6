/**
 * Runs a Pulumi program in-process on Pulumi's mock runtime (no CLI, no credentials, no cloud calls) and records every
 * resource it registers with its inputs. Mocked outputs echo the inputs and add plausible ids/ARNs so that programs
 * wiring resources together keep working.
 */
import * as pulumi from "@pulumi/pulumi";
import { KeyplaneError } from "../functions/errors";

export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  props: Record<string, unknown>;
  /** Top-level inputs that are (or contain) Pulumi secrets, as the engine would keep them in state. */
  secretInputs: string[];
}

export interface RecordOptions {
  /** The Pulumi project name (URNs and config keys are under it). */
  project: string;
  /** The stack name (in URNs; `pulumi.getStack()`). */
  stack: string;
  /** The stack config, `project:key` -> value (as `Pulumi.<stack>.yaml` gives it). */
  config: Record<string, string>;
  /** The config keys whose values are secret (the program sees them as secrets). */
  secretKeys: string[];
  /** Region/account reported by mocked provider calls (aws:region config by default). */
  region?: string;
}

export interface Recording {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
}

const ACCOUNT = "123456789012";

/** Pulumi's serialization signature key and the values it takes (secret, asset, archive, resource reference). */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ASSET_SIGS = new Set(["c44067f5952c0a294b673a41bacd8c17", "0def7320c3a5731c473e5ecbe6d01bc7"]);
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/**
 * Inputs as the policy engine sees them: secrets unwrapped to their values, assets/archives reduced to a marker,
 * resource references to their URN.
 */
export function plainInputs(v: unknown, depth = 0): unknown {
  if (depth > 64) return v;
  if (Array.isArray(v)) return v.map((x) => plainInputs(x, depth + 1));
  if (typeof v !== "object" || v === null) return v;
  const o = v as Record<string, unknown>;
  const sig = o[SIG];
  if (sig === SECRET_SIG) return plainInputs(o.value, depth + 1);
  if (typeof sig === "string" && ASSET_SIGS.has(sig)) return "[asset]";
  if (sig === RESOURCE_SIG) return typeof o.urn === "string" ? o.urn : "[resource]";
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plainInputs(x, depth + 1)]));
}

/** Whether a serialized input is, or contains, a secret. */
export function containsSecret(v: unknown, depth = 0): boolean {
  if (depth > 64 || typeof v !== "object" || v === null) return false;
  if (Array.isArray(v)) return v.some((x) => containsSecret(x, depth + 1));
  const o = v as Record<string, unknown>;
  if (o[SIG] === SECRET_SIG) return true;
  return Object.values(o).some((x) => containsSecret(x, depth + 1));
}

function mockState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  region: string,
): Record<string, unknown> {
  const [pkg, mod = "", kind = ""] = type.split(":");
  const service = mod.split("/")[0] ?? mod;
  const state: Record<string, unknown> = { ...inputs, name: inputs.name ?? name };
  if (pkg === "aws" || pkg === "aws-native") {
    const arn = `arn:aws:${service}:${region}:${ACCOUNT}:${kind.toLowerCase()}/${name}`;
    Object.assign(state, { arn, id: `${name}-id`, region });
    if (service === "apigateway" || service === "apigatewayv2")
      Object.assign(state, {
        executionArn: `arn:aws:execute-api:${region}:${ACCOUNT}:${name}`,
        invokeUrl: `https://${name}.execute-api.${region}.amazonaws.com/`,
        apiEndpoint: `https://${name}.execute-api.${region}.amazonaws.com`,
        rootResourceId: `${name}-root`,
      });
    if (service === "lambda")
      Object.assign(state, {
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        functionUrl: `https://${name}.lambda-url.${region}.on.aws/`,
      });
    if (service === "cloudfront") Object.assign(state, { domainName: `${name}.cloudfront.net` });
    if (service === "mediapackagev2") Object.assign(state, { dashManifestUrls: [], hlsManifestUrls: [] });
  } else if (pkg === "azure-native") {
    Object.assign(state, {
      id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/${mod}/${kind}/${name}`,
      policyId: "00000000-0000-0000-0000-000000000000",
    });
  } else if (pkg === "random") {
    Object.assign(state, {
      result: "review-placeholder",
      base64: Buffer.alloc(30, 0x6b).toString("base64"),
      hex: "6b".repeat(30),
    });
  }
  return state;
}

function mockCall(token: string, region: string): Record<string, unknown> {
  return {
    accountId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:user/review`,
    userId: "review",
    region,
    name: region,
    id: region,
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    json: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
    names: [`${region}a`, `${region}b`],
    token,
  };
}

/**
 * A failed program leaves registrations that will never finish; the SDK would report them as leaked promises when the
 * process exits (and flag a clean exit as failed). They are expected here: forget them. Best effort, internal module.
 */
function forgetPendingWork(): void {
  try {
    (require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises?: () => unknown }).leakedPromises?.();
  } catch {
    // Another SDK layout: the worst case is the SDK's own message at exit.
  }
}

/** Run `program` (the body of a Pulumi program) on the mock runtime and return what it registered. */
export async function recordProgram(program: () => unknown, opts: RecordOptions): Promise<Recording> {
  const region = opts.region ?? opts.config["aws:region"] ?? "us-east-1";
  const resources: RecordedResource[] = [];
  const failures: unknown[] = [];
  // A failed apply (a component's validation of an Output, say) rejects outside the program's own promise, and the
  // registrations waiting on it never finish: the first such rejection ends the run instead of a hang.
  let failed: (e: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  failure.catch(() => undefined);
  const onRejection = (e: unknown) => {
    failures.push(e);
    failed(e);
  };
  process.on("unhandledRejection", onRejection);
  try {
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys);
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          const inputs = plainInputs(args.inputs ?? {}) as Record<string, unknown>;
          const secretInputs = Object.entries((args.inputs ?? {}) as Record<string, unknown>)
            .filter(([, v]) => containsSecret(v))
            .map(([k]) => k);
          resources.push({
            type: args.type,
            name: args.name,
            urn: `urn:pulumi:${opts.stack}::${opts.project}::${args.type}::${args.name}`,
            custom: args.custom !== false,
            props: inputs,
            secretInputs,
          });
          return { id: `${args.name}-id`, state: mockState(args.type, args.name, inputs, region) };
        },
        call(args) {
          return mockCall(args.token, region);
        },
      },
      opts.project,
      opts.stack,
      false,
    );
    let outputs: Record<string, unknown> = {};
    const result = await Promise.race([
      pulumi.runtime.runInPulumiStack(async () => {
        const r = await program();
        return typeof r === "object" && r !== null ? r : {};
      }),
      failure,
    ]);
    await Promise.race([pulumi.runtime.disconnect(), failure]);
    // Give rejected applies a turn to surface before deciding the run was clean.
    await new Promise((resolve) => setImmediate(resolve));
    if (failures.length > 0) throw failures[0];
    if (result && typeof result === "object") outputs = result as Record<string, unknown>;
    return { resources, outputs };
  } catch (e) {
    forgetPendingWork();
    if (e instanceof KeyplaneError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new KeyplaneError("program_failed", `the stack program failed: ${message}`, { cause: e });
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}
