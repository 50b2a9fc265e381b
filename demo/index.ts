import { CodeDeploy, EnvironmentDeploy, PlanRun } from "pulumi-pe-orchestrator";

// The demo `npm run demo` runs against the embedded emulator (scripts/demo.sh sets pe:serviceUrl,
// pe:codeManagerUrl, pe:cacert, pe:tokenFile, and pe:puppetdbUrl / pe:classifierUrl for what preview shows). The
// pipeline: Code Manager deploys production's code, Puppet runs on it, then the canary plan; the requests are PE's
// own documented examples.
const nodes = ["node1.example.com", "node2.example.com"];

const code = new CodeDeploy("production", { environments: ["production"] });

// New code runs Puppet again: the deployed commit is the deploy's trigger. No scope: like PE's own
// `{"environment":"production"}`, it deploys every node of the environment (preview warns so on its row).
const deploy = new EnvironmentDeploy(
  "production",
  {
    environment: "production",
    description: "pulumi-pe-orchestrator demo",
    triggers: [code.deploySignatures["production"]],
  },
  { dependsOn: code },
);

// The canary plan runs after the deploy: dependsOn orders jobs that share no outputs.
const canary = new PlanRun(
  "canary",
  { planName: "canary", params: { nodes, command: "whoami", canary: 1 } },
  { dependsOn: deploy },
);

export const codeDeployState = code.state;
export const codeDeploySignature = code.deploySignatures["production"];
export const codeDeployId = code.id;
export const deployJobId = deploy.jobId;
export const deployState = deploy.state;
export const deployNodeStates = deploy.nodeStates;
export const deployJobUrl = deploy.jobUrl;
export const planJobId = canary.jobId;
export const planState = canary.state;
export const planResult = canary.result;
export const planTaskJobIds = canary.taskJobIds;
export const planJobUrl = canary.jobUrl;
