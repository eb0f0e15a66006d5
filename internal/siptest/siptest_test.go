package siptest

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/testpki"
)

// TestKamailio: kamailio answers OPTIONS over TLS on each address it was
// given, with the certificate given, and is gone once its test ends.
func TestKamailio(t *testing.T) {
	ca := testpki.NewCA(t, "siptest CA")
	pem, err := os.ReadFile(ca.File)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatal("CA file holds no certificate")
	}
	hosts := []string{"127.0.0.1", "127.0.0.2"}
	var port int
	t.Run("answers", func(t *testing.T) {
		cert, key := ca.Valid(t, hosts...)
		port = KamailioAt(t, cert, key, hosts...)
		for _, h := range hosts {
			if got := optionsTLS(t, h, port, roots); got != "SIP/2.0 200 OK" {
				t.Errorf("%s: got %q, want SIP/2.0 200 OK", h, got)
			}
		}
	})
	for _, h := range hosts {
		if c, err := net.DialTimeout("tcp", net.JoinHostPort(h, strconv.Itoa(port)), time.Second); err == nil {
			c.Close()
			t.Errorf("%s:%d still listening after the test", h, port)
		}
	}
}

// optionsTLS sends OPTIONS over TLS to host:port and returns the status
// line of the answer.
func optionsTLS(t *testing.T, host string, port int, roots *x509.CertPool) string {
	t.Helper()
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", addr, &tls.Config{ServerName: host, RootCAs: roots})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	local := c.LocalAddr().String()
	req := strings.Join([]string{
		fmt.Sprintf("OPTIONS sip:%s;transport=tls SIP/2.0", addr),
		fmt.Sprintf("Via: SIP/2.0/TLS %s;branch=z9hG4bKsiptest;rport", local),
		"Max-Forwards: 70",
		fmt.Sprintf("To: <sip:%s>", addr),
		fmt.Sprintf("From: <sip:siptest@%s>;tag=1", local),
		"Call-ID: siptest@" + host,
		"CSeq: 1 OPTIONS",
		"Content-Length: 0",
		"", "",
	}, "\r\n")
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(line)
}
