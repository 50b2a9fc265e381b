import type * as pulumi from "@pulumi/pulumi";
import type { Props } from "../resource/host";
import type { ResourceOperations } from "../resource/resource-operations";
import { safeOperations } from "../resource/safe-operations";
import { cancelWaits } from "./engine-cancel";
import { configureFromStack } from "./stack-connection-config";

/** The URN the resource class puts in its inputs (`__urn`): a dynamic provider is not told it otherwise. */
const urnOf = (props: Props) => (typeof props.__urn === "string" ? props.__urn : undefined);

/**
 * A resource type's engine-neutral operations as a dynamic provider: the URN comes from, and goes back to, the
 * `__urn` property; the stack's `pe:*` config arrives through `configure`; `cancel` is the hook an SDK that
 * forwards the engine's Cancel to dynamic providers would call (see engine-cancel).
 */
export function dynamicProvider(unsafe: ResourceOperations): pulumi.dynamic.ResourceProvider {
  const operations = safeOperations(unsafe);
  const provider: pulumi.dynamic.ResourceProvider & { cancel(): Promise<void> } = {
    configure: async (request) => configureFromStack(request),
    cancel: async () => cancelWaits(),
    check: (olds: Props, news: Props) => operations.check(urnOf(news), olds, news),
    diff: (id: string, olds: Props, news: Props) => operations.diff(urnOf(news), id, olds, news),
    async create(props: Props) {
      const urn = urnOf(props);
      const { id, outs } = await operations.create(urn, props);
      return { id, outs: { ...outs, __urn: urn } };
    },
    async read(id: string, props: Props) {
      const read = await operations.read(urnOf(props), id, props);
      // an empty id: the job is gone, and the engine drops the resource
      return read.id === "" ? read : { id: read.id, props: { ...read.props, __urn: props.__urn } };
    },
    async update(id: string, olds: Props, news: Props) {
      const { outs } = await operations.update(urnOf(news), id, olds, news);
      return { outs: { ...outs, __urn: news.__urn } };
    },
    delete: (id: string, props: Props) => operations.delete(urnOf(props), id, props),
  };
  return provider;
}
