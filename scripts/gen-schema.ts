// Writes the plugin's Pulumi package schema (provider/plugin/schema.json) from the sources the dynamic face is
// built on, so the two faces cannot drift: each input's type and whether it is required come from its zod schema
// (provider/kinds/kind-inputs.ts and each family's *-inputs.ts, what `check` validates), each description from the
// TSDoc of the resource's Args interface, and the outputs (types and descriptions) from the resource classes' declared outputs.
// `npx ts-node --transpile-only scripts/gen-schema.ts [--check]`: --check exits 1 when the committed file differs.
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { z } from "zod";
import { codeDeployInputsSchema } from "../provider/code-deploys/code-deploy-inputs";
import { deployInputsSchema, planInputsSchema, taskInputsSchema } from "../provider/kinds/kind-inputs";
import {
  scheduledDeployInputsSchema,
  scheduledPlanInputsSchema,
  scheduledTaskInputsSchema,
} from "../provider/schedules/schedule-inputs";
import { connectionInputSchema } from "../provider/pe";
import { PACKAGE, SCHEMA_FILE, typeToken } from "../provider/plugin/package";

const root = path.join(__dirname, "..");
const packageJson = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  version: string;
  homepage: string;
  repository: { url: string };
};
const version = packageJson.version;
/** The project's public home (package.json's `repository`): its GitHub releases hold the plugin's tarballs. */
const repository = packageJson.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
const githubPath = new URL(repository).pathname.replace(/^\//, ""); // owner/name

type Spec = Record<string, unknown>;
const ANY: Spec = { $ref: "pulumi.json#/Any" };

const RESOURCES = [
  { name: "EnvironmentDeploy", file: "environment-deploy.ts", inputs: deployInputsSchema },
  { name: "TaskRun", file: "task-run.ts", inputs: taskInputsSchema },
  { name: "PlanRun", file: "plan-run.ts", inputs: planInputsSchema },
  { name: "CodeDeploy", file: "code-deploy.ts", inputs: codeDeployInputsSchema },
  { name: "ScheduledDeploy", file: "scheduled-deploy.ts", inputs: scheduledDeployInputsSchema },
  { name: "ScheduledTask", file: "scheduled-task.ts", inputs: scheduledTaskInputsSchema },
  { name: "ScheduledPlan", file: "scheduled-plan.ts", inputs: scheduledPlanInputsSchema },
] as const;

const resourcesDir = path.join(root, "provider", "dynamic", "resources");
const program = ts.createProgram(
  RESOURCES.map((r) => path.join(resourcesDir, r.file)),
  { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, skipLibCheck: true },
);
const checker = program.getTypeChecker();

function docOf(symbol: ts.Symbol | undefined): string {
  if (!symbol) return "";
  return ts
    .displayPartsToString(symbol.getDocumentationComment(checker))
    .replace(/\{@link\s+([^}\s]+)\s*\}/g, "`$1`")
    .replace(/\s+/g, " ")
    .trim();
}

/** The exported declaration `name` of a resource file. */
function exported(file: string, name: string): ts.Symbol {
  const source = program.getSourceFile(path.join(resourcesDir, file));
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  const found = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
  if (!found) throw new Error(`${file} exports no ${name}`);
  return found.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(found) : found;
}

const types: Record<string, Spec> = {};

/** A TypeScript output type as a Pulumi schema type; named object types go to `types`. */
function outputType(type: ts.Type): Spec {
  if (type.isUnion()) {
    const kept = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
    if (kept.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
    if (kept.every((t) => t.flags & ts.TypeFlags.StringLike)) return { type: "string" };
    if (kept.length === 1) return outputType(kept[0]);
    return ANY;
  }
  if (type.flags & ts.TypeFlags.StringLike) return { type: "string" };
  if (type.flags & ts.TypeFlags.NumberLike) return { type: "number" };
  if (type.flags & ts.TypeFlags.BooleanLike) return { type: "boolean" };
  if (type.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return ANY;
  if (checker.isArrayType(type))
    return { type: "array", items: outputType(checker.getTypeArguments(type as ts.TypeReference)[0]) };
  const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
  if (index && type.getProperties().length === 0)
    return { type: "object", additionalProperties: outputType(index.type) };
  const symbol = type.aliasSymbol ?? type.getSymbol();
  const name = symbol?.name;
  if (!name || name === "__type" || name === "__object") return ANY;
  const token = typeToken(name);
  if (!types[token]) {
    types[token] = {}; // placeholder against recursion
    const properties: Record<string, Spec> = {};
    for (const prop of type.getProperties()) {
      const propType = checker.getTypeOfSymbol(prop);
      properties[prop.name] = { ...outputType(propType), ...described(docOf(prop)) };
    }
    types[token] = {
      type: "object",
      ...described(docOf(symbol)),
      properties,
      ...listed(
        "required",
        type
          .getProperties()
          .filter((p) => !nullable(checker.getTypeOfSymbol(p)))
          .map((p) => p.name),
      ),
    };
  }
  return { $ref: `#/types/${token}` };
}

/** Whether a value of this type may be null or absent (then it is not a required output). */
function nullable(type: ts.Type): boolean {
  const parts = type.isUnion() ? type.types : [type];
  return parts.some(
    (t) => t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Unknown | ts.TypeFlags.Any),
  );
}

const described = (text: string) => (text ? { description: text } : {});
// An empty list is left out, as Pulumi leaves it out when it reads a schema (`pulumi package get-schema`): the
// committed schema is then the very one the engine sees.
const listed = (key: string, names: string[]) => (names.length > 0 ? { [key]: names } : {});

/** The T of a `declare readonly x: pulumi.Output<T>`. */
function outputOf(declaration: ts.PropertyDeclaration): ts.Type {
  const node = declaration.type;
  if (!node || !ts.isTypeReferenceNode(node) || node.typeArguments?.length !== 1)
    throw new Error(`${declaration.name.getText()} is not declared as pulumi.Output<T>`);
  return checker.getTypeFromTypeNode(node.typeArguments[0]);
}

/** A zod input (as JSON Schema) as a Pulumi schema type. */
function inputType(json: Spec, refs: Record<string, string>): Spec {
  const anyOf = json.anyOf as Spec[] | undefined;
  if (anyOf) {
    // `insecure` also takes "true"/"false" (stack config is text): the schema offers the boolean
    if (anyOf.some((t) => t.type === "boolean")) return { type: "boolean" };
    return { oneOf: anyOf.map((t) => inputType(t, refs)) };
  }
  switch (json.type) {
    case "string":
    case "boolean":
      return { type: json.type };
    case "integer":
      return { type: "integer" };
    case "number":
      return { type: "number" };
    case "array":
      return { type: "array", items: inputType((json.items as Spec) ?? {}, refs) };
    case "object":
      if (json.properties) return ANY;
      return {
        type: "object",
        additionalProperties: inputType((json.additionalProperties as Spec) ?? {}, refs),
      };
    default:
      return ANY;
  }
}

/**
 * An input that is an object of named fields (a schedule's `{ startTime, intervalSeconds }`) as a type of its
 * own, named after its Args interface (`ScheduleArgs` → `pe:index:Schedule`), each field's description from it.
 */
function objectInputType(json: Spec, argument: ts.Symbol): Spec {
  const type = checker.getNonNullableType(checker.getTypeOfSymbol(argument));
  // pulumi.Input<XArgs>: the union's object member that declares the fields
  const fields = Object.keys(json.properties as Record<string, Spec>);
  const object = type.isUnion() ? type.types.find((t) => t.getProperty(fields[0])) : type;
  const name = object?.aliasSymbol?.name ?? object?.getSymbol()?.name;
  if (!object || !name) throw new Error(`${argument.name}: no Args interface declares its fields`);
  const token = typeToken(name.replace(/Args$/, ""));
  const properties: Record<string, Spec> = {};
  for (const [field, spec] of Object.entries(json.properties as Record<string, Spec>))
    properties[field] = { ...inputType(spec, {}), ...described(docOf(object.getProperty(field))) };
  types[token] = {
    type: "object",
    ...described(docOf(object.getSymbol())),
    properties,
    ...listed("required", (json.required as string[] | undefined) ?? []),
  };
  return { $ref: `#/types/${token}` };
}

const jsonOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Spec & {
    properties: Record<string, Spec>;
    required?: string[];
  };

// The connection settings: a resource's `connection` input, the provider's inputs and the `pe:*` stack config.
const connectionDocs = exported("environment-deploy.ts", "EnvironmentDeployArgs");
const connectionArgs = (() => {
  const args = checker.getDeclaredTypeOfSymbol(connectionDocs).getProperty("connection");
  const type = args && checker.getNonNullableType(checker.getTypeOfSymbol(args));
  // pulumi.Input<ConnectionArgs>: the union's object member
  const object = type?.isUnion() ? type.types.find((t) => t.getProperty("serviceUrl")) : type;
  if (!object) throw new Error("no ConnectionArgs");
  return object;
})();
const connectionProperties: Record<string, Spec> = {};
for (const [key, json] of Object.entries(jsonOf(connectionInputSchema).properties)) {
  connectionProperties[key] = {
    ...inputType(json, {}),
    ...described(docOf(connectionArgs.getProperty(key))),
    ...(key === "token" ? { secret: true } : {}),
  };
}
types[typeToken("Connection")] = {
  type: "object",
  description: "Per-resource override of the connection settings (see docs/configuration.md).",
  properties: connectionProperties,
};

const resources: Record<string, Spec> = {};
for (const resource of RESOURCES) {
  const args = checker.getDeclaredTypeOfSymbol(exported(resource.file, `${resource.name}Args`));
  const json = jsonOf(resource.inputs);
  const inputProperties: Record<string, Spec> = {};
  for (const [key, property] of Object.entries(json.properties)) {
    const argument = args.getProperty(key);
    if (!argument) throw new Error(`${resource.name}Args has no ${key}, which its zod schema takes`);
    inputProperties[key] =
      key === "connection"
        ? { $ref: `#/types/${typeToken("Connection")}`, ...described(docOf(argument)) }
        : property.properties
          ? { ...objectInputType(property, argument), ...described(docOf(argument)) }
          : { ...inputType(property, {}), ...described(docOf(argument)) };
  }
  for (const argument of args.getProperties())
    if (!(argument.name in json.properties))
      throw new Error(`${resource.name}Args.${argument.name} is not in its zod schema`);
  const classSymbol = exported(resource.file, resource.name);
  const instance = checker.getDeclaredTypeOfSymbol(classSymbol);
  const outputs: Record<string, Spec> = {};
  const requiredOutputs: string[] = [];
  for (const prop of instance.getProperties()) {
    const declaration = prop.declarations?.[0];
    if (!declaration || !ts.isPropertyDeclaration(declaration)) continue;
    if (!(ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Ambient)) continue; // `declare readonly`
    const type = outputOf(declaration);
    // an input the resource also reports (a schedule's `enabled`, as PE holds it) is one property, the input's
    if (!(prop.name in inputProperties))
      outputs[prop.name] = { ...outputType(type), ...described(docOf(prop)) };
    if (!nullable(type)) requiredOutputs.push(prop.name);
  }
  resources[typeToken(resource.name)] = {
    description: docOf(classSymbol),
    inputProperties,
    ...listed("requiredInputs", json.required ?? []),
    properties: { ...inputProperties, ...outputs },
    ...listed("required", requiredOutputs),
  };
}

const schema = {
  name: PACKAGE,
  displayName: "Puppet Enterprise",
  version,
  description:
    "Puppet Enterprise orchestrator and Code Manager as Pulumi resources: deploy code, run Puppet, tasks and plans, and wait for them.",
  keywords: ["pulumi", "puppet", "puppet-enterprise", "orchestrator", "category/utility", "kind/native"],
  license: "Apache-2.0",
  homepage: packageJson.homepage,
  repository,
  publisher: "pulumi-pe-orchestrator",
  // the engine installs the plugin from the project's GitHub releases by itself (a mirror: PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES)
  pluginDownloadURL: `github://api.github.com/${githubPath}`,
  config: { variables: connectionProperties },
  provider: {
    description:
      "The connection to PE: each setting falls back to the pe:* stack config, the environment and PE's client-tools files.",
    inputProperties: connectionProperties,
  },
  types,
  resources,
  language: {
    nodejs: {
      packageName: "pulumi-pe",
      packageDescription: "Puppet Enterprise orchestrator resources (provider plugin SDK).",
      dependencies: { "@pulumi/pulumi": "^3.248.0" },
      respectSchemaVersion: true,
    },
    python: {
      packageName: "pulumi_pe",
      requires: { pulumi: ">=3.248.0,<4.0.0" },
      respectSchemaVersion: true,
    },
    go: {
      importBasePath: `${repository.replace(/^https:\/\//, "")}/sdk/go/pe`,
      generateResourceContainerTypes: false,
      respectSchemaVersion: true,
    },
    csharp: { rootNamespace: "PulumiPe", packageReferences: { Pulumi: "3.*" }, respectSchemaVersion: true },
  },
};

const text = `${JSON.stringify(schema, null, 2)}\n`;
const target = path.join(root, SCHEMA_FILE);
if (process.argv.includes("--check")) {
  const committed = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
  if (committed !== text) {
    process.stderr.write(`${SCHEMA_FILE} is stale: run npm run schema\n`);
    process.exit(1);
  }
} else {
  fs.writeFileSync(target, text);
  process.stdout.write(`${target}\n`);
}
