// Package siptest starts SIP peers on loopback for tests: a real sipp UAS
// answering OPTIONS, a peer answering garbage, and free ports where
// nothing listens.
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
	bin, err := exec.LookPath("sipp")
	if err != nil {
		t.Fatalf("sipp not installed (apt-get install sip-tester, or scripts/install-test-deps.sh): %v", err)
	}
	if _, err := os.Stat(scenario()); err != nil {
		t.Fatalf("sipp scenario: %v", err)
	}
	transport := map[string]string{"udp": "u1", "tcp": "t1"}[proto]
	for range 5 {
		port := FreePort(t, proto)
		cmd := exec.Command(bin, "-sf", scenario(), "-i", "127.0.0.1", "-p", strconv.Itoa(port),
			"-t", transport, "-nostdin", "-trace_err", "-error_file", filepath.Join(t.TempDir(), "err.log"))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatalf("start sipp: %v", err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		if waitListening(proto, port) {
			return port
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait() // sipp has stopped writing to out before it is read
		t.Logf("sipp did not listen on %d: %s", port, out.String())
	}
	t.Fatalf("sipp never started")
	return 0
}

// waitListening waits for a TCP listener, or for the UDP port to be bound.
func waitListening(proto string, port int) bool {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for range 100 {
		if proto == "tcp" {
			if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
				c.Close()
				return true
			}
		} else if c, err := net.ListenPacket("udp", addr); err != nil {
			return true // bound by sipp
		} else {
			c.Close()
		}
		time.Sleep(30 * time.Millisecond)
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
