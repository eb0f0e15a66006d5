package envfile

import (
	"bufio"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// envFileCases are environment files as systemd's EnvironmentFile= reads
// them (systemd.exec(5)); the first five are those of systemd's own
// test-env-file.c. want is KEY=value per assignment, in order; wantErr, a
// part of the error.
var envFileCases = []struct {
	name, in string
	want     []string
	wantErr  string
}{
	{"systemd 1: continuations and escapes", "a=a\nb=b\\\nc\nd=d\\\ne\\\nf\ng=g\\ \nh=h\ni=i\\", []string{"a=a", "b=bc", "d=def", "g=g ", "h=h", "i=i"}, ""},
	{"systemd 2: trailing continuation", "a=a\\\n", []string{"a=a"}, ""},
	{"systemd 4: comments and quotes", "# Generated\n\nHWMON_MODULES=\"coretemp f71882fg\"\n\n# For compatibility reasons\n\nMODULE_0=coretemp\nMODULE_1=f71882fg",
		[]string{"HWMON_MODULES=coretemp f71882fg", "MODULE_0=coretemp", "MODULE_1=f71882fg"}, ""},
	{"systemd 5: empty values", "a=\nb=", []string{"a=", "b="}, ""},
	{"blanks around", "  A = one two  \n\tB=\t2\t\n", []string{"A=one two", "B=2"}, ""},
	{"comments", "# c\n; c\n   # indented\nA=1 # not a comment\nB=x;y\n", []string{"A=1 # not a comment", "B=x;y"}, ""},
	{"single quotes", "A='x  y '\nB='a\"b\\c'\n", []string{"A=x  y ", "B=a\"b\\c"}, ""},
	{"single quotes over lines", "A='one\ntwo'\nB=3\n", []string{"A=one\ntwo", "B=3"}, ""},
	{"double quote escapes", `A="q\"d\\b` + "\\`" + `x\z"` + "\n", []string{"A=q\"d\\b`x\\z"}, ""},
	{"double quote continuation", "A=\"one \\\ntwo\"\n", []string{"A=one two"}, ""},
	{"quoted and unquoted parts join", "A=\"x\"'y'z\nB=\"x\"   y\n", []string{"A=xyz", "B=xy"}, ""},
	{"quotes inside a value are literal", "A=x \"y\"\n", []string{"A=x \"y\""}, ""},
	{"no expansion", "A=$HOME/x\nB=${Y}\n", []string{"A=$HOME/x", "B=${Y}"}, ""},
	{"crlf", "A=1\r\nB=2\r\n", []string{"A=1", "B=2"}, ""},
	{"last wins", "A=1\nA=2\n", []string{"A=1", "A=2"}, ""},
	{"equals in value", "A=b=c\n", []string{"A=b=c"}, ""},
	{"no equals", "A=1\nB\n", nil, "f:2: want KEY=value"},
	{"export", "export A=1\n", nil, `f:1: "export A": systemd takes no shell syntax`},
	{"space in key", "A B=1\n", nil, `f:1: "A B" is not a variable name`},
	{"key starts with a digit", "1A=1\n", nil, `f:1: "1A" is not a variable name`},
	{"comment continued (systemd 3)", "#SPAMD_ARGS=\"-d \\\n#--nouser-config \\\nnormal=line", nil, "f:1: a comment ends in a backslash"},
	{"unterminated quote", "A=1\nB=\"x\nC=3\n", nil, "f:2: the quote of B is not closed"},
	{"control character", "A=x\x01y\n", nil, "f:1: A holds the control character"},
	{"not UTF-8", "A=\xff\n", nil, "f: not valid UTF-8"},
}

func TestParseEnvFile(t *testing.T) {
	for _, tt := range envFileCases {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in), "f")
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got %v, %v; want an error containing %q", got, err, tt.wantErr)
				}
			case err != nil:
				t.Errorf("got %v, want %q", err, tt.want)
			case !slices.Equal(assignments(got), tt.want):
				t.Errorf("got %q, want %q", assignments(got), tt.want)
			}
		})
	}
}

func assignments(as []Assignment) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Key+"="+a.Value)
	}
	return out
}

func TestParseEnvFileLines(t *testing.T) {
	got, err := Parse([]byte("# c\nA=1\n\nB='x\ny'\nC=2\n"), "f")
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, a := range got {
		lines = append(lines, a.Line)
	}
	if want := []int{2, 4, 6}; !slices.Equal(lines, want) {
		t.Errorf("got lines %v, want %v", lines, want)
	}
}

// environmentDGenerator is systemd's, which reads environment.d files with
// the parser EnvironmentFile= uses; it then expands $VARIABLES, which the
// cases compared with it do not hold.
const environmentDGenerator = "/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator"

// TestParseEnvFileAgreesWithSystemd reads every case systemd accepts with
// systemd's own parser too (systemd's package installs it, see
// scripts/install-test-deps.sh): both must give the same variables.
func TestParseEnvFileAgreesWithSystemd(t *testing.T) {
	if _, err := os.Stat(environmentDGenerator); err != nil {
		t.Fatalf("systemd's environment.d generator: %v: run scripts/install-test-deps.sh", err)
	}
	baseline := systemdEnv(t, "")
	for _, tt := range envFileCases {
		if tt.wantErr != "" || strings.Contains(tt.in, "$") {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			got := systemdEnv(t, tt.in)
			for k, v := range baseline {
				if got[k] == v {
					delete(got, k)
				}
			}
			want := map[string]string{}
			for _, a := range tt.want {
				k, v, _ := strings.Cut(a, "=")
				want[k] = v
			}
			// The generator unsets a variable assigned nothing, where
			// EnvironmentFile= sets it empty (systemd's test-env-file.c).
			maps.DeleteFunc(want, func(_, v string) bool { return v == "" })
			for k, v := range want {
				if got[k] != v {
					t.Errorf("systemd: %s=%q; Parse: %q", k, got[k], v)
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("systemd set %s=%q, Parse nothing", k, got[k])
				}
			}
		})
	}
}

// systemdEnv returns the variables systemd reads from an environment.d
// file holding in.
func systemdEnv(t *testing.T, in string) map[string]string {
	t.Helper()
	home := t.TempDir()
	dir := filepath.Join(home, ".config", "environment.d")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "t.conf"), []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), environmentDGenerator)
	cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config")}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", environmentDGenerator, err)
	}
	env := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			t.Fatalf("generator output %q", sc.Text())
		}
		env[k] = unquoteShell(t, v)
	}
	return env
}

// unquoteShell undoes the quoting of the generator's output: a value in
// double quotes, with \" \\ \` \$ \n \t escaped.
func unquoteShell(t *testing.T, v string) string {
	t.Helper()
	if !strings.HasPrefix(v, `"`) {
		return v
	}
	if !strings.HasSuffix(v, `"`) || len(v) < 2 {
		t.Fatalf("generator output value %q", v)
	}
	v = v[1 : len(v)-1]
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' || i+1 == len(v) {
			b.WriteByte(v[i])
			continue
		}
		i++
		switch v[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		default:
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

// TestParseEnvFileAgreesWithSystemdRandom reads random files of the
// characters that matter to the syntax with both parsers: every file
// Parse accepts must give what systemd gives. (It refuses some that
// systemd takes, with a message saying why.)
func TestParseEnvFileAgreesWithSystemdRandom(t *testing.T) {
	if _, err := os.Stat(environmentDGenerator); err != nil {
		t.Fatalf("systemd's environment.d generator: %v: run scripts/install-test-deps.sh", err)
	}
	baseline := systemdEnv(t, "")
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "AB_x =\n\n\t'\"\\#;`"
	compared := 0
	for range 400 {
		b := []byte("A=")
		for range rng.IntN(24) {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
		}
		as, err := Parse(b, "f")
		// The generator ignores an assignment of nothing, where
		// EnvironmentFile= sets the variable empty (systemd's
		// test-env-file.c): such files cannot be compared.
		if err != nil || slices.ContainsFunc(as, func(a Assignment) bool { return a.Value == "" }) {
			continue
		}
		want := map[string]string{}
		for _, a := range as {
			want[a.Key] = a.Value
		}
		got := systemdEnv(t, string(b))
		for k, v := range baseline {
			if got[k] == v {
				delete(got, k)
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("file %q: systemd %q, Parse %q", b, got, want)
		}
		compared++
	}
	t.Logf("%d random files compared with systemd", compared)
	if compared < 50 {
		t.Errorf("only %d files compared", compared)
	}
}

// FuzzParseEnvFile: any input gives assignments of valid names without
// control characters, or an error naming the file.
func FuzzParseEnvFile(f *testing.F) {
	for _, tt := range envFileCases {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		as, err := Parse(b, "f")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f:") {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		for _, a := range as {
			if !ValidName(a.Key) || a.Line < 1 {
				t.Errorf("assignment %+v", a)
			}
		}
	})
}
