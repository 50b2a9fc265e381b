// One toolchain for lint and format: ESLint with typescript-eslint, and Prettier run as an ESLint rule.
import eslint from "@eslint/js";
import prettier from "eslint-plugin-prettier/recommended";
import tseslint from "typescript-eslint";

const FACES = ["dynamic", "plugin"];

/** A pattern that refuses imports of `folder` (any depth of ../), naming the rule broken. */
function forbid(folder, who) {
  return {
    group: [`**/${folder}`, `**/${folder}/**`, `!**/node_modules/**`],
    message: `${who} may not import ${folder}/ (the layering rule: see docs/design.md)`,
  };
}

/** The import rule of one layer: the provider folders it may not import, and whether @pulumi/pulumi is allowed. */
function layer(files, folders, { pulumi }) {
  const patterns = [
    ...folders.map((f) => forbid(`provider/${f}`, files)),
    ...folders.map((f) => forbid(f, files)),
    forbid("emulator", files),
  ];
  const paths = [];
  if (!pulumi) {
    const message = `${files} is the engine-neutral core: no @pulumi/pulumi (see docs/design.md)`;
    paths.push({ name: "@pulumi/pulumi", message });
    patterns.push({ group: ["@pulumi/pulumi/*"], message });
  }
  // relative imports of a sibling folder look like "../jobs/x" or "../../dynamic": the folder-name patterns match
  // those; the provider/ ones catch imports from outside provider/.
  return [
    {
      files: [files.replace(/\*\*$/, "**/*.ts")],
      rules: { "no-restricted-imports": ["error", { paths, patterns }] },
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "node_modules/",
      ".pulumi-test/",
      ".demo/",
      "examples/*/node_modules/",
      "examples/*/venv/",
      "sdk/",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // CommonJS output: the dynamic provider loads its implementation with require() at run time.
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  // The house's layers (docs/design.md). The core (provider/pe, wait, jobs, preview, recovery) is engine-neutral:
  // no @pulumi/pulumi and no face. A face (provider/dynamic, provider/plugin) never imports the other; what both
  // need lives in the core, or in provider/engine (talking to the engine: the one place besides the faces that
  // may import @pulumi/pulumi). pe/ is the bottom (no other core folder), wait/ sits on pe/ alone. The emulator
  // is the project's independent model of PE: it and the provider never import each other.
  ...layer("provider/pe/**", ["wait", "jobs", "preview", "recovery", ...FACES, "engine"], { pulumi: false }),
  ...layer("provider/wait/**", ["jobs", "preview", "recovery", ...FACES, "engine"], { pulumi: false }),
  ...layer("provider/{jobs,preview,recovery}/**", [...FACES, "engine"], { pulumi: false }),
  ...layer("provider/engine/**", FACES, { pulumi: true }),
  ...layer("provider/dynamic/**", ["plugin"], { pulumi: true }),
  ...layer("provider/plugin/**", ["dynamic"], { pulumi: true }),
  {
    files: ["emulator/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [forbid("provider", "the emulator")] }] },
  },
  prettier,
);
