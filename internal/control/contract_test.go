package control

import (
	"bufio"
	"flag"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the replies in testdata/protocol.txtar")

// Values of a reply that differ from run to run, and what the golden file
// holds instead: when a suspension began, and who the test runs as (the
// kernel tells the daemon, so it is the uid of the test process).
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`"since":"[^"]*"`), `"since":"<time>"`},
	{regexp.MustCompile(`"by":\{"user":"[^"]*","uid":[0-9]+`), `"by":{"user":"<user>","uid":<uid>`},
}

// TestProtocolContract pins version 1 of the control protocol, both ways:
// each request of testdata/protocol.txtar, written as a client of another
// version of the reconciler would write it, is sent over a real socket to
// a server, and its reply must be the golden one, byte for byte but for
// the volatile values above. A renamed JSON field fails here. Rewrite the
// replies with go test -run TestProtocolContract -update, and review the
// change as a change of a published interface.
func TestProtocolContract(t *testing.T) {
	const golden = "testdata/protocol.txtar"
	ar, err := txtar.ParseFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	path := serve(t, newFakeLoop("sbc-east", "sbc-west"))
	for i := range ar.Files {
		f := &ar.Files[i]
		name, ok := strings.CutSuffix(f.Name, ".request")
		if !ok {
			continue
		}
		got := exchange(t, path, strings.TrimSpace(string(f.Data)))
		for _, v := range volatile {
			got = v.re.ReplaceAllString(got, v.with)
		}
		j := replyOf(ar, name+".reply")
		if *update {
			ar.Files[j].Data = []byte(got)
			continue
		}
		want := string(ar.Files[j].Data)
		if os.Getuid() != 0 {
			// The daemon records the sudo user only of a peer that is root.
			want = strings.ReplaceAll(want, `,"sudo_user":"alice"`, "")
		}
		if got != want {
			t.Errorf("%s: got reply\n%s\nwant\n%s", name, got, want)
		}
	}
	if *update {
		if err := os.WriteFile(golden, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// replyOf returns the index of the file name in ar, adding it if needed.
func replyOf(ar *txtar.Archive, name string) int {
	for i, f := range ar.Files {
		if f.Name == name {
			return i
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name})
	return len(ar.Files) - 1
}

// exchange sends one request line and returns the reply line.
func exchange(t *testing.T, path, line string) string {
	t.Helper()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(line + "\n")); err != nil {
		t.Fatal(err)
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return reply
}
