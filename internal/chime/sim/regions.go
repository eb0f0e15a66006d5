package sim

import "slices"

// DefaultRegion is where a connector is created when neither the request's
// AwsRegion nor the signing region names a Voice Connector region; it is the
// default the service model documents for CreateVoiceConnector.
const DefaultRegion = "us-east-1"

// Regions returns the Voice Connector regions of the model's
// VoiceConnectorAwsRegion enum, in model order; ListAvailableVoiceConnectorRegions
// answers this list.
func Regions() []string {
	return []string{"us-east-1", "us-west-2", "ca-central-1", "eu-central-1", "eu-west-1",
		"eu-west-2", "ap-northeast-2", "ap-northeast-1", "ap-southeast-1", "ap-southeast-2"}
}

func validRegion(r string) bool { return slices.Contains(Regions(), r) }

type regionsOutput struct {
	VoiceConnectorRegions []string `json:"VoiceConnectorRegions"`
}
