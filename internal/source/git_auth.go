package source

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// tokenUser is the basic-auth user sent with a token.
const tokenUser = "x-access-token"

// checkAuth refuses option combinations that cannot work or would be
// insecure: a password in the URL, SSH without known hosts, credentials
// for a protocol that does not use them.
func checkAuth(ep *transport.Endpoint, o GitOptions) error {
	if ep.Password != "" {
		return errors.New("the URL carries a password: put the token in a file and give TokenFile")
	}
	ssh := o.SSHKeyFile != "" || o.KnownHostsFile != ""
	switch ep.Protocol {
	case "ssh":
		if o.KnownHostsFile == "" {
			return errors.New("an SSH URL needs KnownHostsFile: host keys are always checked")
		}
		if o.SSHKeyFile == "" {
			return errors.New("an SSH URL needs SSHKeyFile")
		}
		if o.TokenFile != "" {
			return errors.New("TokenFile is for https URLs, not SSH")
		}
	case "http", "https":
		if ssh {
			return fmt.Errorf("SSHKeyFile and KnownHostsFile are for SSH URLs, not %s", ep.Protocol)
		}
	default:
		if ssh || o.TokenFile != "" {
			return fmt.Errorf("%s URLs take no credentials", ep.Protocol)
		}
	}
	return nil
}

// auth builds the credentials for one fetch, reading the files again so
// that rotated keys and tokens are picked up without a restart.
func (g *Git) auth() (transport.AuthMethod, error) {
	o := g.opts
	switch {
	case o.TokenFile != "":
		return g.tokenAuth()
	case o.SSHKeyFile != "":
		return sshAuth(o)
	}
	return nil, nil
}

func (g *Git) tokenAuth() (transport.AuthMethod, error) {
	data, err := os.ReadFile(g.opts.TokenFile)
	if err != nil {
		return nil, fmt.Errorf("read token file: %w", err)
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return nil, fmt.Errorf("token file %s is empty", g.opts.TokenFile)
	}
	g.secret = token
	return &githttp.BasicAuth{Username: tokenUser, Password: token}, nil
}

func sshAuth(o GitOptions) (transport.AuthMethod, error) {
	ep, err := transport.NewEndpoint(o.URL)
	if err != nil {
		return nil, errors.New("invalid URL")
	}
	user := ep.User
	if user == "" {
		user = "git"
	}
	keys, err := gitssh.NewPublicKeysFromFile(user, o.SSHKeyFile, "")
	if err != nil {
		return nil, fmt.Errorf("read SSH key %s (keys with a passphrase are not supported): %w", o.SSHKeyFile, err)
	}
	if _, err := os.Stat(o.KnownHostsFile); err != nil {
		return nil, fmt.Errorf("known hosts: %w", err)
	}
	db, err := gitssh.NewKnownHostsDb(o.KnownHostsFile)
	if err != nil {
		return nil, fmt.Errorf("read known hosts %s: %w", o.KnownHostsFile, err)
	}
	port := ep.Port
	if port == 0 {
		port = 22
	}
	keys.HostKeyCallback = db.HostKeyCallback()
	keys.HostKeyAlgorithms = db.HostKeyAlgorithms(net.JoinHostPort(ep.Host, strconv.Itoa(port)))
	return keys, nil
}

// redactURL hides the password of a URL's user info, if any.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// scrubbed hides a secret that a lower layer may have put in an error
// message. Unwrap still gives the original error for errors.Is.
type scrubbed struct {
	err    error
	secret string
}

func (e *scrubbed) Error() string { return strings.ReplaceAll(e.err.Error(), e.secret, "[redacted]") }
func (e *scrubbed) Unwrap() error { return e.err }

func scrub(err error, secret string) error {
	if err == nil || secret == "" {
		return err
	}
	return &scrubbed{err: err, secret: secret}
}
