// One toolchain for lint and format: ESLint with typescript-eslint, and Prettier run as an ESLint rule.
import eslint from "@eslint/js";
import prettier from "eslint-plugin-prettier/recommended";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".pulumi-test/", ".demo/", "examples/*/node_modules/"] },
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
  prettier,
);
