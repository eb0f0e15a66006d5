package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// TestMain lets a Loader run this test binary as its child: the child is
// started with os.Args[0] set to childName.
func TestMain(m *testing.M) {
	if os.Args[0] == childName && len(os.Args) > 1 && os.Args[1] == Command {
		kinds, err := childKinds(os.Args[2:])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(Child(context.Background(), os.Stdin, os.Stdout, os.Stderr, kinds))
	}
	os.Exit(m.Run())
}

// childKinds builds the kinds of the test's child from its arguments, as
// the reconciler's child does from its flags: origination, with the quota
// of "--max-routes N" when given.
func childKinds(args []string) ([]setting.Kind, error) {
	var o origination.Options
	if len(args) == 2 && args[0] == "--max-routes" {
		n, err := strconv.Atoi(args[1])
		if err != nil {
			return nil, err
		}
		o.MaxRoutes = n
	} else if len(args) > 0 {
		return nil, fmt.Errorf("child: unexpected arguments %q", args)
	}
	k, err := origination.New(o)
	if err != nil {
		return nil, err
	}
	return []setting.Kind{k}, nil
}

// spec names vc-0000 and vc-0001; its protocol on line 4 is the one that
// the invalid cases break.
const spec = `package specs

voiceConnectors: {
	a: {name: "vc-0000", origination: routes: [{host: "sbc1.example.com", protocol: "UDP", priority: 1, weight: 50}, {host: "sbc2.example.com", protocol: "UDP", priority: 1, weight: 50}]}
	b: {name: "vc-0001", origination: routes: [{host: "sbc3.example.com", protocol: "TCP", port: 5061, priority: 1, weight: 100}]}
}
`

// runaway never finishes evaluating: it builds a list of a trillion items.
const runaway = `package p

import "list"

voiceConnectors: vc: {id: "abcdef1ghij2klmno3pqr4", origination: disabled: true}
_huge: [for i in list.Range(0, 1000000000000, 1) {x: i}]
voiceConnectors: vc2: {id: "abcdef1ghij2klmno3pqr5", origination: disabled: len(_huge) > 0}
`

var (
	good = []schema.File{{Path: "a.cue", Data: []byte(spec)}}
	bad  = []schema.File{{Path: "a.cue", Data: []byte(strings.Replace(spec, `"UDP"`, `"udp"`, 1))}}
	opts = schema.LoadOptions{DefaultRegion: "us-east-1", Kinds: must(childKinds(nil))}
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestSandbox: the child process gives what schema.Load gives, and a
// revision that never finishes evaluating is stopped by the time or the
// memory bound with a clear error, as an invalid revision.
func TestSandbox(t *testing.T) {
	tests := []struct {
		name    string
		files   []schema.File
		timeout time.Duration
		memory  uint64
		wantErr string
	}{
		{"valid", good, time.Minute, 1 << 30, ""},
		{"invalid", bad, time.Minute, 1 << 30, `a.cue:4:`},
		{"over the time bound", []schema.File{{Path: "a.cue", Data: []byte(runaway)}}, 2 * time.Second, 64 << 30, "took longer than 2s (--spec-timeout)"},
		{"over the memory bound", []schema.File{{Path: "a.cue", Data: []byte(runaway)}}, 5 * time.Minute, 128 << 20, "needed more than 128 MiB (--spec-memory)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := New(tt.timeout, tt.memory)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			got, err := l.Load(t.Context(), tt.files, opts)
			t.Logf("took %v", time.Since(start).Round(time.Millisecond))
			switch {
			case tt.wantErr == "":
				want, wantErr := schema.Load(tt.files, opts) // in this process: only for specs that finish
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("got %+v, %v; want %+v, %v", got, err, want, wantErr)
				}
			default:
				var inv *schema.InvalidError
				if !errors.As(err, &inv) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %v, want an invalid spec error containing %q", err, tt.wantErr)
				}
			}
		})
	}
}

// TestChildArgs: the child decodes with the kinds its arguments make, so
// the daemon's --max-routes holds in the child too, and the parent reads
// the values back with its own kinds.
func TestChildArgs(t *testing.T) {
	var routes []string
	for i := range 12 {
		routes = append(routes, fmt.Sprintf(`{host: "sbc%d.example.com", protocol: "UDP", priority: 1, weight: 1}`, i))
	}
	files := []schema.File{{Path: "a.cue", Data: []byte("package p\nvoiceConnectors: vc: {name: \"vc\", origination: routes: [" + strings.Join(routes, ", ") + "]}\n")}}
	def, err := New(time.Minute, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := def.Load(t.Context(), files, opts); err == nil || !strings.Contains(err.Error(), "12 routes") {
		t.Errorf("12 routes, default quota: got %v, want them refused", err)
	}
	twenty, err := New(time.Minute, 1<<30, "--max-routes", "20")
	if err != nil {
		t.Fatal(err)
	}
	kinds := must(childKinds([]string{"--max-routes", "20"}))
	got, err := twenty.Load(t.Context(), files, schema.LoadOptions{DefaultRegion: "us-east-1", Kinds: kinds})
	if err != nil {
		t.Fatal(err)
	}
	d, ok := got.Connectors[0].Setting(origination.Name)
	if o, _ := d.Value.(*origination.Origination); !ok || d.Kind != kinds[0] || o == nil || len(o.Routes) != 12 {
		t.Errorf("got %+v, want the 12 routes decoded by the parent's kind", d)
	}
}

// TestChild runs the child's side of the protocol in this process, without
// a memory budget (going over it would end the test binary).
func TestChild(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantCode int
		wantOut  string // in the JSON answer
		wantErr  string // on stderr
	}{
		{"valid", encodeRequest(t, good), 0, `"spec":`, ""},
		{"invalid", encodeRequest(t, bad), 0, `"errors":`, ""},
		{"not a request", "{", 1, "", "load spec: read request: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errw bytes.Buffer
			code := Child(t.Context(), strings.NewReader(tt.in), &out, &errw, opts.Kinds)
			if code != tt.wantCode || !strings.Contains(out.String(), tt.wantOut) || !strings.Contains(errw.String(), tt.wantErr) {
				t.Errorf("got code %d, stdout %q, stderr %q; want %d, %q, %q", code, out.String(), errw.String(), tt.wantCode, tt.wantOut, tt.wantErr)
			}
		})
	}
}

func encodeRequest(t *testing.T, files []schema.File) string {
	t.Helper()
	b, err := json.Marshal(request{Files: files, DefaultRegion: opts.DefaultRegion})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// failWriter accepts n bytes, then fails.
type failWriter struct{ n int }

var errFull = errors.New("disk full")

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, errFull
	}
	f.n -= len(p)
	return len(p), nil
}

// TestLimitedWriter: the first n bytes are kept, the rest is reported
// written and dropped, and an error of the underlying writer comes back.
func TestLimitedWriter(t *testing.T) {
	var b bytes.Buffer
	w := &limitedWriter{w: &b, n: 5}
	for _, s := range []string{"abc", "defg", "hij"} {
		if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
			t.Errorf("Write(%q) = %d, %v; want %d, nil", s, n, err, len(s))
		}
	}
	if b.String() != "abcde" {
		t.Errorf("kept %q, want %q", b.String(), "abcde")
	}

	w = &limitedWriter{w: &failWriter{n: 2}, n: 5}
	if n, err := w.Write([]byte("abcdefg")); n != 2 || !errors.Is(err, errFull) {
		t.Errorf("got %d, %v; want 2, %v", n, err, errFull)
	}
}

// TestLoadStopsWithContext: when the daemon stops (its context ends) during
// the evaluation of a revision that would run for minutes, Load kills the
// child at once and returns the context's error, not an invalid revision.
func TestLoadStopsWithContext(t *testing.T) {
	l, err := New(10*time.Minute, 64<<30)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	type result struct {
		err error
		d   time.Duration
	}
	done := make(chan result, 1)
	go func() {
		_, err := l.Load(ctx, []schema.File{{Path: "a.cue", Data: []byte(runaway)}}, opts)
		done <- result{err, 0}
	}()
	child := waitChild(t, 10*time.Second)
	time.Sleep(300 * time.Millisecond) // evaluating, not starting
	start := time.Now()
	cancel()
	var r result
	select {
	case r = <-done:
		r.d = time.Since(start)
	case <-time.After(5 * time.Second):
		t.Fatal("Load did not return within 5s of the cancellation")
	}
	t.Logf("Load returned %v after the cancellation", r.d.Round(time.Millisecond))
	var inv *schema.InvalidError
	if !errors.Is(r.err, context.Canceled) || errors.As(r.err, &inv) {
		t.Errorf("got %v, want context.Canceled and no invalid revision", r.err)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", child)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("child %d still exists after Load returned: %v", child, err)
	}
}

// waitChild returns the pid of this process's child evaluating a spec.
func waitChild(t *testing.T, within time.Duration) int {
	t.Helper()
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if pids := children(t, os.Getpid()); len(pids) > 0 {
			return pids[0]
		}
	}
	t.Fatalf("no child process within %v", within)
	return 0
}

// children returns the pids of the processes whose parent is pid and whose
// command line is the sandbox's.
func children(t *testing.T, pid int) []int {
	t.Helper()
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(fields) < 2 || fields[1] != strconv.Itoa(pid) {
			continue
		}
		dir := filepath.Dir(f)
		cmdline, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
		if strings.Contains(string(cmdline), Command) {
			child, _ := strconv.Atoi(filepath.Base(dir))
			out = append(out, child)
		}
	}
	return out
}

// TestFromWire: a setting the parent has no kind for is an error, not a
// connector silently without it.
func TestFromWire(t *testing.T) {
	w := &wireSpec{Connectors: []wireConnector{{Key: "vc", Name: "vc", Settings: []wireSetting{{Kind: "termination", Value: json.RawMessage(`{}`)}}}}}
	if _, err := fromWire(w, opts.Kinds); err == nil || !strings.Contains(err.Error(), `vc: the spec evaluation answered setting "termination", which the daemon does not manage`) {
		t.Errorf("got %v, want the unknown setting named", err)
	}
}
