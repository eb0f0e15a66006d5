package chime

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
	"github.com/sipops/reconciler/internal/origination"
)

// fromAPI converts the service's answer to the shared model. No routes and
// Disabled unset or false is the same as no origination: nil. Absent ports
// become 5060 and routes are sorted (origination.Normalize).
func fromAPI(o *types.Origination) *origination.Origination {
	if o == nil || (len(o.Routes) == 0 && !aws.ToBool(o.Disabled)) {
		return nil
	}
	out := &origination.Origination{Disabled: aws.ToBool(o.Disabled)}
	for _, r := range o.Routes {
		out.Routes = append(out.Routes, origination.Route{
			Host:     aws.ToString(r.Host),
			Port:     int(aws.ToInt32(r.Port)),
			Protocol: string(r.Protocol),
			Priority: int(aws.ToInt32(r.Priority)),
			Weight:   int(aws.ToInt32(r.Weight)),
		})
	}
	return out.Normalize()
}

// toAPI converts a desired origination to the request shape. Disabled is
// always sent because Put replaces the whole setting. Zero numbers are
// omitted so that the service applies its own defaults (port 5060).
func toAPI(o *origination.Origination) *types.Origination {
	out := &types.Origination{Disabled: aws.Bool(o.Disabled)}
	for _, r := range o.Routes {
		out.Routes = append(out.Routes, types.OriginationRoute{
			Host:     aws.String(r.Host),
			Port:     optional(r.Port),
			Protocol: types.OriginationRouteProtocol(r.Protocol),
			Priority: optional(r.Priority),
			Weight:   optional(r.Weight),
		})
	}
	return out
}

func optional(n int) *int32 {
	if n == 0 {
		return nil
	}
	return aws.Int32(int32(n))
}
