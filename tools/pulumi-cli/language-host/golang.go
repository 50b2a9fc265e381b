package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// golang builds the program (`go build` in its folder, into a temporary binary removed after the run) and
// runs it with the engine's settings in the PULUMI_* environment the Go SDK's pulumi.Run reads. Pulumi.yaml
// `runtime.options.binary` runs a binary built beforehand instead (relative to the program's folder), and
// `runtime.options.buildTarget` keeps the built binary at that path.
type golang struct{}

func (golang) executable(*pulumirpc.ProgramInfo) string {
	gobin, _ := exec.LookPath("go")
	return gobin
}

func (golang) command(ctx context.Context, h *host, req *pulumirpc.RunRequest, p program,
) (*exec.Cmd, func(), error) {
	cleanup := noCleanup
	binary := p.stringOption("binary")
	if binary != "" {
		if !filepath.IsAbs(binary) {
			binary = filepath.Join(p.dir, binary)
		}
	} else {
		gobin, err := exec.LookPath("go")
		if err != nil {
			return nil, cleanup, userError("No Go toolchain found on PATH to build the program with " +
				"(or set runtime.options.binary in Pulumi.yaml to a program built beforehand).")
		}
		binary = p.stringOption("buildTarget")
		if binary != "" {
			if !filepath.IsAbs(binary) {
				binary = filepath.Join(p.dir, binary)
			}
		} else {
			tmp, err := os.MkdirTemp("", "pulumi-go.")
			if err != nil {
				return nil, cleanup, err
			}
			cleanup = func() { _ = os.RemoveAll(tmp) }
			binary = filepath.Join(tmp, "program")
		}
		build := exec.CommandContext(ctx, gobin, "build", "-o", binary, p.entry)
		build.Dir = p.dir
		// The build's output is for the user: stderr reaches the engine as the program's own would.
		build.Stdout = os.Stderr
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return nil, cleanup, userError(fmt.Sprintf("unable to build the Go program in %s: %v", p.dir, err))
		}
	}

	env, err := configEnv(req)
	if err != nil {
		return nil, cleanup, err
	}
	for name, value := range map[string]string{
		"PULUMI_MONITOR":        req.GetMonitorAddress(),
		"PULUMI_ENGINE":         h.engineAddress,
		"PULUMI_ORGANIZATION":   req.GetOrganization(),
		"PULUMI_PROJECT":        req.GetProject(),
		"PULUMI_ROOT_DIRECTORY": p.rootDir,
		"PULUMI_STACK":          req.GetStack(),
		"PULUMI_DRY_RUN":        fmt.Sprint(req.GetDryRun()),
		"PULUMI_PARALLEL":       fmt.Sprint(req.GetParallel()),
	} {
		env[name] = value
	}
	cmd := exec.CommandContext(ctx, binary, req.GetArgs()...)
	cmd.Dir = p.dir
	cmd.Env = withEnv(env)
	return cmd, cleanup, nil
}
