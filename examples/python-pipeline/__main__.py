"""The PE pipeline from Python: Code Manager deploys production's code, Puppet runs on it, then the canary plan."""
import pulumi
import pulumi_pe as pe

config = pulumi.Config()
environment = config.get("environment") or "production"
nodes = config.get_object("nodes") or ["node1.example.com", "node2.example.com"]

# 1. Code Manager deploys the environment's branch and records the commit it deployed.
code = pe.CodeDeploy("code", environments=[environment])
deployed_commit = code.deploy_signatures[environment]

# 2. Puppet runs on every node of the environment (no nodes, query or node group: PE's own
#    {"environment": "production"}). The deployed commit is the trigger: new code runs Puppet again, the same
#    code does not.
deploy = pe.EnvironmentDeploy(
    "deploy",
    environment=environment,
    description=deployed_commit.apply(lambda commit: f"Deploy {environment} at {commit}"),
    triggers=[deployed_commit],
    opts=pulumi.ResourceOptions(depends_on=[code]),
)

# 3. The canary plan after each Puppet run: the command on one node first, then on the rest if it succeeded.
canary = pe.PlanRun(
    "canary",
    plan_name="canary",
    params={"nodes": nodes, "command": "whoami", "canary": 1},
    triggers=[deploy.job_id],
)

pulumi.export("deployedCommit", deployed_commit)
pulumi.export("codeDeployState", code.state)
pulumi.export("deployJobId", deploy.job_id)
pulumi.export("deployState", deploy.state)
pulumi.export("deployNodeStates", deploy.node_states)
pulumi.export("planJobId", canary.job_id)
pulumi.export("planState", canary.state)
pulumi.export("planResult", canary.result)
pulumi.export("planTaskJobIds", canary.task_job_ids)
