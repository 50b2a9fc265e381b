import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { providers } from "../../provider/dynamic";
import { startTestEmulator } from "../support/emulator";

// What a check asks the orchestrator: the plan's metadata for inputs not checked before (a create, a change), and
// nothing for the inputs the resource already has (a no-change preview or up starts no job, so there is nothing
// new to check).
describe("PlanRun check: the requests it makes", function () {
  this.timeout(60_000);
  let emu: Emulator;
  const urn = "urn:pulumi:test::checks::pulumi-nodejs:dynamic/pe-orchestrator:PlanRun::canary";
  const inputs = {
    planName: "canary",
    params: { nodes: ["node1.example.com"], command: "whoami", canary: 1 },
  };
  const metadataReads = () => emu.requests.filter((r) => r.path.startsWith("/orchestrator/v1/plans/")).length;

  before(async () => {
    emu = await startTestEmulator();
    const config: Record<string, string> = {
      "pe:serviceUrl": emu.url,
      "pe:cacert": emu.caFile,
      "pe:token": emu.adminToken,
    };
    await providers.PlanRun.configure!({ config: { get: (key: string) => config[key] } } as never);
  });
  after(async () => {
    await emu?.stop();
  });

  it("unchanged inputs are not checked again: no request (first: nothing is cached yet)", async () => {
    const before = emu.requests.length;
    const { failures } = await providers.PlanRun.check!({ ...inputs }, { ...inputs, __urn: urn });
    assert.deepEqual(failures ?? [], []);
    assert.deepEqual(
      emu.requests.slice(before).map((r) => r.path),
      [],
    );
  });

  it("a new resource's check reads the plan's metadata", async () => {
    const before = metadataReads();
    const { failures } = await providers.PlanRun.check!({}, { ...inputs, __urn: urn });
    assert.deepEqual(failures ?? [], []);
    assert.ok(metadataReads() > before, "the plan's metadata was read");
  });

  it("changed inputs are: a misspelt parameter fails the check", async () => {
    const changed = { ...inputs, params: { ...inputs.params, comand: "id" } };
    const { failures } = await providers.PlanRun.check!({ ...inputs }, { ...changed, __urn: urn });
    assert.match(JSON.stringify(failures), /comand/);
  });
});
