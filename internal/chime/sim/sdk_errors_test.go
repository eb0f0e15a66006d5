package sim_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/sipops/reconciler/internal/chime/sim"
	"github.com/sipops/reconciler/internal/origination"
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
		{"11 routes, default quota", "BadRequestException", "BadRequest", "Origination.Routes: 11 routes exceed the account's quota of 10 routes per Voice Connector", put(known, &types.Origination{Routes: routes(11)})},
		{"neither routes nor disabled", "BadRequestException", "BadRequest", "Routes or Disabled", put(known, &types.Origination{})},
		{"empty routes, no disabled", "BadRequestException", "BadRequest", "Origination.Routes must hold at least one route unless Disabled is true", put(known, &types.Origination{Routes: []types.OriginationRoute{}})},
		{"empty routes, disabled false", "BadRequestException", "BadRequest", "Origination.Routes must hold at least one route unless Disabled is true", put(known, &types.Origination{Routes: []types.OriginationRoute{}, Disabled: aws.Bool(false)})},
		{"disabled false only", "BadRequestException", "BadRequest", "Origination.Routes must hold at least one route unless Disabled is true", put(known, &types.Origination{Disabled: aws.Bool(false)})},
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
		{"10 routes, the default quota", &types.Origination{Routes: routes(10)}},
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

// TestSDKRouteQuota: Config.RouteQuota moves the limit up to MaxRoutes;
// the message names the quota.
func TestSDKRouteQuota(t *testing.T) {
	tests := []struct {
		quota, routes int
		wantErr       string // "" = accepted
	}{
		{0, 10, ""},
		{0, 11, "Origination.Routes: 11 routes exceed the account's quota of 10 routes per Voice Connector"},
		{12, 12, ""},
		{12, 13, "Origination.Routes: 13 routes exceed the account's quota of 12 routes per Voice Connector"},
		{20, 20, ""},
		{20, 21, "Origination.Routes: 21 routes exceed the account's quota of 20 routes per Voice Connector"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("quota %d, %d routes", tt.quota, tt.routes), func(t *testing.T) {
			s, url := start(t, sim.Config{RouteQuota: tt.quota})
			id := mustCreate(t, s, "quota", "us-east-1").ID
			_, err := client(url, "us-east-1").PutVoiceConnectorOrigination(t.Context(), &chimesdkvoice.PutVoiceConnectorOriginationInput{
				VoiceConnectorId: aws.String(id), Origination: &types.Origination{Routes: routes(tt.routes)}})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
				return
			}
			e, ok := as[*types.BadRequestException](err)
			if !ok || aws.ToString(e.Message) != tt.wantErr {
				t.Errorf("got %v, want BadRequestException %q", err, tt.wantErr)
			}
		})
	}
	for _, q := range []int{-1, 21} {
		if _, err := sim.New(sim.Config{RouteQuota: q}); err == nil {
			t.Errorf("RouteQuota %d: got no error, want one", q)
		}
	}
}

// TestSDKUnconfigured: Get and Delete of an origination that is not set,
// with each Config.Unconfigured.
func TestSDKUnconfigured(t *testing.T) {
	for _, mode := range []sim.Unconfigured{"", sim.UnconfiguredEmpty, sim.UnconfiguredNotFound} {
		t.Run(string(mode), func(t *testing.T) {
			s, url := start(t, sim.Config{Unconfigured: mode})
			id := aws.String(mustCreate(t, s, "bare", "us-east-1").ID)
			c := client(url, "us-east-1")
			got, err := c.GetVoiceConnectorOrigination(t.Context(), &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: id})
			_, delErr := c.DeleteVoiceConnectorOrigination(t.Context(), &chimesdkvoice.DeleteVoiceConnectorOriginationInput{VoiceConnectorId: id})
			if mode != sim.UnconfiguredNotFound {
				if err != nil || got.Origination != nil || delErr != nil {
					t.Fatalf("got %+v, %v and delete %v; want nil origination, no errors", got, err, delErr)
				}
				return
			}
			want := "voice connector " + *id + " has no origination settings"
			for _, err := range []error{err, delErr} {
				if e, ok := as[*types.NotFoundException](err); !ok || aws.ToString(e.Message) != want {
					t.Errorf("got %v, want NotFoundException %q", err, want)
				}
			}
			// Once set, both work; a second delete is 404 again.
			if err := s.SetOrigination(*id, &origination.Origination{Disabled: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetVoiceConnectorOrigination(t.Context(), &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: id}); err != nil {
				t.Errorf("Get when set: %v", err)
			}
			if _, err := c.DeleteVoiceConnectorOrigination(t.Context(), &chimesdkvoice.DeleteVoiceConnectorOriginationInput{VoiceConnectorId: id}); err != nil {
				t.Errorf("Delete when set: %v", err)
			}
			_, err = c.DeleteVoiceConnectorOrigination(t.Context(), &chimesdkvoice.DeleteVoiceConnectorOriginationInput{VoiceConnectorId: id})
			if name, _ := exception(err); name != "NotFoundException" {
				t.Errorf("second Delete: got %v, want NotFoundException", err)
			}
		})
	}
	if _, err := sim.New(sim.Config{Unconfigured: "missing"}); err == nil {
		t.Error(`Unconfigured "missing": got no error, want one`)
	}
}
