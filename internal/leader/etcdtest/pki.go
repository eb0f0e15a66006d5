package etcdtest

import (
	"crypto/tls"
	"testing"

	"github.com/sipops/reconciler/internal/testpki"
)

// PKI is a throwaway certificate authority with a server certificate for
// 127.0.0.1 and localhost and a client certificate, as PEM files.
type PKI struct {
	CACert                string
	ServerCert, ServerKey string
	ClientCert, ClientKey string

	ca *testpki.CA
}

// NewPKI writes a CA, a server and a client certificate to a temporary
// directory.
func NewPKI(tb testing.TB) *PKI {
	tb.Helper()
	ca := testpki.NewCA(tb, "etcdtest CA")
	p := &PKI{CACert: ca.File, ca: ca}
	p.ServerCert, p.ServerKey = ca.Valid(tb, "127.0.0.1", "localhost")
	p.ClientCert, p.ClientKey = ca.Client(tb, "client")
	return p
}

// ClientTLS is a client's TLS configuration: the CA and the client
// certificate.
func (p *PKI) ClientTLS(tb testing.TB) *tls.Config {
	tb.Helper()
	cert, err := tls.LoadX509KeyPair(p.ClientCert, p.ClientKey)
	if err != nil {
		tb.Fatal(err)
	}
	return &tls.Config{RootCAs: p.ca.Pool(), Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
}
