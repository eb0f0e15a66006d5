package source

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/sipops/reconciler/internal/schema"
)

// Snapshot is one immutable revision of the spec files. Callers must not
// modify it: the same value may be handed to several readers.
type Snapshot struct {
	// Revision names the content: a commit SHA for Git, "sha256:" and the
	// hex content hash of the .cue files for Local.
	Revision string
	// Files are the .cue files under the spec root, with paths relative to
	// it, forward slashes, sorted by path.
	Files []schema.File
	// Message is the full commit message for Git, empty for Local.
	Message string
	// Time is the commit time for Git, the time of the read for Local.
	Time time.Time
}

// Trailers parses the git trailers of Message: the lines "Key: value" of its
// last paragraph, when that paragraph is not the subject and every line of
// it is a trailer or an indented continuation. Keys are canonicalised like
// HTTP header names ("reconciler-allow" becomes "Reconciler-Allow"); a key
// given several times keeps every value in order. It returns nil when there
// are no trailers.
func (s *Snapshot) Trailers() map[string][]string {
	paras := paragraphs(s.Message)
	if len(paras) < 2 {
		return nil
	}
	out := map[string][]string{}
	var last string
	for _, line := range paras[len(paras)-1] {
		if last != "" && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) {
			vs := out[last]
			vs[len(vs)-1] += " " + strings.TrimSpace(line)
			continue
		}
		key, value, ok := splitTrailer(line)
		if !ok {
			return nil
		}
		last = textproto.CanonicalMIMEHeaderKey(key)
		out[last] = append(out[last], value)
	}
	return out
}

// splitTrailer splits "Key: value", where Key is a git trailer token:
// letters, digits and dashes, not starting with a dash.
func splitTrailer(line string) (key, value string, ok bool) {
	key, value, ok = strings.Cut(line, ":")
	if !ok || key == "" || key[0] == '-' {
		return "", "", false
	}
	for _, r := range key {
		if r != '-' && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return "", "", false
		}
	}
	return key, strings.TrimSpace(value), true
}

// paragraphs splits a message into blank-line separated groups of lines,
// dropping comment lines as git does.
func paragraphs(msg string) [][]string {
	var paras [][]string
	var cur []string
	for _, line := range strings.Split(strings.ReplaceAll(msg, "\r\n", "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		if strings.TrimSpace(line) == "" {
			if len(cur) > 0 {
				paras, cur = append(paras, cur), nil
			}
			continue
		}
		cur = append(cur, strings.TrimRight(line, " \t"))
	}
	if len(cur) > 0 {
		paras = append(paras, cur)
	}
	return paras
}

// contentRevision hashes the files' paths and contents, each prefixed with
// its length so that no two different file sets hash alike. files must be
// sorted by path.
func contentRevision(files []schema.File) string {
	h := sha256.New()
	var n [8]byte
	for _, f := range files {
		for _, b := range [][]byte{[]byte(f.Path), f.Data} {
			binary.BigEndian.PutUint64(n[:], uint64(len(b)))
			h.Write(n[:])
			h.Write(b)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// sortFiles orders files by path, byte-wise.
func sortFiles(files []schema.File) {
	slices.SortFunc(files, func(a, b schema.File) int { return strings.Compare(a.Path, b.Path) })
}
