package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sipops/reconciler/internal/leader"
)

// electionFlags are the daemon's flags of leader election on etcd.
type electionFlags struct {
	etcd, key, identity       string
	ttl                       time.Duration
	caFile, certFile, keyFile string
	username, passwordFile    string

	// Read by load from the files above, once they are expanded.
	endpoints []string
	tls       *tls.Config
	password  string
}

func (e *electionFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&e.etcd, "leader-election-etcd", "", "etcd client `URLs`, comma-separated (http://etcd1:2379,http://etcd2:2379): of several daemons with the same key, only the leader writes")
	fs.StringVar(&e.key, "leader-election-key", "", "etcd `KEY` of the election, the same for every daemon of one fleet and no other, e.g. /reconciler/prod-us-east-1")
	fs.DurationVar(&e.ttl, "leader-election-ttl", leader.DefaultTTL, "lease TTL in whole seconds, at least 2s: how long standbys wait for a leader that died without resigning")
	fs.StringVar(&e.identity, "leader-election-identity", "", "`NAME` of this daemon in the election and in /status (default: HOSTNAME/--listen)")
	fs.StringVar(&e.caFile, "etcd-ca-file", "", "CA certificate `FILE` (PEM) etcd's certificate is checked against, for https:// endpoints (default: the system's)")
	fs.StringVar(&e.certFile, "etcd-cert-file", "", "client certificate `FILE` (PEM) for etcd's --client-cert-auth, with --etcd-key-file")
	fs.StringVar(&e.keyFile, "etcd-key-file", "", "private key `FILE` (PEM) of --etcd-cert-file")
	fs.StringVar(&e.username, "etcd-username", "", "etcd `USER`, with --etcd-password-file, when etcd's authentication is on")
	fs.StringVar(&e.passwordFile, "etcd-password-file", "", "`FILE` holding the password of --etcd-username (read at start, never logged)")
}

func (e *electionFlags) enabled() bool { return e.etcd != "" }

// check validates the flags, before the files are read.
func (e *electionFlags) check() error {
	if !e.enabled() {
		if e.key != "" || e.identity != "" || e.ttl != leader.DefaultTTL || e.caFile != "" || e.certFile != "" ||
			e.keyFile != "" || e.username != "" || e.passwordFile != "" {
			return errors.New("--leader-election-* and --etcd-* need --leader-election-etcd; without it this daemon would write alongside the others")
		}
		return nil
	}
	var err error
	if e.endpoints, err = leader.ParseEndpoints(e.etcd); err != nil {
		return fmt.Errorf("--leader-election-etcd: %w", err)
	}
	switch {
	case e.key == "":
		return errors.New("--leader-election-key is required with --leader-election-etcd: every daemon of one fleet uses the same key")
	case leader.CheckTTL(e.ttl) != nil:
		return fmt.Errorf("--leader-election-ttl: %w", leader.CheckTTL(e.ttl))
	case (e.certFile == "") != (e.keyFile == ""):
		return errors.New("--etcd-cert-file and --etcd-key-file go together")
	case (e.username == "") != (e.passwordFile == ""):
		return errors.New("--etcd-username and --etcd-password-file go together")
	case !leader.Secure(e.endpoints) && (e.caFile != "" || e.certFile != ""):
		return errors.New("--etcd-ca-file, --etcd-cert-file and --etcd-key-file need https:// endpoints in --leader-election-etcd")
	}
	return nil
}

// files lists the flags that name files, for expansion.
func (e *electionFlags) files() []*string {
	return []*string{&e.caFile, &e.certFile, &e.keyFile, &e.passwordFile}
}

// load reads the TLS files and the password; a file that cannot be read is
// a usage error, as a bad flag is. A reload does not read them again: they
// take effect on restart only.
func (e *electionFlags) load() error {
	if !e.enabled() {
		return nil
	}
	var err error
	if e.tls, err = e.loadTLS(); err != nil {
		return err
	}
	if e.passwordFile != "" {
		b, err := os.ReadFile(filepath.Clean(e.passwordFile))
		if err != nil {
			return fmt.Errorf("read --etcd-password-file: %w", err)
		}
		if e.password = strings.TrimRight(string(b), "\r\n"); e.password == "" {
			return fmt.Errorf("--etcd-password-file %s is empty", e.passwordFile)
		}
	}
	return nil
}

// loadTLS returns the TLS configuration of https endpoints; nil for http.
func (e *electionFlags) loadTLS() (*tls.Config, error) {
	if !leader.Secure(e.endpoints) {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if e.caFile != "" {
		pem, err := os.ReadFile(filepath.Clean(e.caFile))
		if err != nil {
			return nil, fmt.Errorf("read --etcd-ca-file: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--etcd-ca-file %s: no PEM certificate in it", e.caFile)
		}
	}
	if e.certFile != "" {
		cert, err := tls.LoadX509KeyPair(e.certFile, e.keyFile)
		if err != nil {
			return nil, fmt.Errorf("load --etcd-cert-file and --etcd-key-file: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// options returns the elector's options; listen names this daemon when
// --leader-election-identity does not.
func (e *electionFlags) options(listen string, log *slog.Logger, obs leader.LeadershipObserver) leader.ElectionOptions {
	id := e.identity
	if id == "" {
		host, err := os.Hostname()
		if err != nil {
			host = "unknown-host"
		}
		id = host + "/" + listen
	}
	return leader.ElectionOptions{
		Endpoints: e.endpoints, Key: e.key, Identity: id, TTL: e.ttl, TLS: e.tls,
		Username: e.username, Password: e.password, Observer: obs, Logger: log,
	}
}
