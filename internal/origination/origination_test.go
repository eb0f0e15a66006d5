package origination

import "testing"

func TestEqual(t *testing.T) {
	r1 := Route{Host: "198.51.100.10", Port: 5060, Protocol: UDP, Priority: 1, Weight: 50}
	r2 := Route{Host: "sbc2.example.com", Protocol: TCP, Priority: 2, Weight: 50}
	r2p := r2
	r2p.Port = 5060
	heavier := r1
	heavier.Weight = 60
	tests := []struct {
		name string
		a, b *Origination
		want bool
	}{
		{"both none", nil, nil, true},
		{"none vs empty", nil, &Origination{}, false},
		{"order does not matter", &Origination{Routes: []Route{r1, r2}}, &Origination{Routes: []Route{r2, r1}}, true},
		{"omitted port is 5060", &Origination{Routes: []Route{r2}}, &Origination{Routes: []Route{r2p}}, true},
		{"weight matters", &Origination{Routes: []Route{r1}}, &Origination{Routes: []Route{heavier}}, false},
		{"disabled matters", &Origination{Routes: []Route{r1}}, &Origination{Routes: []Route{r1}, Disabled: true}, false},
		{"duplicate count matters", &Origination{Routes: []Route{r1, r1}}, &Origination{Routes: []Route{r1}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Equal(tt.a, tt.b); got != tt.want {
				t.Errorf("Equal = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEqualDoesNotMutate(t *testing.T) {
	a := &Origination{Routes: []Route{{Host: "b", Priority: 2}, {Host: "a", Priority: 1}}}
	Equal(a, a)
	if a.Routes[0].Host != "b" || a.Routes[0].Port != 0 {
		t.Errorf("Equal changed its argument: %+v", a.Routes)
	}
}

func TestKeyString(t *testing.T) {
	got := Route{Host: "sbc1.example.com", Port: 5061, Protocol: TCP}.Key().String()
	if want := "sbc1.example.com:5061/TCP"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		o    *Origination
		want string
	}{
		{nil, "none"},
		{&Origination{Disabled: true}, "disabled: no routes"},
		{&Origination{Routes: []Route{{Host: "b.example.com", Protocol: UDP, Priority: 2, Weight: 5}, {Host: "a.example.com", Port: 5061, Protocol: TCP, Priority: 1, Weight: 10}}},
			"a.example.com:5061/TCP p1 w10, b.example.com:5060/UDP p2 w5"},
	}
	for _, tt := range tests {
		if got := tt.o.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
