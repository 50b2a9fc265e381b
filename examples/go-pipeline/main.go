// The PE pipeline from Go: Code Manager deploys production's code, Puppet runs on it, then the canary plan.
package main

import (
	"fmt"

	"github.com/pulumi-pe-orchestrator/pulumi-pe/sdk/go/pe"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		environment := cfg.Get("environment")
		if environment == "" {
			environment = "production"
		}
		nodes := []string{"node1.example.com", "node2.example.com"}
		if err := cfg.TryObject("nodes", &nodes); err != nil && cfg.Get("nodes") != "" {
			return fmt.Errorf("config nodes: %w", err)
		}

		// 1. Code Manager deploys the environment's branch and records the commit it deployed.
		code, err := pe.NewCodeDeploy(ctx, "code", &pe.CodeDeployArgs{
			Environments: pulumi.ToStringArray([]string{environment}),
		})
		if err != nil {
			return err
		}
		deployedCommit := code.DeploySignatures.MapIndex(pulumi.String(environment))

		// 2. Puppet runs on every node of the environment (no Nodes, Query or NodeGroup: PE's own
		//    {"environment": "production"}). The deployed commit is the trigger: new code runs Puppet again, the
		//    same code does not.
		deploy, err := pe.NewEnvironmentDeploy(ctx, "deploy", &pe.EnvironmentDeployArgs{
			Environment: pulumi.String(environment),
			Description: pulumi.Sprintf("Deploy %s at %s", environment, deployedCommit),
			Triggers:    pulumi.Array{deployedCommit},
		}, pulumi.DependsOn([]pulumi.Resource{code}))
		if err != nil {
			return err
		}

		// 3. The canary plan after each Puppet run: the command on one node first, then on the rest if it succeeded.
		canary, err := pe.NewPlanRun(ctx, "canary", &pe.PlanRunArgs{
			PlanName: pulumi.String("canary"),
			Params: pulumi.Map{
				"nodes":   pulumi.ToStringArray(nodes),
				"command": pulumi.String("whoami"),
				"canary":  pulumi.Int(1),
			},
			Triggers: pulumi.Array{deploy.JobId},
		})
		if err != nil {
			return err
		}

		ctx.Export("deployedCommit", deployedCommit)
		ctx.Export("codeDeployState", code.State)
		ctx.Export("deployJobId", deploy.JobId)
		ctx.Export("deployState", deploy.State)
		ctx.Export("deployNodeStates", deploy.NodeStates)
		ctx.Export("planJobId", canary.JobId)
		ctx.Export("planState", canary.State)
		ctx.Export("planResult", canary.Result)
		ctx.Export("planTaskJobIds", canary.TaskJobIds)
		return nil
	})
}
