package main

import (
	"encoding/json"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestParseCommandLine(t *testing.T) {
	cases := []struct {
		args            []string
		engine, tracing string
	}{
		{[]string{"127.0.0.1:1234"}, "127.0.0.1:1234", ""},
		{[]string{"--logtostderr", "-v=9", "--tracing", "http://t", "127.0.0.1:1"}, "127.0.0.1:1", "http://t"},
		{[]string{"-tracing=http://x", "--root", "/p", "e:2"}, "e:2", "http://x"},
		{[]string{"--some-new-flag=1", "e:3"}, "e:3", ""},
		{nil, "", ""},
	}
	for _, c := range cases {
		engine, tracing := parseCommandLine(c.args)
		if engine != c.engine || tracing != c.tracing {
			t.Errorf("parseCommandLine(%q) = %q, %q; want %q, %q", c.args, engine, tracing, c.engine, c.tracing)
		}
	}
}

func TestParseRuntimeOptions(t *testing.T) {
	if o := parseRuntimeOptions(nil); !o.typescript || o.tsconfig != "" || len(o.nodeArgs) != 0 {
		t.Fatalf("defaults: %+v", o)
	}
	s, err := structpb.NewStruct(map[string]any{
		"typescript": false, "tsconfig": "tsconfig.pulumi.json", "nodeargs": "--no-warnings  --max-old-space-size=4096",
	})
	if err != nil {
		t.Fatal(err)
	}
	o := parseRuntimeOptions(s)
	if o.typescript || o.tsconfig != "tsconfig.pulumi.json" || strings.Join(o.nodeArgs, "|") != "--no-warnings|--max-old-space-size=4096" {
		t.Fatalf("parsed: %+v", o)
	}
}

func TestProgramEnvironment(t *testing.T) {
	t.Setenv("PULUMI_CONFIG", "stale")
	env, err := programEnvironment(&pulumirpc.RunRequest{
		Config:           map[string]string{"proj:greeting": "hello"},
		ConfigSecretKeys: []string{"proj:token"},
	}, runtimeOptions{typescript: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	count := 0
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if k == "PULUMI_CONFIG" {
			count++
		}
		got[k] = v
	}
	if count != 1 {
		t.Fatalf("PULUMI_CONFIG appears %d times", count)
	}
	var cfg map[string]string
	if err := json.Unmarshal([]byte(got["PULUMI_CONFIG"]), &cfg); err != nil || cfg["proj:greeting"] != "hello" {
		t.Fatalf("PULUMI_CONFIG = %q (%v)", got["PULUMI_CONFIG"], err)
	}
	if got["PULUMI_CONFIG_SECRET_KEYS"] != `["proj:token"]` || got["PULUMI_NODEJS_TYPESCRIPT"] != "true" {
		t.Fatalf("env: %v", got)
	}
	if _, ok := got["PULUMI_NODEJS_TSCONFIG_PATH"]; ok {
		t.Fatal("PULUMI_NODEJS_TSCONFIG_PATH set without a tsconfig option")
	}
}
