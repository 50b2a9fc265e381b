import type { WorldInput } from "./world-schema";

const node = (n: number, facts: Record<string, unknown>) => ({
  certname: `node${n}.example.com`,
  facts: { os: { family: "RedHat", name: "CentOS", release: { major: "7" } }, ...facts },
});

/**
 * The built-in world: PE's own documentation examples run verbatim against it
 * (`{"environment":"production"}`, the `canary` plan on node1/node2). See emulator/README.md.
 */
export const defaultWorld: WorldInput = {
  settings: { runSeconds: 30, concurrency: 8 },
  environments: [{ name: "production" }, { name: "development" }, { name: "test-env-1" }],
  nodes: [
    node(1, { role: "web" }),
    node(2, { role: "web" }),
    {
      ...node(3, { role: "db" }),
      runs: { development: { status: "failed", message: "Could not find class ::mysql" } },
    },
    { ...node(4, { role: "db" }), runs: { production: { status: "changed" } } },
    node(5, { role: "app" }),
    {
      certname: "offline.example.com",
      environment: "development",
      connected: false,
      facts: { os: { family: "Debian", name: "Ubuntu" }, role: "app" },
    },
  ],
  nodeGroups: [
    { id: "00000000-0000-4000-8000-000000000000", name: "All Nodes", rules: ["~", "name", ".*"] },
    {
      id: "11111111-1111-4111-8111-111111111111",
      name: "Web servers",
      rules: ["=", ["fact", "role"], "web"],
    },
    { id: "22222222-2222-4222-8222-222222222222", name: "Empty group", rules: ["=", "name", "nobody"] },
  ],
  plans: [
    {
      name: "canary",
      description: "Run a command on a few canary nodes first, then on the rest",
      parameters: {
        nodes: { type: "TargetSpec", description: "Nodes to run the command on" },
        command: { type: "String", description: "Command to run" },
        canary: { type: "Optional[Integer]", default_value: 1, description: "How many canary nodes" },
      },
      // Bolt's canary plan: the command on the first `canary` nodes, then on the rest if they all succeeded;
      // it returns the ResultSet of every node (skipped ones `canary/skipped-node`) or fails with it.
      steps: [
        {
          action: "run_command",
          object: "{{params.command}}",
          targets: "{{params.nodes}}",
          count: "{{params.canary}}",
          seconds: 10,
          catchErrors: true,
          message: "Running {{params.command}} on canary nodes",
        },
        {
          action: "run_command",
          object: "{{params.command}}",
          targets: "{{params.nodes}}",
          from: "{{params.canary}}",
          seconds: 10,
          catchErrors: true,
          onlyIfOk: true,
          skipKind: "canary/skipped-node",
          message: "Canary succeeded, running on the rest",
        },
      ],
    },
    {
      name: "facts::info",
      description: "Show the operating system of targets",
      parameters: { targets: { type: "TargetSpec" } },
      seconds: 5,
      result: ["orchestrator.example.com: CentOS 7.2.1511 (RedHat)"],
    },
    {
      name: "package::install",
      parameters: { targets: { type: "TargetSpec" }, name: { type: "String" } },
      seconds: 10,
      result: { output: "test\n" },
    },
    {
      name: "demo::fail",
      description: "Always fails like a plan whose task failed",
      parameters: { targets: { type: "Optional[TargetSpec]" } },
      seconds: 5,
      error: {
        kind: "bolt/run-failure",
        msg: "Plan aborted: run_task 'demo::broken' failed on 1 target",
        details: { action: "run_task", object: "demo::broken", result_set: [] },
      },
    },
    { name: "demo::slow", description: "Runs for an hour", seconds: 3600, result: "done" },
    {
      name: "demo::sleep",
      description: "Runs `sleep 3600` on its targets: a plan whose task job outlives a stop_plan",
      parameters: { targets: { type: "TargetSpec" } },
      steps: [{ action: "run_command", object: "sleep 3600", targets: "{{params.targets}}", seconds: 3600 }],
    },
    {
      name: "demo::pending",
      description: "Waits a minute in pending",
      pendingSeconds: 60,
      seconds: 5,
      result: null,
    },
  ],
  tasks: [
    {
      name: "package",
      // puppetlabs-package's own task metadata.
      description: "Manage and inspect the state of packages",
      supportsNoop: true,
      parameters: {
        action: {
          type: "Enum[install, status, uninstall, upgrade]",
          description: "The operation (install, status, uninstall and upgrade) to perform on the package",
        },
        name: { type: "String[1]", description: "The name of the package to be manipulated" },
        version: {
          type: "Optional[String[1]]",
          description: "Version numbers must match the package provider's",
        },
        provider: {
          type: "Optional[String[1]]",
          description: "The provider to use to manage or inspect the package",
        },
      },
      result: { status: "up to date", version: "1.0.2k-19.el7" },
    },
    {
      name: "demo::echo",
      description: "Print a message on each node (fails on node3)",
      parameters: { message: { type: "String", description: "The message to print" } },
      result: { output: "{{params.message}}\n" },
      failOn: ["node3.example.com"],
    },
  ],
  users: [
    {
      login: "alice",
      id: "751a8f7e-b53a-4ccd-9f4f-e93db6aa38ec",
      display_name: "Alice Operator",
      email: "alice@example.com",
      tokens: [{ token: "alice-token" }],
      permissions: {
        deploy: ["production"],
        plans: ["canary", "facts::*"],
        tasks: ["package"],
        nodes: ["node1.example.com", "node2.example.com"],
        viewNodeData: true,
        viewNodeGroups: true,
        codeDeploy: ["production"],
      },
    },
    {
      login: "viewer",
      id: "0b2f3f0c-2b1e-4c55-9a3e-4b7d2c0e9f11",
      tokens: [{ token: "viewer-token" }],
    },
    {
      login: "old",
      id: "5d3c1a8e-7f54-4a9b-8c1d-2e6f9a0b3c4d",
      tokens: [{ token: "expired-token", expiresAt: "2020-01-01T00:00:00Z" }],
      permissions: { superuser: true },
    },
  ],
  // Code Manager's control repo: one branch per environment (a branch the repo lacks fails its code deploy).
  controlRepo: {
    branches: {
      production: "482f8d3adc76b5197306c5d4c8aa32aa8315694b",
      development: "9b1f3c5e7a2d4f6b8c0e1a3b5d7f9e2c4a6b8d0f",
      "test-env-1": "0c2e4a6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a7c",
    },
  },
};
