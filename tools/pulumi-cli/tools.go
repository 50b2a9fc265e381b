//go:build tools

// Package tools pins the Pulumi CLI this folder builds (see scripts/pulumi-cli.sh).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
