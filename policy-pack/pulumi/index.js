// The Keyplane policy pack as the Pulumi CLI loads it (`pulumi preview --policy-pack <this folder>`, `pulumi policy
// publish`): the CLI runs `node <this folder>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine> <this folder>`
// with this folder as working directory; that requires this file, and `new PolicyPack` reads the version from
// ./package.json and serves the analyzer over gRPC on loopback (it prints the port for the CLI to connect).
// The rules come only from the installed keyplane package, never from files around this folder.

const { PolicyPack } = require("@pulumi/policy");
const { PACK_NAME, policyPackArgs } = require("keyplane/policy-pack");

new PolicyPack(PACK_NAME, policyPackArgs());
