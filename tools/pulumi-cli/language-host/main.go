// pulumi-language-nodejs is a minimal Node.js language host for the Pulumi engine.
//
// Pulumi releases ship their own language host, but it lives in a Go module the module proxy does not
// serve, and release binaries cannot be downloaded here. This host implements just what `pulumi up`,
// `preview`, `refresh`, `destroy` and `import` need: it starts `@pulumi/pulumi/cmd/run` from the program's
// own node_modules, passing the engine's settings the way the SDK expects them. Users with a real Pulumi
// CLI never use it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
)

// version is set at build time to the version of the Pulumi CLI it is built with.
var version = "3.0.0"

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	// watchEngine starts the watch of the engine once its address is known (argument or handshake).
	watchEngine sync.Once
}

// engineGone is cancelled when the engine that started this host is gone: its address stops answering, or
// this process's parent changes (the engine was killed and we were re-parented). The real language host does
// the same health check (every 5 minutes); this one checks every second, so that a killed `pulumi` leaves no
// program or host running behind it. Programs started by Run are killed with it.
var engineGone, markEngineGone = context.WithCancel(context.Background())

// programs counts the programs Run is running, so that the host exits only once they are killed.
var programs sync.WaitGroup

// engineCheckInterval is how often the engine is looked at: well inside the 5 s a caller allows for cleanup.
const engineCheckInterval = time.Second

func (h *host) startEngineWatch(address string) {
	h.watchEngine.Do(func() {
		if address != "" {
			if err := rpcutil.Healthcheck(engineGone, address, engineCheckInterval, markEngineGone); err != nil {
				fmt.Fprintf(os.Stderr, "language host: cannot watch the engine at %s: %v\n", address, err)
			}
		}
		parent := os.Getppid()
		go func() {
			ticker := time.NewTicker(engineCheckInterval)
			defer ticker.Stop()
			for {
				select {
				case <-ticker.C:
					if os.Getppid() != parent {
						markEngineGone()
						return
					}
				case <-engineGone.Done():
					return
				}
			}
		}()
	})
}

func main() {
	flag.String("tracing", "", "ignored: tracing is not supported by this host")
	flag.String("root", "", "ignored: the project root comes with each request")
	flag.Bool("typescript", true, "ignored: read from the project's runtime options")
	flag.Parse()

	h := &host{}
	if args := flag.Args(); len(args) > 0 {
		h.engineAddress = args[0]
		h.startEngineWatch(h.engineAddress)
	}
	go func() {
		<-engineGone.Done()
		// Give Run's kill of its program a moment to land, then go: nobody is left to answer.
		done := make(chan struct{})
		go func() { programs.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
		fmt.Fprintln(os.Stderr, "language host: the engine is gone; exiting")
		os.Exit(1)
	}()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "could not start language host: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from our first line of output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "language host stopped: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	h.startEngineWatch(h.engineAddress)
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// Dynamic providers need no plugin besides the engine's built-in `pulumi-nodejs` one.
func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, _ := exec.LookPath("node")
	return &pulumirpc.AboutResponse{Executable: node}, nil
}

func (h *host) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

// Dependencies are the project's business (`npm install`); the engine only asks on `pulumi install`.
func (h *host) InstallDependencies(*pulumirpc.InstallDependenciesRequest,
	pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	programDir := req.GetPwd()
	entry := "."
	options := map[string]any{}
	if info := req.GetInfo(); info != nil {
		if info.GetProgramDirectory() != "" {
			programDir = info.GetProgramDirectory()
		}
		if info.GetEntryPoint() != "" {
			entry = info.GetEntryPoint()
		}
		if info.GetOptions() != nil {
			options = info.GetOptions().AsMap()
		}
	} else if req.GetProgram() != "" {
		entry = req.GetProgram()
	}

	runScript, err := resolveFrom(programDir, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "It looks like the Pulumi SDK has not been installed in " +
			programDir + ". Run `npm install` there first."}, nil
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
	add("pwd", programDir)
	if req.GetInfo() != nil {
		add("root-directory", req.GetInfo().GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", fmt.Sprint(req.GetParallel()))
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(req.GetConfigSecretKeys())
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
	)
	if typescript, ok := options["typescript"].(bool); !ok || typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}
	if nodeargs, ok := options["nodeargs"].(string); ok && nodeargs != "" {
		args = append(strings.Fields(nodeargs), args...)
	}

	// The program dies with the request or with the engine, whichever goes first.
	programs.Add(1)
	defer programs.Done()
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	stopWatch := context.AfterFunc(engineGone, cancelRun)
	defer stopWatch()
	cmd := exec.CommandContext(runCtx, "node", args...)
	cmd.Dir = programDir
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		// Exit code 32 means the SDK already showed the user an actionable message.
		if errors.As(err, &exitErr) && exitErr.ExitCode() == 32 {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: "program exited: " + err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
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
