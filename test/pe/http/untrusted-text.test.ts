import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
  cutText,
  escapeControls,
  forgetSecret,
  MAX_LINE_CHARS,
  rememberSecret,
  scrubSecrets,
  scrubSecretsDeep,
  SECRET_MARKER,
  terminalText,
} from "../../../provider/pe/http/untrusted-text";

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
/** PE tokens are printable ASCII without spaces (the provider refuses others), and not short. */
const token = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 8,
  maxLength: 64,
});
/** Any text, with control characters, lone surrogates and bidi overrides likely. */
const anyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom("\x1b", "\x07", "\r", "\x00", "\x9b", "\u202e", "\n", "\t"),
    fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  ),
  maxLength: 300,
});

describe("untrusted text: scrubbing and escaping (property-based)", () => {
  const remembered: string[] = [];
  const remember = (secret: string) => {
    remembered.push(secret);
    rememberSecret(secret);
  };
  after(() => remembered.forEach(forgetSecret));

  it("no remembered token survives scrubbing, wherever and however often it occurs", () => {
    fc.assert(
      fc.property(token, fc.array(anyText, { maxLength: 5 }), (secret, parts) => {
        remember(secret);
        const text = parts.join(secret);
        assert.ok(!scrubSecrets(text).includes(secret));
        assert.ok(!terminalText(text).includes(secret));
      }),
      { numRuns: 500 },
    );
  });

  it("no raw control character comes out of terminalText, and lines are bounded", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 3 }), (text, repeat) => {
        const long = text.repeat(repeat * 20);
        const safe = terminalText(long);
        assert.ok(!RAW_CONTROL.test(safe), JSON.stringify(safe));
        for (const line of safe.split("\n")) assert.ok(line.length <= MAX_LINE_CHARS + 40, `${line.length}`);
      }),
      { numRuns: 500 },
    );
  });

  it("a token is scrubbed before lines are cut: no part of it is left at the cut", () => {
    fc.assert(
      fc.property(token, fc.integer({ min: 0, max: MAX_LINE_CHARS + 100 }), (secret, at) => {
        remember(secret);
        const text = "a".repeat(at) + secret + "b".repeat(MAX_LINE_CHARS);
        const safe = terminalText(text);
        // the cut never leaves the token's first 8 characters (what a cut through it would)
        assert.ok(!safe.includes(secret.slice(0, 8)) || "a".repeat(at).includes(secret.slice(0, 8)));
      }),
      { numRuns: 300 },
    );
  });

  it("escapes each control character visibly and keeps tabs, newlines and printable text", () => {
    assert.equal(escapeControls("a\x1b]0;t\x07\r\n\tz\u202e"), "a\\x1b]0;t\\x07\\x0d\n\tz\\u202e");
    assert.equal(escapeControls("node1.example.com ✓"), "node1.example.com ✓");
  });

  it("cuts with a marker that says how much was left out, never inside a surrogate pair", () => {
    assert.equal(cutText("abcdef", 4), "abcd… [2 more characters]");
    assert.equal(cutText("ab😀", 3), "ab… [2 more characters]");
    assert.equal(cutText("short", 10), "short");
  });

  it("scrubs a token from data deeply (keys too) and keeps everything else exactly", () => {
    const secret = "deep-token-0123456789";
    remember(secret);
    const data = { a: [`x${secret}y`, 1, null, { [secret]: true, n: "\x1b[31m" }], b: false };
    assert.deepEqual(scrubSecretsDeep(data), {
      a: [`x${SECRET_MARKER}y`, 1, null, { [SECRET_MARKER]: true, n: "\x1b[31m" }],
      b: false,
    });
  });

  it("withholds a text whose scrubbing would make the token again", () => {
    const secret = "[token][token]x";
    remember(secret);
    const out = scrubSecrets(`[token${secret}][token]x`);
    assert.ok(!out.includes(secret), out);
  });
});
