package importer

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/chime"
	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/schema"
	"github.com/sipops/reconciler/internal/setting"
)

// smallFleet is a fleet with stable ids, for golden files: one of each
// kind of connector in two regions.
func smallFleet(t *testing.T, w world) {
	t.Helper()
	id := func(n int) string { return testID("fleet", n) }
	w.add(t, id(1), "sbc-east", "us-east-1", routes(
		udp("sbc2.east.example.com", 1, 50), udp("SBC1.East.Example.COM", 1, 50), tcp("sbc3.east.example.com.", 5061, 2, 100)))
	w.add(t, id(2), "pbx hq.v2", "us-east-1", routes(tcp("54.240.10.20", 5080, 1, 100)))
	w.add(t, id(3), "lab", "us-east-1", &origination.Origination{Disabled: true, Routes: []origination.Route{udp("kamailio.lab.example.com", 1, 100)}})
	w.add(t, id(4), "lab.off", "us-east-1", &origination.Origination{Disabled: true})
	w.add(t, id(5), "unused", "us-east-1", nil)
	w.add(t, id(6), "twin", "us-east-1", routes(udp("a.twin.example.com", 1, 100)))
	w.add(t, id(7), "twin", "us-east-1", routes(udp("b.twin.example.com", 1, 100)))
	w.add(t, id(8), "core", "us-east-1", routes(udp("core.east.example.com", 1, 100)))
	w.add(t, id(9), "core", "eu-west-2", routes(udp("core.london.example.com", 1, 100)))
	w.add(t, id(10), "sbc london", "eu-west-2", routes(
		udp("sbc1.lon.example.com", 1, 60), udp("sbc2.lon.example.com", 1, 30), udp("sbc3.lon.example.com", 1, 10)))
}

// TestImportGolden: the same files under both answers for a connector
// without origination.
func TestImportGolden(t *testing.T) {
	eachUnconfigured(t, testImportGolden)
}

func testImportGolden(t *testing.T, u sim.Unconfigured) {
	w := newWorld(t, sim.Config{Unconfigured: u}, chime.ClientOptions{})
	smallFleet(t, w)
	for _, skip := range []bool{false, true} {
		name := map[bool]string{false: "all", true: "skip-unconfigured"}[skip]
		t.Run(name, func(t *testing.T) {
			results, err := w.imp(t.Context(), ImportOptions{Regions: []string{"us-east-1", "eu-west-2"}, SkipUnconfigured: skip})
			if err != nil {
				t.Fatal(err)
			}
			var files []schema.File
			for _, r := range results {
				golden(t, "import/"+name+"/"+r.Path, r.CUE)
				files = append(files, schema.File{Path: r.Path, Data: r.CUE})
			}
			got := counts(results)
			want := map[string][2]int{"eu-west-2": {2, 0}, "us-east-1": {8, 0}}
			if skip {
				want["us-east-1"] = [2]int{7, 1}
			}
			if !maps.Equal(got, want) {
				t.Errorf("connectors and skipped by region %v, want %v", got, want)
			}
			planNothing(t, w, files)
		})
	}
}

// counts returns, by region, how many connectors each result writes and
// skips.
func counts(results []RegionFile) map[string][2]int {
	out := map[string][2]int{}
	for _, r := range results {
		out[r.Region] = [2]int{r.Connectors, r.Skipped}
	}
	return out
}

// planNothing loads files and checks that a plan of them changes nothing.
func planNothing(t *testing.T, w world, files []schema.File) {
	t.Helper()
	spec, err := schema.Load(files, schema.LoadOptions{Kinds: w.kinds})
	if err != nil {
		t.Fatal(err)
	}
	p, err := reconcile.NewEngine(w.client, reconcile.EngineOptions{}).Plan(t.Context(), "import", spec.Connectors)
	if err != nil {
		t.Fatal(err)
	}
	if p.Failed() || p.Plan.Pending() {
		t.Errorf("plan: errors %v, summary %+v, want nothing to do", p.Errors, p.Plan.Summary())
	}
}

// TestProblems imports live state that the service accepts and the spec's
// rules do not: each such connector is written anyway and reported.
func TestProblems(t *testing.T) {
	w := newWorld(t, sim.Config{}, chime.ClientOptions{})
	id := func(n int) string { return testID("problem", n) }
	many := make([]origination.Route, 12)
	for i := range many {
		many[i] = udp("sbc"+string(rune('a'+i))+".example.com", 1+i%3, 10)
	}
	w.add(t, id(1), "fine", "us-east-1", routes(udp("sbc.example.com", 1, 100)))
	w.add(t, id(2), "underscore", "us-east-1", routes(udp("sbc_1.example.com", 1, 100), udp("sbc2.example.com", 2, 100)))
	w.add(t, id(3), "ipv6", "us-east-1", routes(tcp("2001:db8::10", 5061, 1, 100)))
	w.add(t, id(4), "too many", "us-east-1", routes(many...))
	w.add(t, id(5), "no priority", "us-east-1", routes(origination.Route{Host: "sbc.example.com", Protocol: origination.UDP, Weight: 100}))
	w.add(t, id(6), "private", "us-east-1", routes(udp("10.1.2.3", 1, 100)))
	w.add(t, id(7), "single label", "eu-west-2", routes(udp("sbc", 1, 100)))
	w.add(t, id(8), "twice", "eu-west-2", routes(udp("SBC.example.com", 1, 50), udp("sbc.example.com.", 1, 50)))

	results, err := w.imp(t.Context(), ImportOptions{Regions: []string{"us-east-1", "eu-west-2"}})
	if err != nil {
		t.Fatal(err)
	}
	var got, warnings []string
	var files []schema.File
	for _, r := range results {
		golden(t, "problems/"+r.Path, r.CUE)
		files = append(files, schema.File{Path: r.Path, Data: r.CUE})
		for _, p := range r.Problems {
			got = append(got, p.String())
		}
		for _, p := range r.Warnings {
			warnings = append(warnings, p.String())
		}
	}
	want := []string{
		`"single label" (` + id(7) + `, eu-west-2): origination.routes[0]: host "sbc" is not an IPv4 address or an FQDN: a single label is not fully qualified`,
		`"twice" (` + id(8) + `, eu-west-2): origination.routes[1]: duplicates routes[0] (sbc.example.com.:5060/UDP): each host, port and protocol may appear once`,
		`"ipv6" (` + id(3) + `, us-east-1): origination.routes[0]: host "2001:db8::10" is an IPv6 address; origination routes take an IPv4 address or an FQDN`,
		`"no priority" (` + id(5) + `, us-east-1): origination.routes[0]: priority 0 out of range 1..100`,
		`"too many" (` + id(4) + `, us-east-1): origination: 12 routes exceed the quota of 10 per connector (raise --max-routes, up to 20, if your account's quota allows)`,
		`"underscore" (` + id(2) + `, us-east-1): origination.routes[0]: host "sbc_1.example.com" is not an IPv4 address or an FQDN: label "sbc_1" is not 1-63 letters, digits and inner hyphens`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantWarnings := []string{
		`"private" (` + id(6) + `, us-east-1): origination.routes[0]: host 10.1.2.3 is a private address (RFC 1918): Amazon Chime reaches SBCs over the internet and cannot deliver calls there`,
	}
	if !slices.Equal(warnings, wantWarnings) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warnings, "\n"), strings.Join(wantWarnings, "\n"))
	}
	if _, err := schema.Load(files, schema.LoadOptions{Kinds: w.kinds}); err == nil {
		t.Error("the spec with problems loads, want it refused")
	}

	// A higher quota accepts the long list: the check is the loader's,
	// with the caller's quota.
	results, err = w.imp(t.Context(), ImportOptions{Regions: []string{"us-east-1"}, IDs: []string{id(4)}, Kinds: []setting.Kind{w.origination(t, 12)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || len(results[0].Problems) != 0 {
		t.Errorf("with a quota of 12: %+v, want no problem", results)
	}
}

func TestSelect(t *testing.T) {
	eachUnconfigured(t, testSelect)
}

func testSelect(t *testing.T, u sim.Unconfigured) {
	w := newWorld(t, sim.Config{Unconfigured: u}, chime.ClientOptions{})
	id := func(n int) string { return testID("select", n) }
	w.add(t, id(1), "alpha", "us-east-1", routes(udp("a.example.com", 1, 100)))
	w.add(t, id(2), "twin", "us-east-1", nil)
	w.add(t, id(3), "twin", "us-east-1", nil)
	w.add(t, id(4), "beta", "us-east-1", routes(udp("b.example.com", 1, 100)))
	w.add(t, id(5), "beta", "eu-west-2", routes(udp("b.example.com", 1, 100)))
	both := []string{"us-east-1", "eu-west-2"}
	tests := []struct {
		name    string
		opts    ImportOptions
		want    []string // region: keys
		wantErr string
	}{
		{"everything, a region without connectors too", ImportOptions{Regions: append([]string{"ca-central-1"}, both...)},
			[]string{"ca-central-1: ", "eu-west-2: beta@eu-west-2", "us-east-1: alpha beta@us-east-1 twin@" + id(2) + " twin@" + id(3)}, ""},
		{"by id", ImportOptions{Regions: both, IDs: []string{id(5), id(3)}},
			[]string{"eu-west-2: beta@eu-west-2", "us-east-1: twin@" + id(3)}, ""},
		{"by name", ImportOptions{Regions: both, Names: []string{"alpha"}},
			[]string{"us-east-1: alpha"}, ""},
		{"by name in one region", ImportOptions{Regions: []string{"eu-west-2"}, Names: []string{"beta"}},
			[]string{"eu-west-2: beta"}, ""},
		{"by id and name, once", ImportOptions{Regions: both, IDs: []string{id(1)}, Names: []string{"alpha"}},
			[]string{"us-east-1: alpha"}, ""},
		{"unknown id", ImportOptions{Regions: both, IDs: []string{"nosuchconnector0000001"}}, nil,
			"voice connector nosuchconnector0000001 not found in eu-west-2, us-east-1"},
		{"id in another region", ImportOptions{Regions: []string{"eu-west-2"}, IDs: []string{id(1)}}, nil,
			"voice connector " + id(1) + " not found in eu-west-2"},
		{"unknown name", ImportOptions{Regions: both, Names: []string{"gamma"}}, nil,
			`no voice connector is named "gamma" in eu-west-2, us-east-1`},
		{"name twice in a region", ImportOptions{Regions: both, Names: []string{"twin"}}, nil,
			`2 voice connectors are named "twin" (` + id(2) + ` in us-east-1, ` + id(3) + ` in us-east-1): select one with --id`},
		{"name in two regions", ImportOptions{Regions: both, Names: []string{"beta"}}, nil,
			`2 voice connectors are named "beta" (` + id(5) + ` in eu-west-2, ` + id(4) + ` in us-east-1): select one with --id`},
		{"every error at once", ImportOptions{Regions: []string{"us-east-1"}, IDs: []string{"nosuchconnector0000001"}, Names: []string{"gamma", "twin"}}, nil,
			"voice connector nosuchconnector0000001 not found in us-east-1\n" +
				`no voice connector is named "gamma" in us-east-1` + "\n" +
				`2 voice connectors are named "twin" (` + id(2) + ` in us-east-1, ` + id(3) + ` in us-east-1): select one with --id`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results, err := w.imp(t.Context(), tt.opts)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := keysByRegion(t, w, results); !slices.Equal(got, tt.want) {
				t.Errorf("imported %q, want %q", got, tt.want)
			}
		})
	}
}

// keysByRegion loads each result alone and lists its keys, "region: k1 k2".
func keysByRegion(t *testing.T, w world, results []RegionFile) []string {
	t.Helper()
	var out []string
	for _, r := range results {
		spec, err := schema.Load([]schema.File{{Path: r.Path, Data: r.CUE}}, schema.LoadOptions{Kinds: w.kinds})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, c := range spec.Connectors {
			keys = append(keys, c.Key)
		}
		out = append(out, r.Region+": "+strings.Join(keys, " "))
	}
	return out
}

func TestOptionsErrors(t *testing.T) {
	w := newWorld(t, sim.Config{}, chime.ClientOptions{})
	tests := []struct {
		name string
		opts ImportOptions
		want string
	}{
		{"no region", ImportOptions{Kinds: w.kinds}, "no region: give at least one region to import"},
		{"unknown region", ImportOptions{Regions: []string{"us-east-1", "us-east-2"}, Kinds: w.kinds},
			`unknown region "us-east-2": Voice Connectors are in us-east-1, us-west-2, ca-central-1, eu-central-1, eu-west-1, eu-west-2, ap-northeast-1, ap-northeast-2, ap-southeast-1, ap-southeast-2`},
		// The route quota is origination's: TestMaxRoutesOption there.
		{"no setting", ImportOptions{Regions: []string{"us-east-1"}}, "no setting: give at least one setting to import"},
		{"concurrency", ImportOptions{Regions: []string{"us-east-1"}, Concurrency: -1, Kinds: w.kinds}, "concurrency -1 must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import(t.Context(), w.client, tt.opts)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %s", err, tt.want)
			}
		})
	}
	if got := w.calls(); len(got) != 0 {
		t.Errorf("bad options made calls %v, want none", got)
	}
}

func TestListFails(t *testing.T) {
	w := newWorld(t, sim.Config{FaultRate: 1}, chime.ClientOptions{MaxAttempts: 1})
	_, err := w.imp(t.Context(), ImportOptions{Regions: []string{"us-east-1"}})
	if err == nil || !strings.HasPrefix(err.Error(), "import us-east-1: list voice connectors in us-east-1: ") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %v, want one line saying the listing of us-east-1 failed", err)
	}
	if !chime.IsTransient(err) {
		t.Errorf("error %v is not transient, want the service's fault kept", err)
	}
}

// TestReadFails throttles every origination read after the first: the
// import fails, naming the connector it could not read, rather than write a
// spec without it.
func TestReadFails(t *testing.T) {
	w := newWorld(t, sim.Config{Rate: 0.001, Burst: 1}, chime.ClientOptions{MaxAttempts: 1})
	for i := range 3 {
		w.add(t, testID("fail", i), "vc "+string(rune('a'+i)), "us-east-1", routes(udp("sbc.example.com", 1, 100)))
	}
	_, err := w.imp(t.Context(), ImportOptions{Regions: []string{"us-east-1"}, Concurrency: 1})
	if err == nil {
		t.Fatal("import succeeded, want an error")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, `read "vc b": get origination of `+testID("fail", 1)+" in us-east-1: ") || strings.Contains(msg, "\n") {
		t.Errorf("error %q, want one line naming vc b", msg)
	}
	if !chime.IsTransient(err) {
		t.Errorf("error %v is not transient, want the throttle kept", err)
	}
}

func TestCanceled(t *testing.T) {
	w := newWorld(t, sim.Config{}, chime.ClientOptions{})
	w.Connectors(t, "us-east-1", "vc", 3)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := w.imp(ctx, ImportOptions{Regions: []string{"us-east-1"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	results := []RegionFile{
		{Region: "us-east-1", Path: "us-east-1/connectors.cue", CUE: []byte("package specs\n")},
		{Region: "eu-west-2", Path: "eu-west-2/connectors.cue", CUE: []byte("package specs\n")},
	}
	if err := Write(dir, results, false); err != nil {
		t.Fatal(err)
	}
	edited := []byte("package specs\n\n// edited\n")
	path := filepath.Join(dir, "us-east-1", "connectors.cue")
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "eu-west-2", "connectors.cue")); err != nil {
		t.Fatal(err)
	}

	err := Write(dir, results, false)
	if want := path + ": file already exists (overwrite it with --force)"; err == nil || err.Error() != want || !errors.Is(err, fs.ErrExist) {
		t.Fatalf("error %v, want %s", err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "eu-west-2", "connectors.cue")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused write wrote eu-west-2: %v", err)
	}

	if err := Write(dir, results, true); err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		p := filepath.Join(dir, filepath.FromSlash(r.Path))
		got, err := os.ReadFile(p)
		if err != nil || string(got) != string(r.CUE) {
			t.Errorf("%s: %q, %v; want %q", p, got, err, r.CUE)
		}
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, %v; want 0644", p, fi.Mode(), err)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "us-east-1"))
	if len(entries) != 1 {
		t.Errorf("us-east-1 holds %d files, want only connectors.cue (no temporary file left)", len(entries))
	}
}
