//go:build tools

// Package cli only exists to pin the Pulumi CLI (main package
// github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) and its whole dependency graph in go.mod/go.sum,
// so ensure.sh can `go build` it reproducibly. pkg/v3's own go.mod has `replace` directives,
// which is why `go install github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v3.276.0` refuses to work.
package cli

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
