package preflight

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/origination"
	"github.com/sipops/reconciler/internal/siptest"
	"github.com/sipops/reconciler/internal/testpki"
)

func tlsTarget(host string, port int) Target {
	return Target{Key: origination.Key{Host: host, Port: port, Protocol: "TCP"}, TLS: true}
}

// TestCheckTLS probes real kamailio peers over TLS, with good, expired and
// misnamed certificates, and peers that do not speak TLS.
func TestCheckTLS(t *testing.T) {
	ca := testpki.NewCA(t, "reconciler test CA")
	roots := caPool(t, ca.File)
	// The system's roots are read once per process, on first use; reading
	// them here keeps that out of the 700 ms a handshake has, which a busy
	// machine under -race can spend on it.
	if _, err := x509.SystemCertPool(); err != nil {
		t.Fatal(err)
	}
	kamailio := func(cert, key string) int { return siptest.Kamailio(t, cert, key) }
	good := kamailio(ca.Valid(t, "127.0.0.1", "sbc.example.test"))
	notAfter := time.Now().Add(-24 * time.Hour)
	expired := kamailio(ca.Server(t, notAfter.Add(-24*time.Hour), notAfter, "127.0.0.1"))
	misnamed := kamailio(ca.Valid(t, "other.example.test"))
	sipTCP := siptest.Sipp(t, "tcp")
	res := &fakeResolver{hosts: map[string][]net.IPAddr{"sbc.example.test": loopback()}}
	tests := []struct {
		name   string
		target Target
		roots  *x509.CertPool
		want   string // whole, or the start when it ends with a space
	}{
		{"good chain", tlsTarget("127.0.0.1", good), roots, "preflight: SIP/2.0 200 OK over TLS in "},
		{"good chain by name", tlsTarget("sbc.example.test", good), roots, "preflight: SIP/2.0 200 OK over TLS in "},
		{"system roots only", tlsTarget("127.0.0.1", good), nil,
			`preflight FAILED: TLS: certificate signed by unknown authority "CN=reconciler test CA"`},
		{"expired", tlsTarget("127.0.0.1", expired), roots,
			"preflight FAILED: TLS: certificate expired at " + notAfter.UTC().Format(time.RFC3339)},
		{"name mismatch", tlsTarget("127.0.0.1", misnamed), roots,
			"preflight FAILED: TLS: certificate name mismatch: issued for other.example.test, not 127.0.0.1"},
		{"sip in clear", tlsTarget("127.0.0.1", sipTCP), roots,
			`preflight FAILED: TLS: the peer does not speak TLS; it answered OPTIONS in clear: "SIP/2.0 200 OK"`},
		{"garbage in clear", tlsTarget("127.0.0.1", siptest.Garbage(t, "tcp")), roots,
			`preflight FAILED: TLS: the peer does not speak TLS; it answered in clear: "HELLO this is not SIP"`},
		{"handshake refused", tlsTarget("127.0.0.1", wantsClientCert(t, ca, tls.VersionTLS12)), roots,
			"preflight FAILED: TLS: handshake refused by the peer: handshake failure"},
		{"handshake refused after ours", tlsTarget("127.0.0.1", wantsClientCert(t, ca, tls.VersionTLS13)), roots,
			"preflight FAILED: TLS: handshake refused by the peer: certificate required"},
		{"handshake reset", tlsTarget("127.0.0.1", resetting(t)), roots,
			"preflight FAILED: TLS: handshake reset by the peer"},
		{"dead port", tlsTarget("127.0.0.1", siptest.FreePort(t, "tcp")), roots, "preflight FAILED: connection refused"},
		{"udp", Target{Key: origination.Key{Host: "127.0.0.1", Port: 5061, Protocol: "UDP"}, TLS: true}, roots,
			"preflight FAILED: TLS: not possible over UDP; encrypted routes are TCP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newChecker(res)
			c.Roots = tt.roots
			got := c.Check(t.Context(), tt.target)
			if s := got.String(); s != tt.want && !(strings.HasSuffix(tt.want, " ") && strings.HasPrefix(s, tt.want)) {
				t.Errorf("got %q, want %q", s, tt.want)
			}
			if got.OK != strings.HasPrefix(tt.want, "preflight: ") || !got.TLS {
				t.Errorf("got OK %t, TLS %t; want OK for %q, and TLS", got.OK, got.TLS, tt.want)
			}
		})
	}
}

// TestCheckTLSApart: the same route over TLS and in clear are two
// targets, cached apart.
func TestCheckTLSApart(t *testing.T) {
	port := siptest.Sipp(t, "tcp")
	c := newChecker(&fakeResolver{})
	plain := Target{Key: origination.Key{Host: "127.0.0.1", Port: port, Protocol: "TCP"}}
	for range 2 {
		got := c.CheckAll(t.Context(), []Target{plain, tlsTarget("127.0.0.1", port)})
		if len(got) != 2 || !got[plain].OK || got[tlsTarget("127.0.0.1", port)].OK {
			t.Fatalf("got %v, want the route OK in clear and failed over TLS", got)
		}
	}
	if len(c.cache) != 2 {
		t.Errorf("got %d cached results, want 2", len(c.cache))
	}
}

func TestLoadRoots(t *testing.T) {
	ca := testpki.NewCA(t, "reconciler test CA")
	cert, key := ca.Valid(t, "127.0.0.1")
	dir := t.TempDir()
	file := func(name, content string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	empty, bad := file("empty.pem", "no PEM here\n"), file("bad.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
	tests := []struct {
		name, file, err string
	}{
		{"ca", ca.File, ""},
		{"missing", filepath.Join(dir, "missing.pem"), "open " + filepath.Join(dir, "missing.pem") + ": no such file or directory"},
		{"empty", empty, empty + ": no PEM certificate"},
		{"key", key, key + ": PEM block 1 is PRIVATE KEY, want CERTIFICATE"},
		{"bad certificate", bad, bad + ": certificate 1: x509: malformed certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool, err := LoadRoots(tt.file)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Errorf("got error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			leaf := parseCert(t, cert)
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool}); err != nil {
				t.Errorf("the CA's certificate does not verify against the pool: %v", err)
			}
		})
	}
}

// wantsClientCert is a TLS server that requires a client certificate, so
// it refuses the handshake with an alert: in TLS 1.3, after the client's
// side of the handshake is done. ca signs its certificate.
func wantsClientCert(t *testing.T, ca *testpki.CA, version uint16) int {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(ca.Valid(t, "127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAnyClientCert, MaxVersion: version,
	})
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, l, func(c net.Conn) { _ = c.(*tls.Conn).Handshake() })
}

// resetting resets each connection once it has read from it.
func resetting(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, l, func(c net.Conn) {
		_, _ = c.Read(make([]byte, 1))
		_ = c.(*net.TCPConn).SetLinger(0)
	})
}

// serve runs handle on each connection of l, then closes it, until the
// test ends; it returns l's port.
func serve(t *testing.T, l net.Listener, handle func(net.Conn)) int {
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

func caPool(t *testing.T, file string) *x509.CertPool {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(parseCert(t, file))
	return pool
}

func parseCert(t *testing.T, file string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatalf("%s: no PEM block", file)
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}
