import * as assert from "node:assert/strict";
import { isLoopbackHost, normalizeServiceUrl } from "../../../provider/pe/settings/normalize-service-url";

describe("normalizeServiceUrl", () => {
  for (const input of [
    "https://pe.example.com:8143",
    "https://pe.example.com:8143/",
    "https://pe.example.com:8143/orchestrator/v1",
    "https://pe.example.com:8143/orchestrator/v1//",
    " https://pe.example.com:8143/orchestrator ",
  ]) {
    it(`accepts ${JSON.stringify(input)}`, () => {
      const url = normalizeServiceUrl(input);
      assert.equal(url.baseUrl, "https://pe.example.com:8143");
      assert.equal(url.apiUrl, "https://pe.example.com:8143/orchestrator/v1");
    });
  }
  it("keeps a proxy prefix and rejects what is not a service URL", () => {
    assert.equal(
      normalizeServiceUrl("https://lb/pe/orchestrator/v1").apiUrl,
      "https://lb/pe/orchestrator/v1",
    );
    assert.throws(() => normalizeServiceUrl("pe.example.com:8143"), /https/);
    assert.throws(() => normalizeServiceUrl("ftp://pe"), /https/);
    assert.throws(() => normalizeServiceUrl("https://u:p@pe"), /credentials/);
  });
});

describe("isLoopbackHost", () => {
  it("knows 127.0.0.0/8, ::1 and localhost", () => {
    for (const h of [
      "127.0.0.1",
      "127.1.2.3",
      "[::1]",
      "::1",
      "localhost",
      "LOCALHOST",
      "[::ffff:127.0.0.1]",
    ]) {
      assert.equal(isLoopbackHost(h), true, h);
    }
    for (const h of ["128.0.0.1", "pe.example.com", "10.0.0.1", "[::2]", "127.example.com"]) {
      assert.equal(isLoopbackHost(h), false, h);
    }
  });
});
