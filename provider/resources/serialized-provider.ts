import type * as pulumi from "@pulumi/pulumi";

type TypeName = "EnvironmentDeploy" | "PlanRun" | "TaskRun" | "CodeDeploy";

// The SDK caches a provider's serialized text by object identity: one object per type means the closure is
// serialized once per program, not once per resource (that walk cost ~40 ms of the program per resource).
const providers = new Map<TypeName, pulumi.dynamic.ResourceProvider>();

/**
 * The provider object Pulumi serializes into every resource's state. It captures nothing but the resource
 * type's name: each method loads the implementation from the installed package at run time, so state stays
 * small and never holds a setting or a token.
 */
export function serializedProvider(typeName: TypeName): pulumi.dynamic.ResourceProvider {
  let provider = providers.get(typeName);
  if (!provider) {
    provider = buildProvider(typeName);
    providers.set(typeName, provider);
  }
  return provider;
}

function buildProvider(typeName: TypeName): pulumi.dynamic.ResourceProvider {
  const load = (): pulumi.dynamic.ResourceProvider =>
    require("pulumi-pe-orchestrator/dynamic").providers[typeName];
  const provider: pulumi.dynamic.ResourceProvider & { cancel(): Promise<void> } = {
    configure: (request) => load().configure!(request),
    check: (olds, news) => load().check!(olds, news),
    diff: (id, olds, news) => load().diff!(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read!(id, props),
    update: (id, olds, news) => load().update!(id, olds, news),
    delete: (id, props) => load().delete!(id, props),
    // for an SDK that forwards the engine's Cancel to dynamic providers (3.248 does not)
    cancel: () => (load() as { cancel?: () => Promise<void> }).cancel?.() ?? Promise.resolve(),
  };
  return provider;
}
