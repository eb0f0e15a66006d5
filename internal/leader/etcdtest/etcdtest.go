// Package etcdtest runs a real etcd, Debian's etcd-server, on loopback for
// the tests of leader election: a process that can be killed with SIGKILL
// and started again on the same ports and data, not a fake. It needs etcd
// on PATH (scripts/install-test-deps.sh) and fails rather than skips
// without it.
//
// It is internal to the reconciler's tests and has no compatibility promise.
package etcdtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// Etcd is one etcd member on 127.0.0.1.
type Etcd struct {
	// URL is the client URL, http:// or https://.
	URL string

	args []string
	tls  *tls.Config // of a client, for the health check
	logs *buffer

	mu  sync.Mutex
	cmd *exec.Cmd
}

// EtcdOptions configure Start.
type EtcdOptions struct {
	// PKI, when set, serves https with its server certificate and requires
	// client certificates signed by its CA.
	PKI *PKI
}

// Start runs etcd with a fresh data directory until the test ends, and
// waits until it answers.
func Start(tb testing.TB, opts EtcdOptions) *Etcd {
	tb.Helper()
	bin, err := exec.LookPath("etcd")
	if err != nil {
		tb.Fatal("etcd not found: run scripts/install-test-deps.sh (Debian package etcd-server)")
	}
	client, peer := "http://127.0.0.1:"+port(tb), "http://127.0.0.1:"+port(tb)
	s := &Etcd{logs: &buffer{}}
	if opts.PKI != nil {
		client = "https" + client[len("http"):]
		s.tls = opts.PKI.ClientTLS(tb)
	}
	s.URL = client
	s.args = []string{bin, "--name", "test", "--data-dir", filepath.Join(tb.TempDir(), "data"),
		"--listen-client-urls", client, "--advertise-client-urls", client,
		"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "test=" + peer,
		"--logger", "zap", "--log-outputs", "stderr", "--log-level", "warn"}
	if p := opts.PKI; p != nil {
		s.args = append(s.args, "--cert-file", p.ServerCert, "--key-file", p.ServerKey,
			"--trusted-ca-file", p.CACert, "--client-cert-auth")
	}
	tb.Cleanup(func() {
		s.Kill()
		if tb.Failed() {
			tb.Logf("etcd logs:\n%s", s.logs)
		}
	})
	s.Start(tb)
	return s
}

// Start starts etcd again after Kill, on the same ports and data, and waits
// until it answers.
func (s *Etcd) Start(tb testing.TB) {
	tb.Helper()
	cmd := exec.Command(s.args[0], s.args[1:]...)
	cmd.Stdout, cmd.Stderr = s.logs, s.logs
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start etcd: %v", err)
	}
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	if err := s.wait(tb.Context(), 20*time.Second); err != nil {
		tb.Fatalf("etcd at %s did not answer: %v\n%s", s.URL, err, s.logs)
	}
}

// Kill sends SIGKILL and reaps the process; the data stays.
func (s *Etcd) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// Client returns a client of the server, closed when the test ends.
func (s *Etcd) Client(tb testing.TB) *clientv3.Client {
	tb.Helper()
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{s.URL}, TLS: s.tls, Logger: zap.NewNop()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// wait polls etcd with a read until it answers.
func (s *Etcd) wait(ctx context.Context, within time.Duration) error {
	c, err := clientv3.New(clientv3.Config{Endpoints: []string{s.URL}, TLS: s.tls, Logger: zap.NewNop()})
	if err != nil {
		return err
	}
	defer c.Close()
	deadline := time.Now().Add(within)
	for {
		cctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		_, err := c.Get(cctx, "health")
		cancel()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// port returns a loopback port nobody listens on now.
func port(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// buffer is a bytes.Buffer safe for the process's writes and the test's reads.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
