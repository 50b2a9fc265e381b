import * as pulumi from "@pulumi/pulumi";

/** The module of every resource's type token: `pulumi-nodejs:dynamic/pe-orchestrator:EnvironmentDeploy`. */
const RESOURCE_MODULE = "pe-orchestrator";

export type ResourceTypeName =
  | "EnvironmentDeploy"
  | "PlanRun"
  | "TaskRun"
  | "CodeDeploy"
  | "ScheduledDeploy"
  | "ScheduledTask"
  | "ScheduledPlan";

/** The type token the engine knows a resource by (and its URN names). */
export function typeToken(typeName: ResourceTypeName): string {
  return `pulumi-nodejs:dynamic/${RESOURCE_MODULE}:${typeName}`;
}

/**
 * The `__provider` text the engine's dynamic-provider process loads (`require(text).handler()` must return the
 * provider). It names only the resource type: the implementation comes from the installed package at run time,
 * so state never holds a setting or a token, and each resource stores ~100 bytes instead of the ~2.5 KB that
 * closure serialization of a forwarding object made (stored twice, inputs and outputs, and rewritten with the
 * whole checkpoint after every step of an `up`).
 */
export function providerText(typeName: ResourceTypeName): string {
  return `exports.handler = () => require("pulumi-pe-orchestrator/dynamic").providers[${JSON.stringify(typeName)}];\n`;
}

/**
 * What `pulumi.dynamic.Resource` registers (the dynamic type token, `__provider` in the inputs), with the provider
 * given as text rather than serialized from a closure: the serialization walk cost the program ~40 ms per resource
 * and its output was 25 times bigger.
 */
export abstract class DynamicResource extends pulumi.CustomResource {
  protected constructor(
    typeName: ResourceTypeName,
    name: string,
    props: pulumi.Inputs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    // The SDK tags each of the ~4 promises it makes per property with `new Error().stack`, only for its
    // promise-leak report; under ts-node every such trace is source-mapped frame by frame, which was a third of
    // the program's time for a stack of these resources. The resource's own source position is unaffected (the
    // SDK reads it with an unlimited trace of its own).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(typeToken(typeName), name, { ...props, __provider: providerText(typeName) }, opts);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }
}
