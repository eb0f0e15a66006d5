// Package testpki makes throwaway certificate authorities for tests: a CA,
// server certificates with chosen names and validity (expired, not yet
// valid, for another name), and client certificates, as PEM files in the
// test's temporary directory. The TLS preflight tests (against kamailio)
// and the etcd leader-election tests share it.
//
// It is internal to the reconciler's tests and has no compatibility promise.
package testpki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// CA is a certificate authority made for one test.
type CA struct {
	// File is the CA certificate, PEM encoded.
	File string

	cert *x509.Certificate
	key  crypto.Signer
	dir  string
}

// NewCA makes a CA valid from an hour ago for a day, named name.
func NewCA(tb testing.TB, name string) *CA {
	tb.Helper()
	key := newKey(tb)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(tb),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	ca := &CA{cert: cert, key: key, dir: tb.TempDir()}
	ca.File = ca.write(tb, "ca.pem", "CERTIFICATE", der)
	return ca
}

// Server issues a server certificate valid from notBefore to notAfter for
// hosts (IP addresses become IP SANs, names DNS SANs) and returns the PEM
// files of the certificate and of its key.
func (ca *CA) Server(tb testing.TB, notBefore, notAfter time.Time, hosts ...string) (certFile, keyFile string) {
	tb.Helper()
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: hosts[0]},
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	return ca.issue(tb, tmpl)
}

// issue signs tmpl with a fresh key and writes both.
func (ca *CA) issue(tb testing.TB, tmpl *x509.Certificate) (certFile, keyFile string) {
	tb.Helper()
	key := newKey(tb)
	tmpl.SerialNumber = serial(tb)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		tb.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	name := tmpl.SerialNumber.Text(16)
	return ca.write(tb, name+".pem", "CERTIFICATE", der), ca.write(tb, name+".key", "PRIVATE KEY", pkcs8)
}

// Client issues a client certificate named name, valid now, and returns
// the PEM files of the certificate and of its key.
func (ca *CA) Client(tb testing.TB, name string) (certFile, keyFile string) {
	tb.Helper()
	return ca.issue(tb, &x509.Certificate{
		Subject:     pkix.Name{CommonName: name},
		NotBefore:   time.Now().Add(-time.Hour),
		NotAfter:    time.Now().Add(24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
}

// Pool is a certificate pool holding only the CA, for a TLS client.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// Valid issues a server certificate valid now, for hosts.
func (ca *CA) Valid(tb testing.TB, hosts ...string) (certFile, keyFile string) {
	tb.Helper()
	return ca.Server(tb, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour), hosts...)
}

func (ca *CA) write(tb testing.TB, name, kind string, der []byte) string {
	tb.Helper()
	file := filepath.Join(ca.dir, name)
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		tb.Fatal(err)
	}
	return file
}

func newKey(tb testing.TB) *ecdsa.PrivateKey {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return key
}

func serial(tb testing.TB) *big.Int {
	tb.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
