// The language hosts the project builds next to its own Pulumi CLI: pulumi-language-nodejs,
// pulumi-language-python and pulumi-language-go, one binary that picks its language by the name it is
// started under (os.Args[0]; any other name means Node.js).
//
// Pulumi releases ship their own language hosts, but they live in Go modules the module proxy does not
// serve, and release binaries cannot be downloaded here. These hosts implement just what `pulumi up`,
// `preview`, `refresh`, `destroy` and `import` need: start the program with the engine's settings the way
// the language's Pulumi SDK expects them (nodejs.go, python.go, golang.go), and report how it ended. They
// install no dependencies and report no required plugins (the engine loads each resource's provider when
// the program first uses it). Users with a real Pulumi CLI never use them.
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

// exitStatusLoggedError is the exit status of a program that has already shown the user why it failed
// (each Pulumi SDK uses it): the engine is told to bail without a message of its own.
const exitStatusLoggedError = 32

// language is what differs between the hosts: how a program is started.
type language interface {
	// command makes the program's process. cleanup (never nil) removes what it made, such as a built
	// binary. A userError is shown to the user as the run's error; any other error fails the RPC.
	command(ctx context.Context, h *host, req *pulumirpc.RunRequest, p program) (cmd *exec.Cmd, cleanup func(), err error)
	// executable is the tool About reports (the interpreter or compiler programs run with).
	executable(info *pulumirpc.ProgramInfo) string
}

// userError is a run failure with a message meant for the user (what to install, what to fix).
type userError string

func (e userError) Error() string { return string(e) }

// program is where the program is and how Pulumi.yaml asks for it to be run.
type program struct {
	// dir is the program's folder (Pulumi.yaml `main`, else the project folder); rootDir the project's.
	dir, rootDir string
	// entry is the program inside dir ("." when Pulumi.yaml names none).
	entry string
	// options are Pulumi.yaml's `runtime.options`.
	options map[string]any
}

func programOf(req *pulumirpc.RunRequest) program {
	p := program{dir: req.GetPwd(), entry: ".", options: map[string]any{}}
	if info := req.GetInfo(); info != nil {
		if info.GetProgramDirectory() != "" {
			p.dir = info.GetProgramDirectory()
		}
		p.rootDir = info.GetRootDirectory()
		if info.GetEntryPoint() != "" {
			p.entry = info.GetEntryPoint()
		}
		if info.GetOptions() != nil {
			p.options = info.GetOptions().AsMap()
		}
	} else if req.GetProgram() != "" {
		p.entry = req.GetProgram()
	}
	if p.rootDir == "" {
		p.rootDir = p.dir
	}
	return p
}

// stringOption is a string runtime option ("" when unset or not a string).
func (p program) stringOption(name string) string {
	value, _ := p.options[name].(string)
	return value
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	lang          language
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

// languageByName picks the language from the name the host was started under.
func languageByName(arg0 string) language {
	name := strings.TrimSuffix(filepath.Base(arg0), ".exe")
	switch name {
	case "pulumi-language-python":
		return python{}
	case "pulumi-language-go":
		return golang{}
	default:
		return nodejs{}
	}
}

func main() {
	flag.String("tracing", "", "ignored: tracing is not supported by this host")
	flag.String("root", "", "ignored: the project root comes with each request")
	flag.Bool("typescript", true, "ignored: read from the project's runtime options")
	flag.Parse()

	h := &host{lang: languageByName(os.Args[0])}
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

// No plugin is reported ahead of the run: the engine loads a resource's provider (found installed, or on
// PATH) when the program registers the first resource of its package.
func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) About(_ context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	return &pulumirpc.AboutResponse{Executable: h.lang.executable(req.GetInfo())}, nil
}

func (h *host) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

// Dependencies are the project's business (`npm install`, `pip install`, `go mod download`); the engine only
// asks on `pulumi install`.
func (h *host) InstallDependencies(*pulumirpc.InstallDependenciesRequest,
	pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	// The program (and a build before it) dies with the request or with the engine, whichever goes first.
	programs.Add(1)
	defer programs.Done()
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	stopWatch := context.AfterFunc(engineGone, cancelRun)
	defer stopWatch()

	cmd, cleanup, err := h.lang.command(runCtx, h, req, programOf(req))
	if cleanup != nil {
		defer cleanup()
	}
	if err != nil {
		var user userError
		if errors.As(err, &user) {
			return &pulumirpc.RunResponse{Error: user.Error()}, nil
		}
		return nil, err
	}
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && exitErr.ExitCode() == exitStatusLoggedError {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: "program exited: " + err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// configEnv is the stack's config as every Pulumi SDK reads it: PULUMI_CONFIG (a JSON object of
// `<namespace>:<key>` to value) and PULUMI_CONFIG_SECRET_KEYS (a JSON array of the keys that are secrets).
func configEnv(req *pulumirpc.RunRequest) (map[string]string, error) {
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secrets, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"PULUMI_CONFIG":             string(config),
		"PULUMI_CONFIG_SECRET_KEYS": string(secrets),
	}, nil
}

// withEnv is the host's environment with the given variables set (replacing any of the same name).
func withEnv(vars map[string]string) []string {
	env := make([]string, 0, len(os.Environ())+len(vars))
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if _, replaced := vars[name]; !replaced {
			env = append(env, kv)
		}
	}
	for name, value := range vars {
		env = append(env, name+"="+value)
	}
	return env
}

func noCleanup() {}
