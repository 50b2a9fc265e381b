// sdkgen writes the SDKs of a Pulumi package from its schema with Pulumi's own code generators, the ones
// `pulumi package gen-sdk` reaches through language hosts that the Go module proxy does not serve.
//
//	sdkgen --schema schema.json --out sdk [--version 0.1.0] [--language nodejs,python,go,dotnet] [--logo icon.png]
//
// scripts/gen-sdk.sh builds it once and runs it with these flags. From the repository root without the script:
// `go -C tools/sdkgen run . --schema "$PWD/schema.json" --out "$PWD/sdk" --version 0.1.0` (under -C, relative
// paths are relative to tools/sdkgen).
//
// Each language goes into its own folder under --out (nodejs, python, go, dotnet), emptied first. --version
// (else the schema's own `version`) is written into every SDK, so that none keeps a placeholder such as the
// Node.js SDK's `${VERSION}`. The Go SDK also gets a go.mod requiring the Pulumi Go SDK this tool is built
// with; run `go mod tidy` there to pin its go.sum.
//
// The .NET generator is no longer part of github.com/pulumi/pulumi/pkg/v3 at the version this tool is built
// with, and its new home is refused by the module proxy: .NET is written by sdkgen-dotnet (tools/sdkgen/dotnet,
// built from an older pkg/v3 that still has it), looked for next to this program, then on PATH, then (under
// `go run`) run from its source folder. --logo is the .NET package's icon (see there).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool names the generator in the header of every generated file.
const tool = "pulumi-pe-orchestrator sdkgen"

// goDirective is the `go` line of the Go SDK's go.mod: the one the Pulumi Go SDK's own go.mod asks for.
const goDirective = "1.25.11"

// languageSections are the schema's `language` keys of the four SDKs (.NET's is `csharp`).
var languageSections = []string{"nodejs", "python", "go", "csharp"}

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON)")
	out := flag.String("out", "", "the folder to write <language>/ folders into")
	version := flag.String("version", "", "the SDKs' version (default: the schema's `version`)")
	languages := flag.String("language", "nodejs,python,go,dotnet", "comma-separated languages to generate")
	logo := flag.String("logo", "", "the .NET package's icon (PNG; default: the schema's logoUrl, else a plain square)")
	flag.Parse()
	if *schemaPath == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen --schema schema.json --out sdk [--version 0.1.0] "+
			"[--language nodejs,python,go,dotnet] [--logo icon.png]")
		os.Exit(2)
	}
	if err := run(*schemaPath, *out, *version, strings.Split(*languages, ","), *logo); err != nil {
		fmt.Fprintf(os.Stderr, "sdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, out, version string, languages []string, logo string) error {
	spec, err := readSpec(schemaPath, version)
	if err != nil {
		return err
	}
	for _, language := range languages {
		language = strings.TrimSpace(language)
		started := time.Now()
		dir := filepath.Join(out, language)
		var files map[string][]byte
		switch language {
		case "nodejs", "python", "go":
			files, err = generate(language, spec)
		case "dotnet":
			err = generateDotnet(spec, dir, logo)
		default:
			err = fmt.Errorf("unknown language %q (nodejs, python, go or dotnet)", language)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", language, err)
		}
		if files != nil {
			if err := writeFiles(dir, files); err != nil {
				return fmt.Errorf("%s: %w", language, err)
			}
		}
		fmt.Fprintf(os.Stderr, "sdkgen: %s SDK in %s (%d ms)\n", language, dir, time.Since(started).Milliseconds())
	}
	return nil
}

// readSpec reads the schema and applies the version: set as the package's version, and every SDK told to
// use it (`respectSchemaVersion`) rather than a placeholder for a later release step to fill in.
func readSpec(schemaPath, version string) (schema.PackageSpec, error) {
	var spec schema.PackageSpec
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return spec, err
	}
	if err := json.Unmarshal(text, &spec); err != nil {
		return spec, fmt.Errorf("%s: %w", schemaPath, err)
	}
	if version != "" {
		if _, err := semver.ParseTolerant(version); err != nil {
			return spec, fmt.Errorf("--version %q: %w", version, err)
		}
		spec.Version = strings.TrimPrefix(version, "v")
	}
	if spec.Version == "" {
		return spec, errors.New("no version: pass --version or set `version` in the schema")
	}
	if spec.Language == nil {
		spec.Language = map[string]schema.RawMessage{}
	}
	for _, section := range languageSections {
		options := map[string]any{}
		if raw, ok := spec.Language[section]; ok {
			if err := json.Unmarshal(raw, &options); err != nil {
				return spec, fmt.Errorf("%s: language.%s: %w", schemaPath, section, err)
			}
		}
		options["respectSchemaVersion"] = true
		raw, err := json.Marshal(options)
		if err != nil {
			return spec, err
		}
		spec.Language[section] = raw
	}
	return spec, nil
}

// bind validates the schema; each language gets its own bound package, since generators record their
// options in it.
func bind(spec schema.PackageSpec) (*schema.Package, error) {
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("invalid schema: %w", diags)
	}
	return pkg, nil
}

func generate(language string, spec schema.PackageSpec) (map[string][]byte, error) {
	pkg, err := bind(spec)
	if err != nil {
		return nil, err
	}
	switch language {
	case "nodejs":
		return nodejs.GeneratePackage(tool, pkg, nil, nil, false, noLoader{})
	case "python":
		return python.GeneratePackage(tool, pkg, nil, noLoader{})
	default:
		files, err := gogen.GeneratePackage(tool, pkg, nil)
		if err != nil {
			return nil, err
		}
		if _, ok := files["go.mod"]; !ok {
			files["go.mod"] = goMod(pkg)
		}
		return files, nil
	}
}

// goMod makes the Go SDK a module of its own: the module path is `language.go.modulePath`, else the
// folder above `importBasePath` (the generated package folder sits inside the module's root).
func goMod(pkg *schema.Package) []byte {
	var info gogen.GoPackageInfo
	if goInfo, ok := pkg.Language["go"].(gogen.GoPackageInfo); ok {
		info = goInfo
	}
	module := info.ModulePath
	if module == "" {
		base := info.ImportBasePath
		if base == "" {
			base = gogen.ExtractImportBasePath(pkg.Reference())
		}
		module = path.Dir(base)
	}
	return fmt.Appendf(nil, "module %s\n\ngo %s\n\nrequire github.com/pulumi/pulumi/sdk/v3 %s\n",
		module, goDirective, pulumiSDKVersion())
}

// pulumiSDKVersion is the version of the Pulumi Go SDK this program is built with (go.mod pins it).
func pulumiSDKVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/pulumi/pulumi/sdk/v3" {
				return dep.Version
			}
		}
	}
	return "v3.248.0"
}

// generateDotnet runs sdkgen-dotnet on the schema as prepared here (version applied).
func generateDotnet(spec schema.PackageSpec, dir, logo string) error {
	helper, err := dotnetHelper()
	if err != nil {
		return err
	}
	text, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	prepared, err := os.CreateTemp("", "sdkgen-schema-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(prepared.Name())
	if _, err := prepared.Write(text); err != nil {
		prepared.Close()
		return err
	}
	if err := prepared.Close(); err != nil {
		return err
	}
	args := append(slices.Clone(helper[1:]), "--schema", prepared.Name(), "--dir", dir)
	if logo != "" {
		args = append(args, "--logo", logo)
	}
	cmd := exec.Command(helper[0], args...)
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", strings.Join(helper, " "), err)
	}
	return nil
}

// dotnetHelper is the command that runs sdkgen-dotnet: the binary next to this program (where
// scripts/gen-sdk.sh puts it) or on PATH, else, under `go run`, its module from the source tree.
func dotnetHelper() ([]string, error) {
	if self, err := os.Executable(); err == nil {
		candidate := filepath.Join(filepath.Dir(self), "sdkgen-dotnet")
		if _, err := os.Stat(candidate); err == nil {
			return []string{candidate}, nil
		}
	}
	if found, err := exec.LookPath("sdkgen-dotnet"); err == nil {
		return []string{found}, nil
	}
	// Without -trimpath (as `go run` builds), this file's path is where it is on disk.
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		module := filepath.Join(filepath.Dir(file), "dotnet")
		if _, err := os.Stat(filepath.Join(module, "go.mod")); err == nil {
			return []string{"go", "-C", module, "run", "."}, nil
		}
	}
	return nil, errors.New("sdkgen-dotnet not found next to sdkgen or on PATH: build tools/sdkgen/dotnet " +
		"(scripts/gen-sdk.sh does), or leave dotnet out of --language")
}

// writeFiles replaces dir with the generated files.
func writeFiles(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// noLoader refuses to load other packages: a schema that refers to another package's types cannot be
// generated by this tool without that package's plugin.
type noLoader struct{}

func (noLoader) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; sdkgen loads no other packages", name)
}

func (l noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (l noLoader) LoadPackageReference(name string, v *semver.Version) (schema.PackageReference, error) {
	_, err := l.LoadPackage(name, v)
	return nil, err
}

func (l noLoader) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, d.Version)
}
