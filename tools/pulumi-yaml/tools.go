//go:build tools

// Package tools pins the Pulumi YAML language host this folder builds (see scripts/pulumi-cli.sh). It has a
// module of its own because it is built against other Pulumi pkg/sdk versions than the CLI.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
