/** The emulator's world of the stack-scale benchmarks (bench/stack.ts, bench/plugin-stack.ts): a plan that ends at once. */
export const planWorld = {
  environments: [{ name: "production" }],
  nodes: [{ certname: "n1.example.com" }],
  plans: [
    { name: "bench::instant", seconds: 0, parameters: { index: { type: "Integer" } }, result: { ok: true } },
  ],
};
