/** Tags in the shape `@pulumi/aws-native` takes them: a list of `{ key, value }` instead of a map. */
import * as pulumi from "@pulumi/pulumi";

export function keyValueTags(
  tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
): pulumi.Output<{ key: string; value: string }[]> {
  return pulumi.output(tags ?? {}).apply((t) => Object.entries(t).map(([key, value]) => ({ key, value })));
}
