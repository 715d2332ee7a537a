// Command pulumi-language-nodejs is a small Node.js language host for the Pulumi engine.
//
// Why it exists: the upstream language host lives in its own Go module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) which has no
// release tags and is not served by the Go module mirror this project builds from.
// The engine only needs a handful of LanguageRuntime RPCs to preview/update/refresh/
// destroy a Node.js program, so this file implements exactly those, and hands the real
// work to the @pulumi/pulumi npm package installed in the program's node_modules
// (its `cmd/run` entry point does the TypeScript registration and runs the program).
//
// Protocol, as the engine (github.com/pulumi/pulumi/sdk/v3 go/common/resource/plugin)
// drives it:
//   - the engine starts us with `[--logtostderr] [-v=N] [--tracing URL] <engine address>`
//     and with the program directory as working directory;
//   - we serve gRPC on a free localhost port and print the port number as the only line
//     on stdout;
//   - it then calls GetRequiredPackages/GetRequiredPlugins, Run (once per operation),
//     sometimes GetPluginInfo, About, GetProgramDependencies, Cancel.
//
// Anything not listed above answers codes.Unimplemented, which the engine tolerates for
// Handshake/Template/Pack/Link/RuntimeOptionsPrompts and reports clearly otherwise.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// version is reported through GetPluginInfo; ensure.sh sets it with
// -ldflags "-X main.version=<pulumi version>".
var version = "3.276.0"

// exitCodeAlreadyReported is the exit status @pulumi/pulumi's cmd/run uses after it has
// already shown the user an actionable error; the engine should then stay quiet (bail).
const exitCodeAlreadyReported = 32

const sdkRunModule = "@pulumi/pulumi/cmd/run"

func main() {
	engineAddress, tracing := parseCommandLine(os.Args[1:])

	// No signal handling on purpose: the engine stops plugins with SIGINT and waits up to
	// 5s for them to exit before killing them, so the default "terminate on SIGINT" is right.

	h := &languageHost{engineAddress: engineAddress, tracing: tracing}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}

	// The engine reads the port from our first line of stdout.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: gRPC server stopped: %v\n", err)
		os.Exit(1)
	}
}

// parseCommandLine picks the engine address (last positional argument) and the tracing
// endpoint out of the arguments. Logging flags the engine may pass (--logtostderr, -v=N)
// and unknown flags are accepted and ignored, so a newer engine cannot make us fail to start.
func parseCommandLine(args []string) (engineAddress, tracing string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			if i+1 < len(args) {
				engineAddress = args[len(args)-1]
			}
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			engineAddress = arg
			continue
		}
		name := strings.TrimLeft(arg, "-")
		value, hasValue := "", false
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			name, value, hasValue = name[:eq], name[eq+1:], true
		}
		switch name {
		case "tracing", "root":
			if !hasValue && i+1 < len(args) {
				i++
				value = args[i]
			}
			if name == "tracing" {
				tracing = value
			}
		}
	}
	return engineAddress, tracing
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
}

func (h *languageHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *languageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if addr := req.GetEngineAddress(); addr != "" {
		h.mu.Lock()
		h.engineAddress = addr
		h.mu.Unlock()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPlugins reports no plugins: the programs this host is meant for only use the
// dynamic-provider plugin (pulumi-resource-pulumi-nodejs), which the engine finds by itself
// (next to the pulumi binary or on PATH) when the first dynamic resource is registered.
func (h *languageHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *languageHost) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest,
	stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	msg := "pulumi-language-nodejs (pulumi-cloudflare-mtls build): installing dependencies is not supported; " +
		"run `npm install` (or `npm ci`) in the project yourself.\n"
	return stream.Send(&pulumirpc.InstallDependenciesResponse{Stderr: []byte(msg)})
}

func (h *languageHost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *languageHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	// The node process receives the terminal's SIGINT itself and the engine tears us down;
	// nothing to do here.
	return &emptypb.Empty{}, nil
}

func (h *languageHost) About(_ context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, err := exec.Command(nodeBin, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running %s --version: %w", nodeBin, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: nodeBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
		Metadata:   map[string]string{"languageHost": "pulumi-cloudflare-mtls minimal nodejs host " + version},
	}, nil
}

// GetProgramDependencies lists the direct dependencies of the program's package.json with the
// versions installed in node_modules (used by `pulumi about`).
func (h *languageHost) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd()
	}
	pkgDir, manifest, err := findPackageJSON(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for name := range manifest.Dependencies {
		names = append(names, name)
	}
	if req.GetTransitiveDependencies() {
		for name := range manifest.DevDependencies {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for _, name := range names {
		v := installedVersion(pkgDir, name)
		if v == "" {
			continue
		}
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: name, Version: v})
	}
	return resp, nil
}

type packageManifest struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
}

func readManifest(path string) (*packageManifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m packageManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return &m, nil
}

func findPackageJSON(dir string) (string, *packageManifest, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if m, err := readManifest(filepath.Join(d, "package.json")); err == nil {
			return d, m, nil
		}
		if filepath.Dir(d) == d {
			return "", nil, fmt.Errorf("no package.json found in %s or its parents", dir)
		}
	}
}

func installedVersion(from, name string) string {
	for d := from; ; d = filepath.Dir(d) {
		if m, err := readManifest(filepath.Join(d, "node_modules", name, "package.json")); err == nil {
			return m.Version
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// runtimeOptions are the `runtime.options` of Pulumi.yaml that matter for running a program.
type runtimeOptions struct {
	typescript bool
	tsconfig   string
	nodeArgs   []string
}

func parseRuntimeOptions(opts *structpb.Struct) runtimeOptions {
	ro := runtimeOptions{typescript: true}
	if opts == nil {
		return ro
	}
	m := opts.AsMap()
	if v, ok := m["typescript"].(bool); ok {
		ro.typescript = v
	}
	if v, ok := m["tsconfig"].(string); ok {
		ro.tsconfig = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		ro.nodeArgs = strings.Fields(v)
	}
	return ro
}

// Run executes the program once, via `node <@pulumi/pulumi/cmd/run> <flags> <entry point> <args>`.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()

	pwd := req.GetPwd()
	programDir := info.GetProgramDirectory()
	if pwd == "" {
		pwd = programDir
	}
	if programDir == "" {
		programDir = pwd
	}
	entryPoint := info.GetEntryPoint()
	if entryPoint == "" {
		entryPoint = req.GetProgram() //nolint:staticcheck // older engines only fill this field
	}
	if entryPoint == "" {
		entryPoint = "."
	}
	if entryPoint != "." && !filepath.IsAbs(entryPoint) && programDir != "" {
		entryPoint = filepath.Join(programDir, entryPoint)
	}

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}

	runScript, err := locateRunScript(nodeBin, programDir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	opts := parseRuntimeOptions(info.GetOptions())

	args := append([]string{}, opts.nodeArgs...)
	args = append(args, runScript)
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", h.engine())
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("root-directory", info.GetRootDirectory())
	flag("stack", req.GetStack())
	flag("pwd", pwd)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flag("parallel", fmt.Sprint(req.GetParallel()))
	flag("tracing", h.tracing)
	args = append(args, entryPoint)
	args = append(args, req.GetArgs()...)

	env, err := programEnvironment(req, opts)
	if err != nil {
		return nil, err
	}

	cmd := exec.Command(nodeBin, args...)
	cmd.Dir = pwd
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return &pulumirpc.RunResponse{Error: "could not start the Node.js program: " + err.Error()}, nil
		}
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return &pulumirpc.RunResponse{Error: "Program terminated by signal " + ws.Signal().String()}, nil
		}
		code := exitErr.ExitCode()
		if code == exitCodeAlreadyReported {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// locateRunScript finds @pulumi/pulumi/cmd/run as Node would from the program directory;
// PULUMI_LANGUAGE_NODEJS_RUN_PATH overrides it.
func locateRunScript(nodeBin, programDir string) (string, error) {
	if p := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); p != "" {
		return p, nil
	}
	cmd := exec.Command(nodeBin, "-e", "process.stdout.write(require.resolve('"+sdkRunModule+"'))")
	cmd.Dir = programDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		return "", fmt.Errorf("it looks like the Pulumi SDK has not been installed in %s "+
			"(could not resolve %s with %s: %v %s); have you run npm install?",
			programDir, sdkRunModule, nodeBin, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// programEnvironment is our environment plus what @pulumi/pulumi's runtime reads:
// PULUMI_CONFIG (JSON object of "project:key" -> value), PULUMI_CONFIG_SECRET_KEYS (JSON array)
// and the TypeScript switches.
func programEnvironment(req *pulumirpc.RunRequest, opts runtimeOptions) ([]string, error) {
	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("serializing config: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("serializing secret config keys: %w", err)
	}

	set := map[string]string{
		"PULUMI_CONFIG":             string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS": string(secretJSON),
		"PULUMI_NODEJS_TYPESCRIPT":  fmt.Sprint(opts.typescript),
	}
	if opts.tsconfig != "" {
		set["PULUMI_NODEJS_TSCONFIG_PATH"] = opts.tsconfig
	}

	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if _, overridden := set[name]; overridden {
			continue
		}
		env = append(env, kv)
	}
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		env = append(env, name+"="+set[name])
	}
	return env, nil
}
