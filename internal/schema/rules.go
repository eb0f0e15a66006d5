package schema

import (
	"regexp"
	"slices"
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
)

func validID(id string) bool  { return idPattern.MatchString(id) }
func validName(n string) bool { return namePattern.MatchString(n) }

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
