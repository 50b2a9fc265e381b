import type * as provider from "@pulumi/pulumi/provider";

/**
 * The provider the plugin serves, its operations loaded at the first call rather than at start-up. The engine
 * starts the plugin twice per operation, once only for its schema (the YAML host, `pulumi package get-schema`):
 * that start no longer loads the operations' modules (the PE client, zod, got: about 1 s of a start on a loaded
 * 2-core machine, bench/plugin-stack.ts); the other loads them at its first Check, before answering it.
 *
 * The SDK's server asks which methods a provider has (a missing `check` passes the inputs through), so this one
 * has exactly those of pluginProvider (test/plugin/lazy-provider.test.ts compares them).
 */
export function lazyProvider(
  version: string,
  schema: string,
  load: () => Promise<provider.Provider>,
): provider.Provider {
  let loaded: Promise<provider.Provider> | undefined;
  const real = () => (loaded ??= load());
  return {
    version,
    schema,
    cancel: async () => (await real()).cancel!(),
    check: async (urn, olds, news) => (await real()).check!(urn, olds, news),
    diff: async (id, urn, olds, news) => (await real()).diff!(id, urn, olds, news),
    create: async (urn, inputs) => (await real()).create!(urn, inputs),
    read: async (id, urn, props) => (await real()).read!(id, urn, props),
    update: async (id, urn, olds, news) => (await real()).update!(id, urn, olds, news),
    delete: async (id, urn, props) => (await real()).delete!(id, urn, props),
  };
}
