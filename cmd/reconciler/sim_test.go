package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
	"github.com/aws/smithy-go"

	"github.com/sipops/reconciler/internal/chime/sim"
)

// lockedBuffer is a bytes.Buffer safe for the logger's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startSim runs `reconciler sim args...` in-process and returns its stdout
// lines reader, a cancel that stops it, and the exit code channel.
func startSim(t *testing.T, args ...string) (*bufio.Reader, context.CancelFunc, <-chan int, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	stderr := &lockedBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- Main(ctx, append([]string{"sim"}, args...), Stdio{Out: pw, Err: stderr})
		pw.Close()
	}()
	t.Cleanup(cancel)
	return bufio.NewReader(pr), cancel, code, stderr
}

func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("read stdout: got %q, %v; want a line", line, err)
	}
	return strings.TrimSuffix(line, "\n")
}

func waitExit(t *testing.T, code <-chan int, stderr *lockedBuffer) int {
	t.Helper()
	select {
	case c := <-code:
		return c
	case <-time.After(10 * time.Second):
		t.Fatalf("sim did not exit 10s after cancel; stderr:\n%s", stderr)
		return -1
	}
}

func TestSimServesUntilCancelled(t *testing.T) {
	out, cancel, code, stderr := startSim(t, "--connectors", "2", "--region", "eu-west-2", "--log-level", "debug")
	url := readLine(t, out)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(url) {
		t.Fatalf("first line: got %q, want http://127.0.0.1:PORT", url)
	}
	var ids []string
	for range 2 {
		ids = append(ids, readLine(t, out))
	}
	req, _ := http.NewRequest("GET", url+"/voice-connectors/"+ids[1]+"/origination", nil)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261125/eu-west-2/chime/aws4_request, SignedHeaders=host, Signature=ab")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET origination: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "{}" {
		t.Errorf("GET origination: got %d %s, want 200 {}", resp.StatusCode, body)
	}
	cancel()
	if got := waitExit(t, code, stderr); got != exitOK {
		t.Errorf("exit code: got %d, want %d; stderr:\n%s", got, exitOK, stderr)
	}
	if !strings.Contains(stderr.String(), "op=GetVoiceConnectorOrigination") {
		t.Errorf("stderr: got %q, want a debug line for the request", stderr)
	}
}

func TestSimStateAndIDsFile(t *testing.T) {
	dir := t.TempDir()
	state, idsFile := filepath.Join(dir, "state.json"), filepath.Join(dir, "ids")
	var first string
	for run := range 2 { // the second run finds vc-0001..3 in the state file
		out, cancel, code, stderr := startSim(t, "--connectors", "3", "--state", state, "--ids-file", idsFile)
		readLine(t, out)
		cancel()
		if got := waitExit(t, code, stderr); got != exitOK {
			t.Fatalf("run %d: exit code got %d, want 0; stderr:\n%s", run, got, stderr)
		}
		ids, err := os.ReadFile(idsFile)
		if err != nil || strings.Count(string(ids), "\n") != 3 {
			t.Fatalf("run %d: ids file got %q, %v; want 3 lines", run, ids, err)
		}
		if run == 0 {
			first = string(ids)
		} else if string(ids) != first {
			t.Errorf("ids after restart: got %q, want %q", ids, first)
		}
	}
}

func TestSimUsageErrors(t *testing.T) {
	tests := [][]string{
		{"--no-such-flag"},
		{"--connectors", "-1"},
		{"--region", "mars-1"},
		{"--fault-rate", "2"},
		{"--spike-rate", "-0.1"},
		{"--log-level", "loud"},
		{"--route-quota", "0"},
		{"--route-quota", "21"},
		{"--unconfigured", "absent"},
		{"--credentials", "AKID"},
		{"--credentials", "AKID:"},
		{"--credentials", ":s3cr3t"},
		{"--credentials", "AKID:s3cr3t,AKID:s3cr3t2"},
		{"--credentials", "AK/ID:s3cr3t"},
		{"stray"},
	}
	for _, args := range tests {
		var stderr lockedBuffer
		got := Main(t.Context(), append([]string{"sim"}, args...), Stdio{Out: io.Discard, Err: &stderr})
		if got != exitUsage {
			t.Errorf("sim %v: got exit %d, want %d; stderr:\n%s", args, got, exitUsage, stderr.String())
		}
		if args[0] == "--credentials" && strings.Contains(stderr.String(), "s3cr3t") {
			t.Errorf("sim %v: stderr shows the secret:\n%s", args, stderr.String())
		}
	}
}

func TestSimFlags(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		want sim.Config
	}{
		{nil, nil, sim.Config{RouteQuota: 10, Unconfigured: sim.UnconfiguredEmpty}},
		{[]string{"--route-quota", "20", "--unconfigured", "notfound", "--credentials", "AKID1:s1, AKID2:s/2+x"}, nil,
			sim.Config{RouteQuota: 20, Unconfigured: sim.UnconfiguredNotFound, Credentials: map[string]string{"AKID1": "s1", "AKID2": "s/2+x"}}},
		{nil, map[string]string{"RECONCILER_SIM_ROUTE_QUOTA": "12", "RECONCILER_SIM_UNCONFIGURED": "notfound", "RECONCILER_SIM_CREDENTIALS": "AKID:SECRET"},
			sim.Config{RouteQuota: 12, Unconfigured: sim.UnconfiguredNotFound, Credentials: map[string]string{"AKID": "SECRET"}}},
	}
	for _, tt := range tests {
		var stderr lockedBuffer
		std := Stdio{Out: io.Discard, Err: &stderr, Getenv: func(k string) string { return tt.env[k] }}
		cfg, _, err := parseSimFlags(std, tt.args)
		got := cfg.opts
		if err != nil || got.RouteQuota != tt.want.RouteQuota || got.Unconfigured != tt.want.Unconfigured || !maps.Equal(got.Credentials, tt.want.Credentials) {
			t.Errorf("sim %v (env %v): got %v, %+v; want %+v; stderr:\n%s", tt.args, tt.env, err, got, tt.want, stderr.String())
		}
	}
}

// TestSimVerifiesSignatures: with --credentials, the served simulator
// refuses a request signed with another secret, and accepts the real
// client with the configured key.
func TestSimVerifiesSignatures(t *testing.T) {
	out, cancel, code, stderr := startSim(t, "--connectors", "1", "--credentials", "AKIDCLI:cli-secret", "--unconfigured", "notfound")
	url := readLine(t, out)
	id := readLine(t, out)
	newClient := func(secret string) *chimesdkvoice.Client {
		return chimesdkvoice.New(chimesdkvoice.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
			Credentials: credentials.NewStaticCredentialsProvider("AKIDCLI", secret, ""), Retryer: aws.NopRetryer{}})
	}
	in := &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id)}
	_, err := newClient("cli-secret").GetVoiceConnectorOrigination(t.Context(), in)
	if _, ok := errors.AsType[*types.NotFoundException](err); !ok {
		t.Errorf("good signature, no origination, --unconfigured notfound: got %v, want NotFoundException", err)
	}
	_, err = newClient("guess").GetVoiceConnectorOrigination(t.Context(), in)
	if generic, ok := errors.AsType[*smithy.GenericAPIError](err); !ok || generic.Code != "InvalidSignatureException" {
		t.Errorf("wrong secret: got %v, want InvalidSignatureException", err)
	}
	cancel()
	if got := waitExit(t, code, stderr); got != exitOK {
		t.Errorf("exit code: got %d, want %d; stderr:\n%s", got, exitOK, stderr)
	}
	if strings.Contains(stderr.String(), "cli-secret") {
		t.Errorf("stderr shows the secret:\n%s", stderr)
	}
}
