// Package siptest starts SIP peers on loopback for tests: a real sipp UAS
// answering OPTIONS over UDP or TCP, a real kamailio answering OPTIONS over
// TLS, a peer answering garbage, and free ports where nothing listens; and
// it makes the certificates of the TLS tests. Peers may bind any address
// of 127.0.0.0/8, all loopback on Linux, to stand for the several SBCs
// behind one name.
//
// It is internal to the reconciler's tests and has no compatibility promise.
package siptest

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// scenario is the sipp scenario answering OPTIONS with 200 OK.
func scenario() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "preflight", "testdata", "uas_options.xml")
}

// Sipp starts sipp as a UAS answering OPTIONS on 127.0.0.1 over proto
// ("udp" or "tcp") and returns its port. It fails the test when sipp is
// not installed: run scripts/install-test-deps.sh.
func Sipp(t *testing.T, proto string) int {
	t.Helper()
	return SippAt(t, proto, "127.0.0.1")
}

// SippAt starts one sipp UAS on each of the loopback addresses hosts, all
// on one port, which it returns: the SBCs behind one name.
func SippAt(t *testing.T, proto string, hosts ...string) int {
	t.Helper()
	bin, err := exec.LookPath("sipp")
	if err != nil {
		t.Fatalf("sipp not installed (apt-get install sip-tester, or scripts/install-test-deps.sh): %v", err)
	}
	if _, err := os.Stat(scenario()); err != nil {
		t.Fatalf("sipp scenario: %v", err)
	}
	for range 5 {
		port := FreePort(t, proto)
		if sippAll(t, bin, proto, hosts, port) {
			return port
		}
	}
	t.Fatalf("sipp never started")
	return 0
}

// sippAll starts sipp on port at each host, and reports whether all
// listen; they are stopped when the test ends.
func sippAll(t *testing.T, bin, proto string, hosts []string, port int) bool {
	transport := map[string]string{"udp": "u1", "tcp": "t1"}[proto]
	var stops []func()
	for _, h := range hosts {
		cmd := exec.Command(bin, "-sf", scenario(), "-i", h, "-p", strconv.Itoa(port),
			"-t", transport, "-nostdin", "-trace_err", "-error_file", filepath.Join(t.TempDir(), "err.log"))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatalf("start sipp: %v", err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		stop := func() { _ = cmd.Process.Kill(); <-exited }
		t.Cleanup(stop)
		stops = append(stops, stop)
		if !waitListening(h, proto, port, exited) {
			for _, stop := range stops {
				stop()
			}
			// sipp has stopped writing to out before it is read
			t.Logf("sipp did not listen on %s:%d: %s", h, port, out.String())
			return false
		}
	}
	return true
}

// waitListening waits for a TCP listener, or for the UDP port to be
// bound, at host:port; it gives up when exited is closed.
func waitListening(host, proto string, port int, exited <-chan struct{}) bool {
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	for range 100 {
		if proto == "tcp" {
			if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
				c.Close()
				return true
			}
		} else if c, err := net.ListenPacket("udp", addr); err != nil {
			return true // bound by the peer
		} else {
			c.Close()
		}
		select {
		case <-exited:
			return false
		case <-time.After(30 * time.Millisecond):
		}
	}
	return false
}

// FreePort returns a loopback port with nothing listening on it over proto.
func FreePort(t *testing.T, proto string) int {
	t.Helper()
	if proto == "tcp" {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// Garbage starts a peer on 127.0.0.1 answering anything with a line that
// is not SIP, and returns its port.
func Garbage(t *testing.T, proto string) int {
	t.Helper()
	answer := []byte("HELLO this is not SIP\r\n\r\n")
	if proto == "tcp" {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					buf := make([]byte, 4096)
					if _, err := c.Read(buf); err == nil {
						_, _ = c.Write(answer)
					}
				}()
			}
		}()
		return l.Addr().(*net.TCPAddr).Port
	}
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 65535)
		for {
			_, from, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			_, _ = c.WriteTo(answer, from)
		}
	}()
	return c.LocalAddr().(*net.UDPAddr).Port
}
