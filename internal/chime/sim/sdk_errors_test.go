package sim_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/sipops/reconciler/internal/chime/sim"
)

func routes(n int) []types.OriginationRoute {
	out := make([]types.OriginationRoute, n)
	for i := range out {
		out[i] = route("10.0.0.1", 5060, 1, 1, types.OriginationRouteProtocolUdp)
	}
	return out
}

func TestSDKErrors(t *testing.T) {
	s, url := start(t, sim.Config{})
	known := mustCreate(t, s, "known", "us-east-1").ID
	const unknown = "zzzzzzzzzzzzzzzzzzzzzz"
	c := client(url, "us-east-1")
	put := func(id string, o *types.Origination) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := c.PutVoiceConnectorOrigination(ctx, &chimesdkvoice.PutVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id), Origination: o})
			return err
		}
	}
	getOrig := func(id string) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := c.GetVoiceConnectorOrigination(ctx, &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id)})
			return err
		}
	}
	create := func(in chimesdkvoice.CreateVoiceConnectorInput) func(context.Context) error {
		return func(ctx context.Context) error { _, err := c.CreateVoiceConnector(ctx, &in); return err }
	}
	list := func(in chimesdkvoice.ListVoiceConnectorsInput) func(context.Context) error {
		return func(ctx context.Context) error { _, err := c.ListVoiceConnectors(ctx, &in); return err }
	}
	one := func(r types.OriginationRoute) *types.Origination {
		return &types.Origination{Routes: []types.OriginationRoute{r}}
	}
	tests := []struct {
		name, wantType, wantCode, wantMsg string
		call                              func(context.Context) error
	}{
		{"get origination unknown id", "NotFoundException", "NotFound", unknown, getOrig(unknown)},
		{"put origination unknown id", "NotFoundException", "NotFound", unknown, put(unknown, one(route("h", 1, 1, 1, "TCP")))},
		{"delete origination unknown id", "NotFoundException", "NotFound", unknown, func(ctx context.Context) error {
			_, err := c.DeleteVoiceConnectorOrigination(ctx, &chimesdkvoice.DeleteVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(unknown)})
			return err
		}},
		{"get connector unknown id", "NotFoundException", "NotFound", unknown, func(ctx context.Context) error {
			_, err := c.GetVoiceConnector(ctx, &chimesdkvoice.GetVoiceConnectorInput{VoiceConnectorId: aws.String(unknown)})
			return err
		}},
		{"delete connector unknown id", "NotFoundException", "NotFound", unknown, func(ctx context.Context) error {
			_, err := c.DeleteVoiceConnector(ctx, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: aws.String(unknown)})
			return err
		}},
		{"empty id", "BadRequestException", "BadRequest", "VoiceConnectorId", getOrig("")},
		{"id with slash", "BadRequestException", "BadRequest", "VoiceConnectorId", getOrig("abc/def ghi")},
		{"priority 0", "BadRequestException", "BadRequest", "Origination.Routes[0].Priority must be between 1 and 100", put(known, one(route("h", 5060, 0, 1, "UDP")))},
		{"weight 101", "BadRequestException", "BadRequest", "Origination.Routes[0].Weight must be between 1 and 100", put(known, one(route("h", 5060, 1, 101, "UDP")))},
		{"port 70000", "BadRequestException", "BadRequest", "Origination.Routes[0].Port must be between 0 and 65535", put(known, one(route("h", 70000, 1, 1, "UDP")))},
		{"protocol TLS", "BadRequestException", "BadRequest", "Origination.Routes[0].Protocol must be TCP or UDP", put(known, one(route("h", 5061, 1, 1, "TLS")))},
		{"no host", "BadRequestException", "BadRequest", "Origination.Routes[0].Host", put(known, one(types.OriginationRoute{Port: aws.Int32(5060)}))},
		{"third route bad", "BadRequestException", "BadRequest", "Origination.Routes[2].Priority", put(known, &types.Origination{Routes: append(routes(2), route("h", 1, 101, 1, "TCP"))})},
		{"21 routes", "BadRequestException", "BadRequest", "at most 20", put(known, &types.Origination{Routes: routes(21)})},
		{"neither routes nor disabled", "BadRequestException", "BadRequest", "Routes or Disabled", put(known, &types.Origination{})},
		{"empty routes, no disabled", "BadRequestException", "BadRequest", "Origination.Routes must hold 1 to 20", put(known, &types.Origination{Routes: []types.OriginationRoute{}})},
		{"create empty name", "BadRequestException", "BadRequest", "Name", create(chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String(""), RequireEncryption: aws.Bool(true)})},
		{"create bad name", "BadRequestException", "BadRequest", "Name", create(chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String("a/b"), RequireEncryption: aws.Bool(true)})},
		{"create bad region", "BadRequestException", "BadRequest", "AwsRegion", create(chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String("n"), RequireEncryption: aws.Bool(true), AwsRegion: "mars-1"})},
		{"list max-results 0", "BadRequestException", "BadRequest", "max-results", list(chimesdkvoice.ListVoiceConnectorsInput{MaxResults: aws.Int32(0)})},
		{"list max-results 101", "BadRequestException", "BadRequest", "max-results", list(chimesdkvoice.ListVoiceConnectorsInput{MaxResults: aws.Int32(101)})},
		{"list forged token", "BadRequestException", "BadRequest", "next-token", list(chimesdkvoice.ListVoiceConnectorsInput{NextToken: aws.String("tok/+=")})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(t.Context())
			name, code := exception(err)
			if name != tt.wantType || code != tt.wantCode {
				t.Fatalf("got %q/%q (%v), want %s/%s", name, code, err, tt.wantType, tt.wantCode)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("message: got %q, want it to contain %q", err, tt.wantMsg)
			}
		})
	}
	if o, _ := s.Origination(known); o != nil {
		t.Errorf("origination after rejected puts: got %+v, want nil", o)
	}
}

func TestSDKValidEdgeCases(t *testing.T) {
	s, url := start(t, sim.Config{})
	id := mustCreate(t, s, "edge", "us-east-1").ID
	c := client(url, "us-east-1")
	tests := []struct {
		name string
		o    *types.Origination
	}{
		{"20 routes", &types.Origination{Routes: routes(20)}},
		{"disabled only", &types.Origination{Disabled: aws.Bool(true)}},
		{"disabled with empty routes", &types.Origination{Disabled: aws.Bool(true), Routes: []types.OriginationRoute{}}},
		{"port 0 and limits", &types.Origination{Routes: []types.OriginationRoute{route("h", 0, 100, 100, "TCP"), route("h", 65535, 1, 1, "UDP")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.PutVoiceConnectorOrigination(t.Context(), &chimesdkvoice.PutVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id), Origination: tt.o})
			if err != nil {
				t.Errorf("got %v, want success", err)
			}
		})
	}
}
