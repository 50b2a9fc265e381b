package main

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// pythonRun is the runner the interpreter gets with -c: it configures the `pulumi` package from the flags
// and environment below and runs the program in a stack, as Pulumi's own python host's runner does.
//
//go:embed python_run.py
var pythonRun string

// python runs the program with the interpreter of the project's virtualenv (Pulumi.yaml
// `runtime.options.virtualenv`, relative to the project folder), else PULUMI_PYTHON_CMD, else python3.
// Only the pip toolchain is known (no poetry or uv), and no typechecker is run.
type python struct{}

func (python) executable(info *pulumirpc.ProgramInfo) string {
	p := program{options: map[string]any{}}
	if info != nil {
		p.rootDir = info.GetRootDirectory()
		if info.GetOptions() != nil {
			p.options = info.GetOptions().AsMap()
		}
	}
	interpreter, _, err := pythonInterpreter(p)
	if err != nil {
		return ""
	}
	return interpreter
}

// pythonInterpreter is the interpreter to run, and the environment that activates its virtualenv.
func pythonInterpreter(p program) (string, map[string]string, error) {
	env := map[string]string{}
	if venv := p.stringOption("virtualenv"); venv != "" {
		if !filepath.IsAbs(venv) {
			venv = filepath.Join(p.rootDir, venv)
		}
		interpreter := filepath.Join(venv, "bin", "python")
		if _, err := os.Stat(interpreter); err != nil {
			return "", nil, userError(fmt.Sprintf("The virtual environment %s (Pulumi.yaml runtime.options.virtualenv) "+
				"does not exist. Create it: python3 -m venv %s && %s/bin/pip install -r requirements.txt",
				venv, venv, venv))
		}
		env["VIRTUAL_ENV"] = venv
		env["PATH"] = filepath.Join(venv, "bin") + string(os.PathListSeparator) + os.Getenv("PATH")
		return interpreter, env, nil
	}
	if cmd := os.Getenv("PULUMI_PYTHON_CMD"); cmd != "" {
		return cmd, env, nil
	}
	for _, name := range []string{"python3", "python"} {
		if found, err := exec.LookPath(name); err == nil {
			return found, env, nil
		}
	}
	return "", nil, userError("No Python interpreter found (python3 or python on PATH, or PULUMI_PYTHON_CMD).")
}

func (python) command(ctx context.Context, h *host, req *pulumirpc.RunRequest, p program,
) (*exec.Cmd, func(), error) {
	if toolchain := p.stringOption("toolchain"); toolchain != "" && toolchain != "pip" {
		return nil, noCleanup, userError(fmt.Sprintf("The %q toolchain (Pulumi.yaml runtime.options.toolchain) "+
			"is not supported by this language host: use pip with a virtualenv, or a Pulumi CLI of your own.",
			toolchain))
	}
	if checker := p.stringOption("typechecker"); checker != "" && checker != "none" {
		fmt.Fprintf(os.Stderr, "warning: this language host runs no typechecker (%s is ignored)\n", checker)
	}
	interpreter, env, err := pythonInterpreter(p)
	if err != nil {
		return nil, noCleanup, err
	}

	args := []string{"-u", "-c", pythonRun}
	add := func(flag, value string) {
		if value != "" {
			args = append(args, "--"+flag, value)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("organization", req.GetOrganization())
	add("root_directory", p.rootDir)
	add("pwd", p.dir)
	add("dry_run", fmt.Sprint(req.GetDryRun()))
	add("parallel", fmt.Sprint(req.GetParallel()))
	// "--" ends the runner's flags: the program's own arguments may look like flags.
	args = append(args, "--", p.entry)
	args = append(args, req.GetArgs()...)

	config, err := configEnv(req)
	if err != nil {
		return nil, noCleanup, err
	}
	for name, value := range config {
		env[name] = value
	}
	cmd := exec.CommandContext(ctx, interpreter, args...)
	cmd.Dir = p.dir
	cmd.Env = withEnv(env)
	return cmd, noCleanup, nil
}
