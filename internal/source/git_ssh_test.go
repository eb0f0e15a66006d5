package source

import (
	"crypto/ed25519"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"github.com/sipops/reconciler/internal/gittest"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sshServer serves git-upload-pack for the repositories under root over
// SSH on loopback, accepting any client key.
type sshServer struct {
	root    string
	hostKey ssh.PublicKey
	addr    string
}

func startSSH(t *testing.T, root string) *sshServer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) { return nil, nil }}
	cfg.AddHostKey(signer)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s := &sshServer{root: root, hostKey: signer.PublicKey(), addr: l.Addr().String()}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go s.serve(c, cfg)
		}
	}()
	return s
}

func (s *sshServer) serve(c net.Conn, cfg *ssh.ServerConfig) {
	defer c.Close()
	_, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return // e.g. the client refused our host key
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		ch, reqs, err := nc.Accept()
		if err != nil {
			return
		}
		go s.session(ch, reqs)
	}
}

// session runs the one exec request go-git sends: git-upload-pack '<path>'.
func (s *sshServer) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		if req.Type != "exec" || len(req.Payload) < 4 {
			req.Reply(false, nil)
			continue
		}
		line := string(req.Payload[4:])
		repo := strings.Trim(strings.TrimPrefix(line, "git-upload-pack "), "'/")
		req.Reply(true, nil)
		cmd := exec.Command("git-upload-pack", filepath.Join(s.root, repo))
		cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, ch.Stderr()
		status := uint32(0)
		if err := cmd.Run(); err != nil {
			status = 1
		}
		ch.SendRequest("exit-status", false, binary.BigEndian.AppendUint32(nil, status))
		return
	}
}

func writeClientKey(t *testing.T) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "id_ed25519")
	writeFile(t, p, string(pem.EncodeToMemory(block)))
	return p
}

func TestGitSSHHostKeyChecked(t *testing.T) {
	r := gittest.NewRepo(t)
	sha := r.Commit(t, "a", map[string]string{"a.cue": "a: 1\n"})
	srv := startSSH(t, r.Root)
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	other, err := ssh.NewSignerFromKey(otherPriv)
	if err != nil {
		t.Fatal(err)
	}
	host := knownhosts.Normalize(srv.addr)
	key := writeClientKey(t)
	tests := []struct {
		name, knownHosts, wantErr string
	}{
		{"known", knownhosts.Line([]string{host}, srv.hostKey), ""},
		{"mismatch", knownhosts.Line([]string{host}, other.PublicKey()), "key mismatch"},
		{"unknown host", knownhosts.Line([]string{"[127.0.0.1]:1"}, srv.hostKey), "key is unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			known := filepath.Join(t.TempDir(), "known_hosts")
			writeFile(t, known, tc.knownHosts+"\n")
			g := newGit(t, GitOptions{URL: fmt.Sprintf("ssh://git@%s/%s", srv.addr, r.Name), SSHKeyFile: key, KnownHostsFile: known})
			s, err := g.Fetch(t.Context())
			if tc.wantErr == "" {
				if err != nil || s.Revision != sha {
					t.Fatalf("got %v, want revision %s", err, sha)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want an error with %q", err, tc.wantErr)
			}
		})
	}
}
