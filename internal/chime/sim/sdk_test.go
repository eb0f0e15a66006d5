package sim_test

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/sipops/reconciler/internal/chime/sim"
)

func TestSDKConnectorLifecycle(t *testing.T) {
	s, url := start(t, sim.Config{AccountID: "111122223333"})
	c := client(url, "eu-west-2")
	ctx := t.Context()

	created, err := c.CreateVoiceConnector(ctx, &chimesdkvoice.CreateVoiceConnectorInput{
		Name: aws.String("sbc east"), RequireEncryption: aws.Bool(true)})
	if err != nil {
		t.Fatalf("CreateVoiceConnector: %v", err)
	}
	vc := created.VoiceConnector
	id := aws.ToString(vc.VoiceConnectorId)
	if got, want := string(vc.AwsRegion), "eu-west-2"; got != want {
		t.Errorf("AwsRegion: got %q, want %q (the signing region)", got, want)
	}
	if got, want := aws.ToString(vc.VoiceConnectorArn), "arn:aws:chime:eu-west-2:111122223333:vc/"+id; got != want {
		t.Errorf("ARN: got %q, want %q", got, want)
	}
	if got, want := aws.ToString(vc.OutboundHostName), id+".voiceconnector.chime.aws"; got != want {
		t.Errorf("OutboundHostName: got %q, want %q", got, want)
	}
	if vc.CreatedTimestamp == nil || time.Since(*vc.CreatedTimestamp) > time.Minute {
		t.Errorf("CreatedTimestamp: got %v, want about now", vc.CreatedTimestamp)
	}

	got, err := c.GetVoiceConnector(ctx, &chimesdkvoice.GetVoiceConnectorInput{VoiceConnectorId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetVoiceConnector: %v", err)
	}
	if aws.ToString(got.VoiceConnector.Name) != "sbc east" || !aws.ToBool(got.VoiceConnector.RequireEncryption) {
		t.Errorf("GetVoiceConnector: got %+v, want name %q, encryption on", got.VoiceConnector, "sbc east")
	}
	list, err := c.ListVoiceConnectors(ctx, &chimesdkvoice.ListVoiceConnectorsInput{})
	if err != nil || len(list.VoiceConnectors) != 1 || list.NextToken != nil {
		t.Fatalf("ListVoiceConnectors: got %d connectors, token %v, err %v; want 1, nil, nil", len(list.VoiceConnectors), list.NextToken, err)
	}
	if _, err := c.DeleteVoiceConnector(ctx, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: aws.String(id)}); err != nil {
		t.Fatalf("DeleteVoiceConnector: %v", err)
	}
	_, err = c.GetVoiceConnector(ctx, &chimesdkvoice.GetVoiceConnectorInput{VoiceConnectorId: aws.String(id)})
	if name, _ := exception(err); name != "NotFoundException" {
		t.Errorf("GetVoiceConnector after delete: got %v, want NotFoundException", err)
	}
	if n := len(s.Connectors("")); n != 0 {
		t.Errorf("Connectors after delete: got %d, want 0", n)
	}
}

func TestSDKListAvailableRegions(t *testing.T) {
	_, url := start(t, sim.Config{})
	out, err := client(url, "us-east-1").ListAvailableVoiceConnectorRegions(t.Context(), &chimesdkvoice.ListAvailableVoiceConnectorRegionsInput{})
	if err != nil {
		t.Fatalf("ListAvailableVoiceConnectorRegions: %v", err)
	}
	var got []string
	for _, r := range out.VoiceConnectorRegions {
		got = append(got, string(r))
	}
	if want := sim.Regions(); !slices.Equal(got, want) {
		t.Errorf("regions: got %v, want %v", got, want)
	}
}

func TestSDKOrigination(t *testing.T) {
	s, url := start(t, sim.Config{})
	id := mustCreate(t, s, "vc", "us-east-1").ID
	c := client(url, "us-east-1")
	ctx := t.Context()
	get := func() *types.Origination {
		t.Helper()
		out, err := c.GetVoiceConnectorOrigination(ctx, &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id)})
		if err != nil {
			t.Fatalf("GetVoiceConnectorOrigination: %v", err)
		}
		return out.Origination
	}
	put := func(o *types.Origination) *types.Origination {
		t.Helper()
		out, err := c.PutVoiceConnectorOrigination(ctx, &chimesdkvoice.PutVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id), Origination: o})
		if err != nil {
			t.Fatalf("PutVoiceConnectorOrigination: %v", err)
		}
		return out.Origination
	}

	if o := get(); o != nil {
		t.Fatalf("Get of unset origination: got %+v, want nil", o)
	}
	echo := put(&types.Origination{Routes: []types.OriginationRoute{
		route("10.0.0.1", 5061, 1, 50, types.OriginationRouteProtocolUdp),
		{Host: aws.String("sbc.example.com"), Protocol: types.OriginationRouteProtocolTcp, Priority: aws.Int32(2), Weight: aws.Int32(10)},
	}})
	if got, want := len(echo.Routes), 2; got != want {
		t.Fatalf("Put echo: got %d routes, want %d", got, want)
	}
	if got, want := aws.ToInt32(echo.Routes[1].Port), int32(5060); got != want {
		t.Errorf("Put echo default port: got %d, want %d", got, want)
	}
	if got := get(); len(got.Routes) != 2 || aws.ToBool(got.Disabled) {
		t.Errorf("Get after Put: got %+v, want the 2 routes, enabled", got)
	}

	// Put replaces the whole origination: one route, disabled.
	put(&types.Origination{Disabled: aws.Bool(true), Routes: []types.OriginationRoute{route("10.0.0.9", 5060, 3, 3, types.OriginationRouteProtocolTcp)}})
	got := get()
	if len(got.Routes) != 1 || aws.ToString(got.Routes[0].Host) != "10.0.0.9" || !aws.ToBool(got.Disabled) {
		t.Errorf("Get after second Put: got %+v, want only 10.0.0.9, disabled", got)
	}
	m, err := s.Origination(id)
	if err != nil || len(m.Routes) != 1 || m.Routes[0].Priority != 3 || !m.Disabled {
		t.Errorf("direct Origination: got %+v, %v; want one route of priority 3, disabled", m, err)
	}

	for i := range 2 { // the second delete finds nothing and still succeeds
		if _, err := c.DeleteVoiceConnectorOrigination(ctx, &chimesdkvoice.DeleteVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(id)}); err != nil {
			t.Fatalf("DeleteVoiceConnectorOrigination #%d: %v", i+1, err)
		}
		if o := get(); o != nil {
			t.Errorf("Get after delete #%d: got %+v, want nil", i+1, o)
		}
	}
}

func TestSDKRegionIsolation(t *testing.T) {
	s, url := start(t, sim.Config{})
	east := mustCreate(t, s, "east", "us-east-1")
	mustCreate(t, s, "london", "eu-west-2")
	west := client(url, "eu-west-2")
	ctx := t.Context()

	list, err := west.ListVoiceConnectors(ctx, &chimesdkvoice.ListVoiceConnectorsInput{})
	if err != nil {
		t.Fatalf("ListVoiceConnectors: %v", err)
	}
	if len(list.VoiceConnectors) != 1 || aws.ToString(list.VoiceConnectors[0].Name) != "london" {
		t.Errorf("eu-west-2 listing: got %d connectors, want only london", len(list.VoiceConnectors))
	}
	_, err = west.GetVoiceConnectorOrigination(ctx, &chimesdkvoice.GetVoiceConnectorOriginationInput{VoiceConnectorId: aws.String(east.ID)})
	if name, code := exception(err); name != "NotFoundException" || code != "NotFound" {
		t.Errorf("cross-region Get: got %s/%s (%v), want NotFoundException/NotFound", name, code, err)
	}
	created, err := west.CreateVoiceConnector(ctx, &chimesdkvoice.CreateVoiceConnectorInput{
		Name: aws.String("explicit"), RequireEncryption: aws.Bool(false), AwsRegion: types.VoiceConnectorAwsRegionUsWest2})
	if err != nil {
		t.Fatalf("CreateVoiceConnector: %v", err)
	}
	if got, want := string(created.VoiceConnector.AwsRegion), "us-west-2"; got != want {
		t.Errorf("AwsRegion member: got %q, want %q", got, want)
	}
	if got := len(s.Connectors("us-west-2")); got != 1 {
		t.Errorf("us-west-2 connectors: got %d, want 1", got)
	}
}

// TestSDKConnectorMembers: every member of the VoiceConnector shape comes
// back from Create, Get and List, IntegrationType and NetworkType included.
func TestSDKConnectorMembers(t *testing.T) {
	_, url := start(t, sim.Config{})
	c := client(url, "us-west-2")
	ctx := t.Context()
	tests := []struct {
		name        string
		integration types.VoiceConnectorIntegrationType
		network     types.NetworkType
		wantNetwork types.NetworkType
	}{
		{"defaults", "", "", types.NetworkTypeIpv4Only},
		{"dual stack analytics", types.VoiceConnectorIntegrationTypeConnectAnalyticsConnector, types.NetworkTypeDualStack, types.NetworkTypeDualStack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.CreateVoiceConnector(ctx, &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String(tt.name), RequireEncryption: aws.Bool(true),
				IntegrationType: tt.integration, NetworkType: tt.network})
			if err != nil {
				t.Fatalf("CreateVoiceConnector: %v", err)
			}
			id := out.VoiceConnector.VoiceConnectorId
			got, err := c.GetVoiceConnector(ctx, &chimesdkvoice.GetVoiceConnectorInput{VoiceConnectorId: id})
			if err != nil {
				t.Fatalf("GetVoiceConnector: %v", err)
			}
			list, err := c.ListVoiceConnectors(ctx, &chimesdkvoice.ListVoiceConnectorsInput{})
			if err != nil {
				t.Fatalf("ListVoiceConnectors: %v", err)
			}
			listed := slices.IndexFunc(list.VoiceConnectors, func(vc types.VoiceConnector) bool { return aws.ToString(vc.VoiceConnectorId) == aws.ToString(id) })
			if listed < 0 {
				t.Fatalf("ListVoiceConnectors: %s not listed", aws.ToString(id))
			}
			for name, vc := range map[string]*types.VoiceConnector{"Create": out.VoiceConnector, "Get": got.VoiceConnector, "List": &list.VoiceConnectors[listed]} {
				if vc.IntegrationType != tt.integration || vc.NetworkType != tt.wantNetwork || vc.AwsRegion != types.VoiceConnectorAwsRegionUsWest2 ||
					vc.UpdatedTimestamp == nil || vc.OutboundHostName == nil || vc.VoiceConnectorArn == nil || !aws.ToBool(vc.RequireEncryption) {
					t.Errorf("%s: got %+v, want IntegrationType %q, NetworkType %q and every other member", name, vc, tt.integration, tt.wantNetwork)
				}
			}
		})
	}
}
