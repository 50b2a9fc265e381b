import { EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";

// The demo `npm run demo` runs against the embedded emulator (scripts/demo.sh sets pe:serviceUrl, pe:cacert,
// pe:tokenFile, and pe:puppetdbUrl / pe:classifierUrl for what preview shows). Both requests are PE's own
// documented examples.
const nodes = ["node1.example.com", "node2.example.com"];

// No scope: like PE's own `{"environment":"production"}`, it deploys every node of the environment (preview warns
// so on its row).
const deploy = new EnvironmentDeploy("production", {
  environment: "production",
  description: "pulumi-pe-orchestrator demo",
});

// The canary plan runs after the deploy: dependsOn orders jobs that share no outputs.
const canary = new PlanRun(
  "canary",
  { planName: "canary", params: { nodes, command: "whoami", canary: 1 } },
  { dependsOn: deploy },
);

export const deployJobId = deploy.jobId;
export const deployState = deploy.state;
export const deployNodeStates = deploy.nodeStates;
export const deployJobUrl = deploy.jobUrl;
export const planJobId = canary.jobId;
export const planState = canary.state;
export const planResult = canary.result;
export const planTaskJobIds = canary.taskJobIds;
export const planJobUrl = canary.jobUrl;
