package siptest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// kamailioConfig answers OPTIONS with 200 OK over TLS, statelessly, on
// the listen lines given for %[1]s, with the certificate %[2]s and the
// key %[3]s. TLSv1.2+ matters: the module's default method fails every
// handshake with OpenSSL 3 ("no suitable signature algorithm").
const kamailioConfig = `#!KAMAILIO
debug=2
log_stderror=yes
children=1
tcp_children=1
auto_aliases=no
enable_tls=yes
%[1]s
loadmodule "tls.so"
loadmodule "sl.so"
loadmodule "textops.so"
modparam("tls", "tls_method", "TLSv1.2+")
modparam("tls", "certificate", "%[2]s")
modparam("tls", "private_key", "%[3]s")
request_route {
	if (is_method("OPTIONS")) {
		sl_send_reply("200", "OK");
		exit;
	}
	sl_send_reply("405", "Method Not Allowed");
}
`

// Kamailio starts kamailio answering OPTIONS over TLS on 127.0.0.1 with
// the PEM certificate and key files, and returns its port.
func Kamailio(t *testing.T, certFile, keyFile string) int {
	t.Helper()
	return KamailioAt(t, certFile, keyFile, "127.0.0.1")
}

// KamailioAt starts kamailio answering OPTIONS over TLS on each of the
// loopback addresses hosts, all on one port, which it returns. It runs in
// the foreground and is stopped when the test ends. It fails the test
// when kamailio or its TLS module is not installed: run
// scripts/install-test-deps.sh.
func KamailioAt(t *testing.T, certFile, keyFile string, hosts ...string) int {
	t.Helper()
	bin, err := exec.LookPath("kamailio")
	if err != nil {
		bin = "/usr/sbin/kamailio" // not in a non-root PATH
		if _, serr := os.Stat(bin); serr != nil {
			t.Fatalf("kamailio not installed (apt-get install kamailio kamailio-tls-modules, or scripts/install-test-deps.sh): %v", err)
		}
	}
	dir := t.TempDir()
	for range 5 {
		port := FreePort(t, "tcp")
		var listen []string
		for _, h := range hosts {
			listen = append(listen, fmt.Sprintf("listen=tls:%s:%d", h, port))
		}
		cfg := filepath.Join(dir, "kamailio.cfg")
		text := fmt.Sprintf(kamailioConfig, strings.Join(listen, "\n"), certFile, keyFile)
		if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		logFile := filepath.Join(dir, "kamailio.log")
		if stop, ok := startKamailio(t, bin, dir, cfg, logFile, hosts, port); ok {
			t.Cleanup(stop)
			return port
		}
		log, _ := os.ReadFile(logFile)
		switch {
		case strings.Contains(string(log), "could not find module <tls>"):
			t.Fatalf("kamailio's TLS module not installed (apt-get install kamailio-tls-modules, or scripts/install-test-deps.sh):\n%s", tail(log, 5))
		case strings.Contains(string(log), "parse error in config file"):
			t.Fatalf("kamailio refused its configuration:\n%s", tail(log, 20))
		}
		t.Logf("kamailio did not listen on %d:\n%s", port, tail(log, 20))
	}
	t.Fatalf("kamailio never started")
	return 0
}

// startKamailio starts kamailio in its own process group, so that its
// children stop with it, and waits until it listens on every host.
func startKamailio(t *testing.T, bin, dir, cfg, logFile string, hosts []string, port int) (stop func(), ok bool) {
	t.Helper()
	log, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	// -DD: stay in the foreground, -E: log to stderr, -Y: runtime files
	// in dir, -m/-M: shared and private memory in MiB.
	cmd := exec.Command(bin, "-DD", "-E", "-f", cfg, "-Y", dir, "-m", "32", "-M", "8")
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start kamailio: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop = func() {
		pgid := cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(3 * time.Second):
		}
		_ = syscall.Kill(-pgid, syscall.SIGKILL) // children that outlived the main process
		<-exited
	}
	for _, h := range hosts {
		if !waitListening(h, "tcp", port, exited) {
			stop()
			return nil, false
		}
	}
	return stop, true
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
