// sdkgen-dotnet writes the .NET SDK of a Pulumi package from its schema, for sdkgen (tools/sdkgen).
//
//	sdkgen-dotnet --schema schema.json --dir sdk/dotnet [--logo icon.png]
//
// The .NET code generator left github.com/pulumi/pulumi/pkg/v3 (deprecated in February 2026, deleted in
// April 2026) for github.com/pulumi/pulumi-dotnet, a module the Go module proxy refuses to serve. This
// module pins pkg/v3 v3.206.0, which still has it (and which the Pulumi YAML language host already pulls),
// so it is a module of its own. sdkgen passes the schema with the version already applied.
//
// The generator downloads the NuGet package's icon (logo.png) from the schema's `logoUrl`, else from GitHub,
// which this machine cannot reach. Here the icon is --logo, else the schema's `logoUrl` when it names one, else
// a plain 64x64 square drawn here: nothing is downloaded unless the schema asks for it.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-pe-orchestrator sdkgen"

func main() {
	schemaPath := flag.String("schema", "", "the package schema (JSON)")
	dir := flag.String("dir", "", "the folder to write the .NET SDK into (emptied first)")
	logo := flag.String("logo", "", "the NuGet package's icon (PNG; default: the schema's logoUrl, else a plain square)")
	flag.Parse()
	if *schemaPath == "" || *dir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen-dotnet --schema schema.json --dir sdk/dotnet")
		os.Exit(2)
	}
	if err := run(*schemaPath, *dir, *logo); err != nil {
		fmt.Fprintf(os.Stderr, "sdkgen-dotnet: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, dir, logo string) error {
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("invalid schema: %w", diags)
	}
	if logo != "" || pkg.LogoURL == "" {
		icon, err := logoPNG(logo)
		if err != nil {
			return err
		}
		serveLogo(icon)
		pkg.LogoURL = localLogoURL
	}
	files, err := dotnet.GeneratePackage(tool, pkg, nil, nil)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for name, content := range files {
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// localLogoURL is where the generator finds the icon: answered in this process, without a network.
const localLogoURL = "sdkgen-logo://logo.png"

// serveLogo makes the default HTTP client (the generator's) answer localLogoURL with icon.
func serveLogo(icon []byte) {
	transport, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return
	}
	transport.RegisterProtocol("sdkgen-logo", roundTripper(func(req *http.Request) (*http.Response, error) {
		return &http.Response{
			Status:        "200 OK",
			StatusCode:    http.StatusOK,
			Proto:         "HTTP/1.1",
			ProtoMajor:    1,
			ProtoMinor:    1,
			Header:        http.Header{"Content-Type": {"image/png"}},
			Body:          io.NopCloser(bytes.NewReader(icon)),
			ContentLength: int64(len(icon)),
			Request:       req,
		}, nil
	}))
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// logoPNG is the icon file, or a plain 64x64 square when none is given.
func logoPNG(file string) ([]byte, error) {
	if file != "" {
		return os.ReadFile(file)
	}
	square := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			square.Set(x, y, color.RGBA{R: 0x4d, G: 0x5b, B: 0xd9, A: 0xff})
		}
	}
	var out bytes.Buffer
	if err := png.Encode(&out, square); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// noLoader refuses to load other packages, as sdkgen does.
type noLoader struct{}

func (noLoader) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; sdkgen loads no other packages", name)
}

func (l noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}
