package preflight

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"time"
)

// errHandshakeTimeout is returned when the TLS handshake does not finish
// in time; the checker words it with its timeout.
var errHandshakeTimeout = errors.New("TLS: no handshake")

// LoadRoots returns the system's certificate authorities plus the
// certificates of a PEM file, for Checker.Roots: Amazon Chime trusts the
// public authorities, and an operator adds a private one to check an SBC
// signed by it. The file must hold only CERTIFICATE blocks, at least one.
func LoadRoots(file string) (*x509.CertPool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool() // no system roots: only the file's
	}
	n := 0
	for rest := data; ; n++ {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("%s: PEM block %d is %s, want CERTIFICATE", file, n+1, b.Type)
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: certificate %d: %w", file, n+1, err)
		}
		pool.AddCert(cert)
	}
	if n == 0 {
		return nil, fmt.Errorf("%s: no PEM certificate", file)
	}
	return pool, nil
}

// tlsConfig verifies the peer's chain against c.Roots and its name
// against host, an IP address checked against the IP SANs: as Amazon
// Chime connects to the route's host.
func (c *Checker) tlsConfig(host string) *tls.Config {
	return &tls.Config{ServerName: host, RootCAs: c.Roots, MinVersion: tls.VersionTLS12}
}

// handshake runs the TLS client handshake on conn until p.deadline. A
// peer that sends nothing back by half that time, or closes or resets the
// connection without a word, may be a SIP stack in clear that ignores or
// drops the ClientHello: it is asked in clear for the rest of the time,
// and if it answers, the reason says it does not speak TLS.
func (p prober) handshake(ctx context.Context, conn net.Conn) (*tls.Conn, error) {
	_ = conn.SetDeadline(p.deadline)
	_ = conn.SetReadDeadline(time.Now().Add(time.Until(p.deadline) / 2))
	rec := &recorder{Conn: conn, deadline: p.deadline}
	tc := tls.Client(rec, p.tls)
	err := tc.HandshakeContext(ctx)
	if err == nil {
		_ = conn.SetDeadline(p.deadline)
		return tc, nil
	}
	reason := handshakeError(err, rec.first.Bytes())
	if rec.first.Len() > 0 || ctx.Err() != nil {
		return nil, reason
	}
	plain := p
	plain.tls = nil
	if resp, err := plain.probe(ctx); err == nil {
		return nil, fmt.Errorf("TLS: the peer does not speak TLS; it answered OPTIONS in clear: %q", resp.StatusLine)
	}
	return nil, reason
}

// handshakeError words why a handshake failed; first is what the peer
// sent, to show a peer that answered in clear.
func handshakeError(err error, first []byte) error {
	var (
		invalid x509.CertificateInvalidError
		name    x509.HostnameError
		unknown x509.UnknownAuthorityError
		noRoots x509.SystemRootsError
		header  tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return expired(invalid.Cert)
	case errors.As(err, &invalid):
		return fmt.Errorf("TLS: invalid certificate: %s", strings.TrimPrefix(invalid.Error(), "x509: "))
	case errors.As(err, &name):
		return fmt.Errorf("TLS: certificate name mismatch: issued for %s, not %s", names(name.Certificate), name.Host)
	case errors.As(err, &unknown):
		return fmt.Errorf("TLS: certificate signed by unknown authority %q", unknown.Cert.Issuer)
	case errors.As(err, &noRoots):
		return errors.New("TLS: no system root certificates to verify the peer against")
	case errors.As(err, &header):
		return fmt.Errorf("TLS: the peer does not speak TLS; it answered in clear: %q", clip(firstLine(first)))
	case refused(err) != nil:
		return refused(err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("TLS: the peer closed the connection during the handshake")
	}
	switch classify(err) {
	case errReset:
		return errors.New("TLS: handshake reset by the peer")
	case errTimeout:
		return errHandshakeTimeout
	}
	return fmt.Errorf("TLS: handshake failed: %w", err)
}

// refused words a TLS alert from the peer, which may come after the
// client's side of the handshake is done (TLS 1.3, a client certificate
// required); nil if err is not one.
func refused(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" {
		return fmt.Errorf("TLS: handshake refused by the peer: %s", strings.TrimPrefix(op.Err.Error(), "tls: "))
	}
	return nil
}

// expired words an expired or not yet valid certificate.
func expired(cert *x509.Certificate) error {
	what := "certificate"
	if cert.IsCA {
		what = fmt.Sprintf("CA certificate %q", cert.Subject)
	}
	if time.Now().Before(cert.NotBefore) {
		return fmt.Errorf("TLS: %s not valid before %s", what, cert.NotBefore.UTC().Format(time.RFC3339))
	}
	return fmt.Errorf("TLS: %s expired at %s", what, cert.NotAfter.UTC().Format(time.RFC3339))
}

// names lists the names a certificate is for: its DNS and IP SANs, else
// its common name; at most three, then how many more.
func names(cert *x509.Certificate) string {
	all := slices.Clone(cert.DNSNames)
	for _, ip := range cert.IPAddresses {
		all = append(all, ip.String())
	}
	switch {
	case len(all) == 0 && cert.Subject.CommonName != "":
		return cert.Subject.CommonName + " (common name only)"
	case len(all) == 0:
		return "no name"
	case len(all) > 3:
		return fmt.Sprintf("%s and %d more", strings.Join(all[:3], ", "), len(all)-3)
	}
	return strings.Join(all, ", ")
}

func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return strings.TrimRight(string(line), "\r")
}

// recorder keeps the first bytes read from a connection and, once the
// peer has sent some, lets reads wait until deadline.
type recorder struct {
	net.Conn
	deadline time.Time
	first    bytes.Buffer
}

func (r *recorder) Read(b []byte) (int, error) {
	n, err := r.Conn.Read(b)
	if n > 0 && r.first.Len() == 0 {
		_ = r.Conn.SetReadDeadline(r.deadline)
	}
	if room := 128 - r.first.Len(); room > 0 {
		r.first.Write(b[:min(n, room)])
	}
	return n, err
}
