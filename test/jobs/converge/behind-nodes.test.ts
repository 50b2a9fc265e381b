import * as assert from "node:assert/strict";
import {
  behindLine,
  behindNodes,
  latestRuns,
  newestFirst,
  scopeDigest,
  unfinishedJobs,
} from "../../../provider/jobs/converge/behind-nodes";

const job = (name: string, nodes: Record<string, string>) => ({
  name,
  nodes: Object.entries(nodes).map(([node, state]) => ({ name: node, state })),
});

describe("converge: who is behind", () => {
  it("a node that joined the scope after the resource's jobs is behind", () => {
    const latest = latestRuns([job("81", { node1: "finished" })]);
    assert.deepEqual(behindNodes(["node1", "node6"], latest), [{ name: "node6", why: "joined" }]);
  });

  it("a node whose latest run failed, errored or was skipped is behind, naming the job", () => {
    const latest = latestRuns([job("81", { a: "failed", b: "errored", c: "skipped", d: "finished" })]);
    assert.deepEqual(behindNodes(["a", "b", "c", "d"], latest), [
      { name: "a", why: "failed", job: "81", state: "failed" },
      { name: "b", why: "failed", job: "81", state: "errored" },
      { name: "c", why: "failed", job: "81", state: "skipped" },
    ]);
  });

  it("a later job's success clears an earlier failure; a later failure undoes an earlier success", () => {
    const latest = latestRuns([
      job("85", { a: "finished", b: "failed" }),
      job("81", { a: "failed", b: "finished" }),
    ]);
    assert.deepEqual(behindNodes(["a", "b"], latest), [
      { name: "b", why: "failed", job: "85", state: "failed" },
    ]);
  });

  it("a node still running in a job is not behind: its job is waited for", () => {
    const latest = latestRuns([job("86", { a: "running" }), job("81", { a: "failed", b: "new" })]);
    assert.deepEqual(behindNodes(["a", "b"], latest), []);
    assert.deepEqual(unfinishedJobs(["a", "b"], latest), ["86", "81"]);
  });

  it("nodes that left the scope are never behind, whatever their runs", () => {
    const latest = latestRuns([job("81", { gone: "failed", a: "finished" })]);
    assert.deepEqual(behindNodes(["a"], latest), []);
    assert.deepEqual(unfinishedJobs(["a"], latest), []);
  });

  it("orders jobs newest first by number, without duplicates", () => {
    assert.deepEqual(newestFirst(["81", "100", "9", "100"]), ["100", "81", "9"]);
  });

  it("digests a scope whatever its order and duplicates, and tells scopes apart", () => {
    assert.equal(scopeDigest(["b", "a", "a"]), scopeDigest(["a", "b"]));
    assert.notEqual(scopeDigest(["a", "b"]), scopeDigest(["a", "b", "c"]));
  });

  it("says who is behind and why, five names at most", () => {
    assert.equal(
      behindLine([
        { name: "node6", why: "joined" },
        { name: "node3", why: "failed", job: "81", state: "failed" },
      ]),
      "converge: 2 nodes behind: node6 joined the scope, node3 failed in job 81; up runs Puppet on them",
    );
    const many = Array.from({ length: 7 }, (_, i) => ({ name: `n${i}`, why: "joined" as const }));
    assert.match(
      behindLine(many),
      /^converge: 7 nodes behind: n0 joined the scope, .*n4 joined the scope and 2 more;/,
    );
    assert.match(behindLine([{ name: "a", why: "joined" }]), /1 node behind: .*Puppet on it$/);
  });
});
