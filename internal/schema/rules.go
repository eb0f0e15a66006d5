package schema

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

// regions are the AWS Regions that host Voice Connectors (the service
// model's VoiceConnectorAwsRegion enum).
var regions = []string{
	"us-east-1", "us-west-2", "ca-central-1", "eu-central-1", "eu-west-1",
	"eu-west-2", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2",
}

// Regions returns the AWS Regions that host Voice Connectors.
func Regions() []string { return slices.Clone(regions) }

func validRegion(r string) bool { return slices.Contains(regions, r) }

var (
	idPattern   = regexp.MustCompile(`^([a-z0-9]{21,22}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
	namePattern = regexp.MustCompile(`^[a-zA-Z0-9 _.-]{1,256}$`)
	labelRE     = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	digitsRE    = regexp.MustCompile(`^[0-9]+$`)
)

func validID(id string) bool     { return idPattern.MatchString(id) }
func validName(n string) bool    { return namePattern.MatchString(n) }
func validLabel(l string) bool   { return labelRE.MatchString(l) }
func looksNumeric(l string) bool { return digitsRE.MatchString(l) }

// checkHost accepts an IPv4 address or a fully qualified domain name and
// warns about IPv4 addresses that the service cannot reach over the internet.
func (d *decoder) checkHost(n node, host string) {
	if addr, err := netip.ParseAddr(host); err == nil {
		if !addr.Is4() {
			d.errorf(n, "host %q is an IPv6 address; origination routes take an IPv4 address or an FQDN", host)
			return
		}
		if why := unreachable(addr); why != "" {
			d.warnf(n, "host %s is %s: Amazon Chime reaches SBCs over the internet and cannot deliver calls there", host, why)
		}
		return
	}
	if why := fqdnProblem(host); why != "" {
		d.errorf(n, "host %q is not an IPv4 address or an FQDN: %s", host, why)
	}
}

// fqdnProblem says what keeps h from being an RFC 1123 fully qualified
// domain name, or "" when it is one.
func fqdnProblem(h string) string {
	name := strings.TrimSuffix(h, ".")
	switch {
	case h == "":
		return "it is empty"
	case strings.Contains(h, "://"):
		return "give the host alone, without a scheme"
	case strings.ContainsAny(h, "/?#"):
		return "give the host alone, without a path"
	case strings.Contains(h, ":"):
		return "give the port in the port field, not in the host"
	case len(name) > 253:
		return "longer than 253 characters"
	case !strings.Contains(name, "."):
		return "a single label is not fully qualified"
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if !validLabel(l) {
			return "label " + quote(l) + " is not 1-63 letters, digits and inner hyphens"
		}
	}
	if looksNumeric(labels[len(labels)-1]) {
		return "not a valid IPv4 address, and a name cannot end in a numeric label"
	}
	return ""
}

func quote(s string) string { return `"` + s + `"` }

// unreachable names the special-purpose range addr is in, or "".
func unreachable(addr netip.Addr) string {
	for _, r := range specialRanges {
		if r.prefix.Contains(addr) {
			return r.name
		}
	}
	return ""
}

var specialRanges = []struct {
	prefix netip.Prefix
	name   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "in the reserved 'this network' range 0.0.0.0/8"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT address (RFC 6598)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "in the IETF protocol assignments range 192.0.0.0/24"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address (RFC 5737)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address (RFC 2544)"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address (RFC 5737)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address (RFC 5737)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
}

// identities finds a Voice Connector declared under two keys: the same id,
// or the same name in the same region.
type identities map[string]DesiredConnector

func (s identities) add(c DesiredConnector) (DesiredConnector, bool) {
	k := "id:" + c.ID
	if c.ID == "" {
		k = "name:" + c.Region + "/" + c.Name
	}
	if prev, dup := s[k]; dup {
		return prev, true
	}
	s[k] = c
	return DesiredConnector{}, false
}
