// Run as a child process (the SDK serves one provider per process): serves a provider with the SDK's own main(),
// with or without the plugin's hooks, sends it a Configure and a Read with no properties as the engine does, and
// prints what the provider saw as one JSON line. argv[2]: "bare" (the SDK alone) or "hooked".
import * as path from "node:path";
import { main } from "@pulumi/pulumi/provider";
import type { ConnectionInput } from "../../../provider/pe";
import { hookSdkServer } from "../../../provider/plugin/sdk-server-hooks";

const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const sdkRequire = <T>(name: string): T => require(require.resolve(name, { paths: [sdk] })) as T;

interface Outcome {
  configuredBy: "provider" | "hook" | "nobody";
  settings?: ConnectionInput;
  read: "ok" | string;
  readProps?: unknown;
}

async function probe(mode: string): Promise<Outcome> {
  const outcome: Outcome = { configuredBy: "nobody", read: "not sent" };
  if (mode === "hooked")
    hookSdkServer("pe", (settings) => {
      outcome.configuredBy = "hook";
      outcome.settings = settings;
    });
  const provider = {
    version: "0.0.1",
    // what a future SDK would call if it passed Configure on
    configure: async () => {
      outcome.configuredBy = "provider";
    },
    read: async (id: string, _urn: string, props: unknown) => {
      outcome.readProps = props;
      return { id, props: {} };
    },
  };
  let port = "";
  const log = console.log;
  console.log = (line: unknown) => {
    port = String(line);
  };
  await main(provider, ["127.0.0.1:1"]);
  console.log = log;

  const grpc = sdkRequire<typeof import("@grpc/grpc-js")>("@grpc/grpc-js");
  const services = require("@pulumi/pulumi/proto/provider_grpc_pb");
  const messages = require("@pulumi/pulumi/proto/provider_pb");
  const { Struct } = sdkRequire<{ Struct: { fromJavaScript(v: object): unknown } }>(
    "google-protobuf/google/protobuf/struct_pb",
  );
  const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = (method: string, request: unknown) =>
    new Promise<void>((resolve, reject) =>
      client[method](request, (error: Error | null) => (error ? reject(error) : resolve())),
    );

  const configure = new messages.ConfigureRequest();
  configure.getVariablesMap().set("pe:config:serviceUrl", "https://pe.example.com:8143");
  configure.setArgs(Struct.fromJavaScript({ tokenFile: "/tmp/token" }));
  await call("configure", configure);

  const read = new messages.ReadRequest();
  read.setId("81");
  read.setUrn("urn:pulumi:dev::p::pe:index:PlanRun::canary");
  outcome.read = await call("read", read).then(
    () => "ok",
    (error: Error) => error.message,
  );
  return outcome;
}

probe(process.argv[2] ?? "bare").then(
  (outcome) => {
    process.stdout.write(`PROBE ${JSON.stringify(outcome)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stdout.write(`PROBE ${JSON.stringify({ error: String(error) })}\n`);
    process.exit(1);
  },
);
