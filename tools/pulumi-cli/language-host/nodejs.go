package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// nodejs runs `@pulumi/pulumi/cmd/run` from the program's own node_modules, with the engine's settings as
// its flags and the config in its environment.
type nodejs struct{}

func (nodejs) executable(*pulumirpc.ProgramInfo) string {
	node, _ := exec.LookPath("node")
	return node
}

func (nodejs) command(ctx context.Context, h *host, req *pulumirpc.RunRequest, p program,
) (*exec.Cmd, func(), error) {
	runScript, err := resolveFrom(p.dir, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return nil, noCleanup, userError("It looks like the Pulumi SDK has not been installed in " +
			p.dir + ". Run `npm install` there first.")
	}

	args := []string{runScript}
	add := func(flag, value string) {
		if value != "" {
			args = append(args, "--"+flag, value)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", p.dir)
	if req.GetInfo() != nil {
		add("root-directory", req.GetInfo().GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", fmt.Sprint(req.GetParallel()))
	args = append(args, p.entry)
	args = append(args, req.GetArgs()...)

	env, err := configEnv(req)
	if err != nil {
		return nil, noCleanup, err
	}
	if typescript, ok := p.options["typescript"].(bool); !ok || typescript {
		env["PULUMI_NODEJS_TYPESCRIPT"] = "true"
	}
	if tsconfig := p.stringOption("tsconfig"); tsconfig != "" {
		env["PULUMI_NODEJS_TSCONFIG_PATH"] = tsconfig
	}
	if nodeargs := p.stringOption("nodeargs"); nodeargs != "" {
		args = append(strings.Fields(nodeargs), args...)
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = p.dir
	cmd.Env = withEnv(env)
	return cmd, noCleanup, nil
}

// resolveFrom finds a module the way the program itself would, from its own directory.
func resolveFrom(dir, module string) (string, error) {
	cmd := exec.Command("node", "-e", "process.stdout.write(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", err
	}
	return filepath.Clean(string(out)), nil
}
