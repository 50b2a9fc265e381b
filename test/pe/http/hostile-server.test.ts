import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";
import fc from "fast-check";
import type { Emulator } from "../../../emulator";
import { OrchestratorError, type OrchestratorClient, ResponseTooLargeError } from "../../../provider/pe";
import { clientFor, startTestEmulator } from "../../support/emulator";
import { type Attack, type HostileServer, startHostileServer } from "../../support/hostile-server";
import type { ProbeRequest, ProbeResult } from "../../support/hostile-probe";
import { record } from "../../support/scoreboard";

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const MB = 1024 * 1024;

/** Every text an error carries, as one string to search. */
const allText = (error: OrchestratorError) =>
  [error.message, error.stack, error.kind, error.msg, error.hint, JSON.stringify(error.details)].join("\n");

// The provider's client against a PE that lies, floods and stalls (test/support/hostile-server.ts), the token
// read from a token file (no engine masks it). What the faces add (escaping, scrubbing of every message) is
// shown through the real engine in test/reliability/hostile.test.ts.
describe("a hostile PE: the client's bounds", function () {
  this.timeout(180_000);
  let emu: Emulator;
  let hostile: HostileServer;
  let client: OrchestratorClient;
  let tokenFile: string;
  const attack = (attackOf: Attack, pathOf = "^/orchestrator/v1/jobs/1$", method = "GET") => {
    hostile.rules.splice(0, hostile.rules.length, { method, path: pathOf, attack: attackOf });
  };

  before(async () => {
    emu = await startTestEmulator({ timeScale: 1000 });
    hostile = await startHostileServer(emu);
    tokenFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pe-hostile-")), "token");
    fs.writeFileSync(tokenFile, `${emu.adminToken}\n`, { mode: 0o600 });
    client = clientFor(emu, { serviceUrl: hostile.url, token: undefined, tokenFile });
    const admin = clientFor(emu);
    await admin.deploy({ environment: "production", scope: { nodes: ["node1.example.com"] } });
    admin.close();
  });
  after(async () => {
    client.close();
    await hostile.close();
    await emu.stop();
  });

  it("scrubs the token a server echoes in kind, msg and details, and cuts nothing of it", async () => {
    attack({ kind: "echo-token" });
    const echoed = await client.getJob("1").then(
      () => assert.fail("no error"),
      (e: OrchestratorError) => e,
    );
    assert.ok(echoed instanceof OrchestratorError);
    assert.equal(echoed.status, 400);
    assert.ok(!allText(echoed).includes(emu.adminToken), allText(echoed));
    assert.match(echoed.message, /\[token\]/);
    // a long non-JSON body with the token across where it used to be cut (200 characters)
    for (const at of [150, 190, 198]) {
      attack({ kind: "echo-token-text", length: 1000, at, status: 400 });
      const text = await client.getJob("1").then(
        () => assert.fail("no error"),
        (e: OrchestratorError) => e,
      );
      assert.ok(!allText(text).includes(emu.adminToken.slice(0, 8)), allText(text));
    }
  });

  it("never follows a redirect (it would carry the token to another host)", async () => {
    attack({ kind: "redirect", to: "https://example.invalid/steal" });
    const error = await client.getJob("1").then(
      () => assert.fail("no error"),
      (e: OrchestratorError) => e,
    );
    assert.equal(error.status, 302);
  });

  it("any bytes as an answer make a clear OrchestratorError or a parsed value, never a crash", async () => {
    const quick = clientFor(
      emu,
      { serviceUrl: hostile.url, token: undefined, tokenFile },
      { retry: { maxAttempts: 1 } },
    );
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(200, 400, 404, 500, 503),
          fc.oneof(
            fc.uint8Array({ maxLength: 2000 }),
            fc.json().map((j) => new TextEncoder().encode(j)),
          ),
          async (status, bytes) => {
            attack({ kind: "bytes", status, body: Buffer.from(bytes) });
            await quick.getJob("1").then(
              (job) => assert.equal(typeof job.name, "string"),
              (error: unknown) => {
                assert.ok(error instanceof OrchestratorError, String(error));
                assert.ok(error.message.startsWith("GET /jobs/1 "), error.message);
              },
            );
          },
        ),
        { numRuns: 150 },
      );
    } finally {
      quick.close();
    }
  });

  it("bounds memory and time: each flood or stall fails clearly, in its own process", async () => {
    const cases: Array<{
      name: string;
      attack: Attack;
      path?: string;
      call: ProbeRequest["call"];
      expect: RegExp;
      maxS: number;
    }> = [
      {
        name: "400 MB answer, declared",
        attack: { kind: "huge", bytes: 400 * MB, declared: true },
        call: "getJob",
        expect: /larger than 64 MB/,
        maxS: 5,
      },
      {
        name: "400 MB answer, chunked",
        attack: { kind: "huge", bytes: 400 * MB, declared: false },
        call: "getJob",
        expect: /larger than 64 MB/,
        maxS: 10,
      },
      {
        name: "endless answer",
        attack: { kind: "endless" },
        call: "getJob",
        expect: /larger than 64 MB/,
        maxS: 10,
      },
      {
        name: "page of 150,000 items for limit 50",
        attack: { kind: "oversized-page", items: 150_000 },
        path: "^/orchestrator/v1/jobs$",
        call: "listJobs",
        expect: /page of at most 50 items is larger than 8 MB/,
        maxS: 30,
      },
      {
        name: "silent server (a GET)",
        attack: { kind: "silent" },
        call: "getJob",
        expect: /no complete answer within/,
        maxS: 62,
      },
      {
        name: "a byte a second (a GET)",
        attack: { kind: "trickle" },
        call: "getJob",
        expect: /no complete answer within/,
        maxS: 62,
      },
      {
        name: "silent server (two lookups)",
        attack: { kind: "silent" },
        path: "^/orchestrator/v1/plans$",
        call: "listPlansTwice",
        expect: /not sent: .* left a request unanswered/,
        maxS: 12,
      },
    ];
    // one hostile server each; the stalls side by side (they wait), the floods one at a time (they work)
    const run = async (c: (typeof cases)[number]) => {
      const server = await startHostileServer(emu, [
        { path: c.path ?? "^/orchestrator/v1/jobs/1$", attack: c.attack },
      ]);
      try {
        return await probe({ serviceUrl: server.url, cacert: emu.caFile, tokenFile, call: c.call });
      } finally {
        await server.close();
      }
    };
    const stalls = Promise.all(cases.slice(4).map(run));
    const floods: ProbeResult[] = [];
    for (const c of cases.slice(0, 4)) floods.push(await run(c));
    const results = [...floods, ...(await stalls)];
    cases.forEach((c, i) => {
      const r = results[i];
      record({
        scenario: `hostile (client): ${c.name}`,
        outcome: r.error ? `failed: ${r.name}` : "no error",
        jobsStarted: 0,
        duplicates: 0,
        secretsFound: (r.error ?? "").split(emu.adminToken).length - 1,
        peakRssMb: r.peakRssMb,
        timeToFailS: Math.round(r.ms / 100) / 10,
      });
    });
    cases.forEach((c, i) => {
      const r = results[i];
      assert.match(r.error ?? "", c.expect, `${c.name}: ${JSON.stringify(r)}`);
      assert.ok(r.ms <= c.maxS * 1000, `${c.name} took ${r.ms} ms`);
      assert.ok(r.peakRssMb < 256, `${c.name}: peak RSS ${r.peakRssMb} MB`);
      assert.ok(!RAW_CONTROL.test(r.error ?? ""));
    });
    assert.ok(results.slice(0, 3).every((r) => r.name === ResponseTooLargeError.name));
  });

  it("warns about a token file others can read, naming it and the fix", async () => {
    const open = path.join(path.dirname(tokenFile), "open-token");
    fs.writeFileSync(open, `${emu.adminToken}\n`, { mode: 0o644 });
    fs.chmodSync(open, 0o644);
    const warnings: string[] = [];
    const reader = clientFor(
      emu,
      { token: undefined, tokenFile: open },
      { logger: { warn: (m) => void warnings.push(m) } },
    );
    try {
      await reader.getJob("1");
      await reader.getJob("1");
    } finally {
      reader.close();
    }
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(
      warnings[0],
      new RegExp(`token file ${open} can be read by other users \\(mode 644\\): run chmod 600`),
    );
  });
});

let probeScript: string | undefined;

/**
 * Runs the probe in a process of its own, bundled into one file as the plugin is (a ts-node process would carry the
 * TypeScript compiler's 60 MB into the figure).
 */
function probe(request: ProbeRequest): Promise<ProbeResult> {
  if (!probeScript) {
    probeScript = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pe-hostile-probe-")), "probe.js");
    buildSync({
      entryPoints: [path.join(__dirname, "..", "..", "support", "hostile-probe.ts")],
      outfile: probeScript,
      bundle: true,
      platform: "node",
      target: "node20",
      logLevel: "warning",
    });
  }
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [probeScript!, JSON.stringify(request)],
      { timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`probe failed: ${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as ProbeResult);
      },
    );
  });
}
