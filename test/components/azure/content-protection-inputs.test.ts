import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AzureContentProtection } from "../../../components/azure";
import { installMocks, promiseOf, resourcesOfType } from "../../support/azure-mocks";

/** An output the mock never reports: unknown in the harness's dry run (as in `pulumi preview`). */
class UnknownSource extends pulumi.CustomResource {
  declare readonly value: pulumi.Output<unknown>;
  constructor(name: string) {
    super("keyplane:test:UnknownSource", name, { value: undefined });
  }
}
const unknown = <T>(name: string) => new UnknownSource(name).value as pulumi.Output<T>;

async function errorsOf(build: () => pulumi.ComponentResource): Promise<string[]> {
  const errors: string[] = [];
  const on = (e: unknown) => {
    errors.push(e instanceof Error ? e.message : String(e));
  };
  process.on("unhandledRejection", on);
  try {
    const c = build();
    await promiseOf(c.urn);
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    process.off("unhandledRejection", on);
  }
  return errors;
}

describe("components/azure AzureContentProtection Input arguments", function () {
  this.timeout(20_000);
  beforeEach(installMocks);

  it("creates the account from unknown names and a secret seed without throwing", async () => {
    const errors = await errorsOf(
      () =>
        new AzureContentProtection("u", {
          resourceGroupName: unknown<string>("u-rg"),
          location: unknown<string>("u-loc"),
          account: { create: { name: unknown<string>("u-ams"), storageAccountName: unknown<string>("u-sa") } },
          keySeed: unknown<string>("u-seed"),
        }),
    );
    assert.deepEqual(errors, []);
    assert.equal(resourcesOfType("azure-native:media:MediaService").length, 1);
    assert.equal(resourcesOfType("azure-native:storage:StorageAccount").length, 1);
  });

  it("checks a plain account name now and an Output one when it resolves, naming argument and value", async () => {
    assert.throws(
      () =>
        new AzureContentProtection("p", {
          resourceGroupName: "rg",
          account: { create: { name: "Bad-Name" } },
          keySeed: pulumi.secret("x"),
        }),
      /AzureContentProtection: account.create.name "Bad-Name" must be 3-24 lowercase letters and digits/,
    );
    const errors = await errorsOf(
      () =>
        new AzureContentProtection("o", {
          resourceGroupName: "rg",
          account: { create: { name: pulumi.output("okname"), storageAccountName: pulumi.output("NO") } },
          keySeed: pulumi.secret("x"),
        }),
    );
    assert.ok(
      errors.some((m) =>
        m.includes(
          'AzureContentProtection: account.create.storageAccountName "NO" must be 3-24 lowercase letters and digits',
        ),
      ),
      errors.join("\n"),
    );
  });
});
