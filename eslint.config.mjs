// One toolchain for lint and format: ESLint with typescript-eslint, and Prettier run as an ESLint rule.
import eslint from "@eslint/js";
import prettier from "eslint-plugin-prettier/recommended";
import tseslint from "typescript-eslint";
import cycles from "./scripts/lint/import-cycles.cjs";

const FACES = ["dynamic", "plugin"];
/** The resource families: each one folder of the core, none importing another. */
const FAMILIES = ["jobs", "code-deploys", "schedules"];

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
  // The house's layers (docs/design.md). The core is engine-neutral: no @pulumi/pulumi and no face. From the
  // bottom: pe/ (PE's APIs), wait/ (on pe/ alone), resource/ (what every resource shares), then kinds/ (what a
  // job runs), preview/ and recovery/, then the resource families (jobs/, code-deploys/, schedules/), none of
  // which imports another and none of which anything in the core imports. A face (provider/dynamic,
  // provider/plugin) never imports the other; what both need lives in the core, or in provider/engine (talking to
  // the engine: the one place besides the faces that may import @pulumi/pulumi). The emulator is the project's
  // independent model of PE: it and the provider never import each other.
  ...layer(
    "provider/pe/**",
    ["wait", "resource", "kinds", "preview", "recovery", ...FAMILIES, ...FACES, "engine"],
    {
      pulumi: false,
    },
  ),
  ...layer(
    "provider/wait/**",
    ["resource", "kinds", "preview", "recovery", ...FAMILIES, ...FACES, "engine"],
    {
      pulumi: false,
    },
  ),
  ...layer("provider/resource/**", ["kinds", "preview", "recovery", ...FAMILIES, ...FACES, "engine"], {
    pulumi: false,
  }),
  ...layer("provider/{kinds,preview,recovery}/**", [...FAMILIES, ...FACES, "engine"], { pulumi: false }),
  ...FAMILIES.flatMap((family) =>
    layer(`provider/${family}/**`, [...FAMILIES.filter((f) => f !== family), ...FACES, "engine"], {
      pulumi: false,
    }),
  ),
  ...layer("provider/engine/**", FACES, { pulumi: true }),
  ...layer("provider/dynamic/**", ["plugin"], { pulumi: true }),
  ...layer("provider/plugin/**", ["dynamic"], { pulumi: true }),
  // No import circle in the provider, the emulator or the type syntax they share.
  {
    files: ["provider/**/*.ts", "emulator/**/*.ts", "puppet-type/**/*.ts"],
    plugins: { house: { rules: { "no-import-cycle": cycles.noImportCycle } } },
    rules: { "house/no-import-cycle": ["error", { roots: ["provider", "emulator", "puppet-type"] }] },
  },
  {
    files: ["emulator/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [forbid("provider", "the emulator")] }] },
  },
  prettier,
);
