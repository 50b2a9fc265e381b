import * as assert from "node:assert/strict";
import type { Emulator } from "../../emulator";
import { providers } from "../../provider/dynamic";
import { startTestEmulator } from "../support/emulator";

// The requests an EnvironmentDeploy create makes about its own job (issue 13): one that has just started its job
// predicts from its inputs and reads no record before its first poll; an adopted job is read at once.
describe("EnvironmentDeploy create: the wait's requests", function () {
  this.timeout(60_000);
  let emu: Emulator;
  let firstJob = "";
  const urn = (name: string) =>
    `urn:pulumi:test::requests::pulumi-nodejs:dynamic/pe-orchestrator:EnvironmentDeploy::${name}`;
  /** The requests about job `name` (its record, events and nodes), with when they were answered. */
  const about = (name: string) =>
    emu.requests.filter((r) => new RegExp(`/orchestrator/v1/jobs/${name}(/|$)`).test(r.path));
  const posted = () => emu.requests.filter((r) => r.method === "POST" && r.path.endsWith("/command/deploy"));

  before(async () => {
    emu = await startTestEmulator({ timeScale: 20 }); // a 30 s agent run takes 1.5 s
    const config: Record<string, string> = {
      "pe:serviceUrl": emu.url,
      "pe:cacert": emu.caFile,
      "pe:token": emu.adminToken,
    };
    await providers.EnvironmentDeploy.configure!({ config: { get: (key: string) => config[key] } } as never);
  });
  after(async () => {
    await emu?.stop();
  });

  it("a first deploy polls its record on a 1 s grid from the start, then reads its nodes once", async () => {
    const { id } = await providers.EnvironmentDeploy.create({
      environment: "production",
      nodes: ["node1.example.com"],
      __urn: urn("first"),
    });
    firstJob = id;
    const post = posted().at(-1)!;
    const own = about(id);
    const reads = own.filter((r) => r.path.endsWith(`/jobs/${id}`));
    assert.ok(reads[0].at - post.at >= 900, `first record read ${reads[0].at - post.at} ms after the POST`);
    assert.equal(own.filter((r) => r.path.includes("/events")).length, 0, "one node: no events read");
    assert.equal(own.filter((r) => r.path.endsWith("/nodes")).length, 1);
    // 1.5 s job: polls at 1 s and 2 s
    assert.equal(reads.length, 2, own.map((r) => `${r.at - post.at} ${r.path}`).join("; "));
  });

  it("a rerun is predicted from the first: one record read at the predicted end, then the node list", async () => {
    const { id } = await providers.EnvironmentDeploy.create({
      environment: "production",
      nodes: ["node1.example.com"],
      triggers: [2],
      __urn: urn("again"),
    });
    const post = posted().at(-1)!;
    const own = about(id);
    const reads = own.filter((r) => r.path.endsWith(`/jobs/${id}`));
    const trace = own.map((r) => `${r.at - post.at} ${r.path}`).join("; ");
    assert.ok(reads.length >= 1 && reads.length <= 2, trace);
    assert.ok(reads[0].at - post.at >= 1300, `${trace}: the first read is the poll at the predicted end`);
    assert.equal(own.length, reads.length + 1, `${trace}: the record and the nodes, nothing else`);
  });

  it("an adopted job (importJobId) is read at once: its inputs say nothing of it", async () => {
    const first = firstJob;
    const before = emu.requests.length;
    await providers.EnvironmentDeploy.create({
      environment: "production",
      nodes: ["node1.example.com"],
      importJobId: first,
      __urn: urn("adopted"),
    });
    const made = emu.requests.slice(before);
    // the job list is the one the first creates read (shared for 30 s): the record is the first request
    assert.equal(made[0]?.path, `/orchestrator/v1/jobs/${first}`);
    assert.equal(made.length, 2, "a finished job: its record and its nodes");
  });
});
