package source

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// DefaultInterval is how often Git.Watch polls the remote.
const DefaultInterval = time.Minute

// fetchTimeout bounds one fetch, so a hung server cannot stop the polling.
const fetchTimeout = 2 * time.Minute

// GitOptions configure a Git source.
type GitOptions struct {
	// URL of the repository: https://, http://, ssh://, scp-like
	// (git@host:org/repo.git), git:// or file://. It must not carry a
	// password: tokens come from TokenFile only.
	URL string
	// Ref is a branch name, a tag name, a full ref name (refs/...) or a
	// full commit SHA. A branch wins over a tag of the same name. Empty
	// means the branch the remote HEAD points at.
	Ref string
	// Path is the directory of the repository holding the specs; empty
	// is the root.
	Path string
	// Dir is where the local clone lives; created with mode 0700.
	Dir string
	// SSHKeyFile and KnownHostsFile authenticate over SSH; both are
	// required for an SSH URL. Host keys are always checked against
	// KnownHostsFile.
	SSHKeyFile, KnownHostsFile string
	// TokenFile holds an HTTPS token, read again at every fetch so it can
	// be rotated. It is sent as the password of basic auth with user
	// "x-access-token", which GitHub, Gitea and GitLab accept.
	TokenFile string
	// VerifyKeyring is an armored OpenPGP key ring file. When set, only a
	// commit signed by one of its keys is accepted.
	VerifyKeyring string
	// Interval is Watch's poll period, jittered by ±10%; 0 means
	// DefaultInterval.
	Interval time.Duration
	// Logger receives the source's events; nil discards them.
	Logger *slog.Logger
	// OnFetch, when set, is called after every fetch attempt with nil or
	// the error, for metrics.
	OnFetch func(err error)
}

// Git fetches specs from a git repository. Its revision is the commit SHA.
// Its methods may be called from several goroutines; fetches are serialised.
type Git struct {
	opts    GitOptions
	path    string // cleaned Path, "" for the root
	display string // URL safe to print
	keyring string // armored key ring, "" when not verifying
	log     *slog.Logger

	mu     sync.Mutex
	repo   *git.Repository
	secret string // the last token read, scrubbed from errors
}

// NewGit checks opts and returns a Git source. It does not touch the
// network: the clone happens at the first Fetch.
func NewGit(opts GitOptions) (*Git, error) {
	g := &Git{opts: opts, display: redactURL(opts.URL)}
	if opts.Interval == 0 {
		g.opts.Interval = DefaultInterval
	}
	g.log = orDiscard(opts.Logger).With(keyURL, g.display, keyRef, g.refLabel())
	if err := g.check(); err != nil {
		return nil, fmt.Errorf("git source %s: %w", g.display, err)
	}
	return g, nil
}

// check validates the options and loads the files they name, so a typo
// fails at start rather than at the first poll.
func (g *Git) check() error {
	o := g.opts
	switch {
	case o.URL == "":
		return errors.New("no URL")
	case o.Dir == "":
		return errors.New("no directory for the clone")
	case o.Interval < 0:
		return fmt.Errorf("negative poll interval %v", o.Interval)
	}
	p, err := cleanPath(o.Path)
	if err != nil {
		return err
	}
	g.path = p
	ep, err := transport.NewEndpoint(o.URL)
	if err != nil {
		return errors.New("invalid URL")
	}
	if err := checkAuth(ep, o); err != nil {
		return err
	}
	if _, err := g.auth(); err != nil {
		return err
	}
	if ep.Protocol == "http" && o.TokenFile != "" {
		g.log.Warn("the token is sent over plain http")
	}
	return g.loadKeyring()
}

// cleanPath normalises the spec sub-directory and refuses one that climbs
// out of the repository.
func cleanPath(p string) (string, error) {
	for _, elem := range strings.Split(p, "/") {
		if elem == ".." {
			return "", fmt.Errorf("path %q leaves the repository", p)
		}
	}
	p = strings.Trim(path.Clean("/"+p), "/")
	return p, nil
}

func (g *Git) loadKeyring() error {
	if g.opts.VerifyKeyring == "" {
		return nil
	}
	data, err := os.ReadFile(g.opts.VerifyKeyring)
	if err != nil {
		return fmt.Errorf("read verify key ring: %w", err)
	}
	ring, err := openpgp.ReadArmoredKeyRing(strings.NewReader(string(data)))
	if err != nil {
		return fmt.Errorf("read verify key ring %s: %w", g.opts.VerifyKeyring, err)
	}
	if len(ring) == 0 {
		return fmt.Errorf("verify key ring %s holds no key", g.opts.VerifyKeyring)
	}
	g.keyring = string(data)
	return nil
}

// refLabel names the ref in messages.
func (g *Git) refLabel() string {
	if g.opts.Ref == "" {
		return "remote HEAD"
	}
	return g.opts.Ref
}

// String names the source for operators: the URL without credentials, the
// ref and the path.
func (g *Git) String() string {
	s := g.display + "@" + g.refLabel()
	if g.opts.Path != "" {
		s += ":" + g.opts.Path
	}
	return s
}
