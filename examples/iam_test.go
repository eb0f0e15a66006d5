package examples_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/reconcile"
	"github.com/sipops/reconciler/internal/setting"
	"github.com/sipops/reconciler/internal/settings"
)

// The IAM policies in iam/ are checked against the Chime operations the code
// can call, derived from the source of the Chime port (internal/chime), not
// from a list kept by hand: a new SDK call without its permission, or a
// permission nothing uses, fails here.

const (
	sdkPackage       = "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	moduleRoot       = ".."
	chimePort        = "internal/chime" // relative to moduleRoot
	planPolicyFile   = "iam/plan-policy.json"
	daemonPolicyFile = "iam/daemon-policy.json"
	// connectorARN matches every Voice Connector of the account in every
	// Region: the voice-connector resource type of the Service Authorization
	// Reference, arn:${Partition}:chime:${Region}:${Account}:vc/${VoiceConnectorId}.
	connectorARN = "arn:aws:chime:*:ACCOUNT_ID:vc/*"
)

// unscopedActions are the actions for which the Service Authorization
// Reference lists no resource type, so that IAM grants them only on
// Resource "*". Every other action the reconciler uses takes the
// voice-connector resource type. This is a fact about IAM, not about the
// code, so it is kept here; a new call needs an entry only if IAM says so.
var unscopedActions = map[string]bool{"ListVoiceConnectors": true}

// isRead reports whether an operation only reads: the plan policy grants
// these and nothing else.
func isRead(op string) bool {
	return strings.HasPrefix(op, "Get") || strings.HasPrefix(op, "List")
}

// sdkDir returns the directory of the SDK package in the module cache, at
// the version go.mod selects.
func sdkDir(t *testing.T) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", "list", "-f", "{{.Dir}}", sdkPackage)
	cmd.Dir = moduleRoot
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: got %v, want its directory", sdkPackage, err)
	}
	return strings.TrimSpace(string(out))
}

// clientOperations returns the API operations of the SDK package in dir:
// the methods of *Client that have an <Op>Input type. Other methods of
// *Client (Options) are not operations.
func clientOperations(dir string) (map[string]bool, error) {
	fset := token.NewFileSet()
	methods, inputs := map[string]bool{}, map[string]bool{}
	err := eachGoFile(dir, func(path string) error {
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if isClientMethod(d) {
					methods[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok && strings.HasSuffix(ts.Name.Name, "Input") {
						inputs[ts.Name.Name] = true
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ops := map[string]bool{}
	for m := range methods {
		if inputs[m+"Input"] {
			ops[m] = true
		}
	}
	return ops, nil
}

func isClientMethod(d *ast.FuncDecl) bool {
	if d.Recv == nil || len(d.Recv.List) != 1 || !d.Name.IsExported() {
		return false
	}
	star, ok := d.Recv.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "Client"
}

// sdkCalls returns the operations of ops that the non-test Go files of dir
// (not its subdirectories) call, each with the place of its first call as
// "file.go:line". A call is a selector naming an operation, called or
// taken as a method value (r.api.GetVoiceConnector), or a paginator or
// waiter constructor of the SDK package, which calls its operation
// (chimesdkvoice.NewListVoiceConnectorsPaginator), under any import name.
func sdkCalls(dir string, ops map[string]bool) (map[string]string, error) {
	fset := token.NewFileSet()
	calls := map[string]string{}
	err := eachGoFile(dir, func(path string) error {
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		pkg := importName(f, sdkPackage)
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if op := operationOf(sel, pkg, ops); op != "" && calls[op] == "" {
				calls[op] = filepath.Base(path) + ":" + strconv.Itoa(fset.Position(sel.Sel.Pos()).Line)
			}
			return true
		})
		return nil
	})
	return calls, err
}

// operationOf returns the operation sel calls, or "". pkg is the name the
// file imports the SDK package under, "" if it does not.
func operationOf(sel *ast.SelectorExpr, pkg string, ops map[string]bool) string {
	name := sel.Sel.Name
	if x, ok := sel.X.(*ast.Ident); ok && pkg != "" && x.Name == pkg {
		rest, ok := strings.CutPrefix(name, "New")
		if !ok {
			return ""
		}
		for _, suffix := range []string{"Paginator", "Waiter"} {
			if op, ok := strings.CutSuffix(rest, suffix); ok && ops[op] {
				return op
			}
		}
		return ""
	}
	if ops[name] {
		return name
	}
	return ""
}

// importName returns the name under which f imports path, or "".
func importName(f *ast.File, path string) string {
	for _, imp := range f.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err != nil || p != path {
			continue
		}
		if imp.Name != nil {
			return imp.Name.Name
		}
		return filepath.Base(path)
	}
	return ""
}

// eachGoFile calls fn for every non-test Go file of dir, not recursing.
func eachGoFile(dir string, fn func(path string) error) error {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("%s: no Go files", dir)
	}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// portCalls derives the operations the Chime port calls.
func portCalls(t *testing.T) map[string]string {
	t.Helper()
	ops, err := clientOperations(sdkDir(t))
	if err != nil {
		t.Fatalf("list the SDK client's operations: %v", err)
	}
	calls, err := sdkCalls(filepath.Join(moduleRoot, chimePort), ops)
	if err != nil {
		t.Fatalf("find SDK calls in %s: %v", chimePort, err)
	}
	if len(calls) == 0 {
		t.Fatalf("%s: got no SDK calls, want the port's calls (has the SDK client moved?)", chimePort)
	}
	return calls
}

func TestClientOperations(t *testing.T) {
	ops, err := clientOperations(sdkDir(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"ListVoiceConnectors", "GetVoiceConnectorOrigination", "PutVoiceConnectorOrigination", "CreateVoiceConnector"} {
		if !ops[op] {
			t.Errorf("operations: got no %s among %d, want it", op, len(ops))
		}
	}
	if ops["Options"] {
		t.Errorf("operations: got Options, want only API operations")
	}
}

// TestSDKCallsFixture checks the derivation itself on a small package: it
// must find method calls, method values and paginators under an import
// alias, and ignore other calls, test files and subdirectories.
func TestSDKCallsFixture(t *testing.T) {
	ops, err := clientOperations(sdkDir(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("port.go", `package port

import (
	"context"

	voice "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
)

type port struct{ api *voice.Client }

func (p *port) GetConnector(ctx context.Context) error { // not an SDK operation
	_, err := p.api.GetVoiceConnector(ctx, &voice.GetVoiceConnectorInput{})
	return err
}

func (p *port) list() *voice.ListVoiceConnectorsPaginator {
	return voice.NewListVoiceConnectorsPaginator(p.api, &voice.ListVoiceConnectorsInput{})
}

func (p *port) deleter() any { return p.api.DeleteVoiceConnectorOrigination }
`)
	write("other.go", `package port

import "strings"

func (p *port) unrelated() string { p.GetConnector(nil); return strings.Join(nil, "") }
`)
	write("port_test.go", `package port

func (p *port) test() { p.api.PutVoiceConnectorOrigination(nil, nil) }
`)
	write("sub/sub.go", `package sub

func f(c interface{ CreateVoiceConnector() }) { c.CreateVoiceConnector() }
`)
	got, err := sdkCalls(dir, ops)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"GetVoiceConnector":               "port.go:12",
		"ListVoiceConnectors":             "port.go:17",
		"DeleteVoiceConnectorOrigination": "port.go:20",
	}
	if !maps.Equal(got, want) {
		t.Errorf("sdkCalls: got %v, want %v", got, want)
	}

	write("port.go", "package port\n\ntype port struct{}\n\nfunc (p *port) GetConnector(any) {}\n")
	got, err = sdkCalls(dir, ops)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("sdkCalls without SDK calls: got %v, want none", got)
	}
}

// TestSDKOnlyInPort keeps the derivation complete: it reads only the port,
// so no other package may import the SDK client. (Its types package, which
// calls nothing, is allowed anywhere.)
func TestSDKOnlyInPort(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != moduleRoot && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(moduleRoot, path)
		if importName(f, sdkPackage) != "" && filepath.Dir(rel) != chimePort {
			t.Errorf("%s: imports %s, want SDK calls only in %s, where the IAM policies are derived from", rel, sdkPackage, chimePort)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIAMPolicies(t *testing.T) {
	calls := portCalls(t)
	t.Logf("operations %s calls: %s", chimePort, strings.Join(slices.Sorted(maps.Keys(calls)), ", "))
	reads := maps.Collect(func(yield func(string, string) bool) {
		for op, at := range calls {
			if isRead(op) && !yield(op, at) {
				return
			}
		}
	})
	for _, tc := range []struct {
		file string
		want map[string]string // operation: where the port calls it
		what string            // what the policy must grant, for messages
	}{
		{daemonPolicyFile, calls, "every operation " + chimePort + " calls"},
		{planPolicyFile, reads, "the read operations (Get*, List*) " + chimePort + " calls"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			granted := checkPolicy(t, tc.file)
			for _, op := range slices.Sorted(maps.Keys(tc.want)) {
				if _, ok := granted[op]; !ok {
					t.Errorf("%s: misses chime:%s, which %s/%s calls; want %s granted", tc.file, op, chimePort, tc.want[op], tc.what)
				}
			}
			for _, op := range slices.Sorted(maps.Keys(granted)) {
				if _, ok := tc.want[op]; ok {
					continue
				}
				why := chimePort + " never calls it"
				if at, called := calls[op]; called {
					why = fmt.Sprintf("it is not a read (called at %s/%s)", chimePort, at)
				}
				t.Errorf("%s: grants chime:%s in statement %s, but %s; want only %s", tc.file, op, granted[op], why, tc.what)
			}
		})
	}
}

type policy struct {
	Version   string
	Statement []statement
}

type statement struct {
	Sid       string
	Effect    string
	Action    stringList
	Resource  stringList
	Condition map[string]map[string]stringList
}

// stringList is an IAM policy value: one string or a list of them.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = stringList{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

var (
	sidPattern    = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	actionPattern = regexp.MustCompile(`^chime:([A-Za-z]+)$`)
)

// checkPolicy checks the form of a policy file: version, unique Sids, Allow
// only, no NotAction or NotResource, no wildcard action, and each action on
// the narrowest resource IAM allows. It returns the operations granted,
// each with the Sid of its statement.
func checkPolicy(t *testing.T, file string) map[string]string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(readFile(t, file)))
	dec.DisallowUnknownFields() // NotAction, NotResource, Principal
	var p policy
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("%s: got %v, want an IAM identity policy", file, err)
	}
	if p.Version != "2012-10-17" {
		t.Errorf("%s: Version: got %q, want 2012-10-17", file, p.Version)
	}
	if len(p.Statement) == 0 {
		t.Fatalf("%s: got no statements, want some", file)
	}
	granted := map[string]string{}
	sids := map[string]bool{}
	for i, s := range p.Statement {
		where := fmt.Sprintf("%s: statement %d (%s)", file, i, s.Sid)
		if !sidPattern.MatchString(s.Sid) || sids[s.Sid] {
			t.Errorf("%s: Sid: got %q, want a unique alphanumeric Sid", where, s.Sid)
		}
		sids[s.Sid] = true
		if s.Effect != "Allow" {
			t.Errorf("%s: Effect: got %q, want Allow", where, s.Effect)
		}
		if len(s.Action) == 0 || len(s.Resource) == 0 {
			t.Errorf("%s: got %d actions and %d resources, want some of both", where, len(s.Action), len(s.Resource))
		}
		for _, a := range s.Action {
			m := actionPattern.FindStringSubmatch(a)
			if m == nil {
				t.Errorf("%s: action %q: want chime:<Operation>, no wildcard", where, a)
				continue
			}
			if other, dup := granted[m[1]]; dup {
				t.Errorf("%s: action %s: also granted by statement %s, want it once", where, a, other)
			}
			granted[m[1]] = s.Sid
			want := connectorARN
			if unscopedActions[m[1]] {
				want = "*"
			}
			if !slices.Equal(s.Resource, stringList{want}) {
				t.Errorf("%s: action %s: got Resource %q, want %q", where, a, []string(s.Resource), want)
			}
		}
	}
	return granted
}

// TestOperationsDeclared: the operations the engine and each kind of
// setting say they call (reconcile.Operations, setting.Kind.Operations)
// are exactly those the Chime port calls, reads among the reads, and the
// simulator serves each: a new setting's operations reach the IAM policies
// (TestIAMPolicies) and the simulator, or this fails.
func TestOperationsDeclared(t *testing.T) {
	calls := portCalls(t)
	kinds, err := settings.Kinds(settings.Options{})
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]string{} // operation: who declares it
	add := func(who string, ops setting.Operations) {
		for _, group := range []struct {
			ops  []string
			read bool
		}{{ops.Read, true}, {ops.Write, false}} {
			for _, op := range group.ops {
				if isRead(op) != group.read {
					t.Errorf("%s: %s is declared a read %v, want %v", who, op, group.read, isRead(op))
				}
				if prev, ok := declared[op]; ok {
					t.Errorf("%s: %s is declared by %s too", who, op, prev)
				}
				declared[op] = who
			}
		}
	}
	add("reconcile.Operations", reconcile.Operations)
	for _, kind := range kinds {
		add("the "+kind.Name()+" kind", kind.Operations())
	}
	served := sim.Operations()
	for _, op := range slices.Sorted(maps.Keys(declared)) {
		if _, ok := calls[op]; !ok {
			t.Errorf("%s declares %s, which %s never calls", declared[op], op, chimePort)
		}
		if !slices.Contains(served, op) {
			t.Errorf("%s declares %s, which the simulator does not serve", declared[op], op)
		}
	}
	for _, op := range slices.Sorted(maps.Keys(calls)) {
		if _, ok := declared[op]; !ok {
			t.Errorf("%s calls %s at %s, which neither the engine nor a kind declares", chimePort, op, calls[op])
		}
	}
}
