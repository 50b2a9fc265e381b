import * as assert from "node:assert/strict";
import { closestNames, didYouMean, editDistance } from "../../provider/preview/did-you-mean";

describe("didYouMean", () => {
  const plans = ["canary", "facts::info", "package::install", "demo::fail", "demo::slow", "mymodule::deploy"];

  it("counts insertions, deletions, substitutions and adjacent swaps as one edit each", () => {
    assert.equal(editDistance("canry", "canary"), 1);
    assert.equal(editDistance("cnaary", "canary"), 1);
    assert.equal(editDistance("canaru", "canary"), 1);
    assert.equal(editDistance("Canary", "canary"), 0);
    assert.equal(editDistance("", "abc"), 3);
    assert.equal(editDistance("production", "prodcution"), 1);
  });

  it("suggests the close names, best first, and nothing for a name far from all", () => {
    assert.deepEqual(closestNames("canry", plans), ["canary"]);
    assert.deepEqual(closestNames("demo::slw", plans), ["demo::slow"]);
    assert.deepEqual(closestNames("demo::fial", plans), ["demo::fail"]);
    assert.deepEqual(closestNames("nosuch::plan", plans), []);
    assert.deepEqual(closestNames("x", plans), []);
  });

  it("finds a plan by its last segment when the module is missing or wrong", () => {
    assert.deepEqual(closestNames("deploy", plans), ["mymodule::deploy"]);
    assert.deepEqual(closestNames("other::install", plans), ["package::install"]);
  });

  it("keeps the threshold tight for short names and never suggests the name itself", () => {
    assert.deepEqual(closestNames("dev", ["prod", "test", "dev"]), []);
    assert.deepEqual(closestNames("prodution", ["production", "development", "test_env_1"]), ["production"]);
  });

  it("formats one line", () => {
    assert.equal(didYouMean("canry", plans), " (did you mean canary?)");
    assert.equal(didYouMean("demo::fai", plans), " (did you mean demo::fail?)");
    assert.equal(
      didYouMean("demo::sxxx", ["demo::zzzzzz", "demo::sxx", "demo::sxxxx"]),
      " (did you mean demo::sxx or demo::sxxxx?)",
    );
    assert.equal(didYouMean("zzz", plans), "");
  });
});
