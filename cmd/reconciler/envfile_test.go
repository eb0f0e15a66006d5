package main

import (
	"maps"
	"testing"
)

func TestParseEnv(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]string
		wantErr  bool
	}{
		{"plain", "A=1\nB = two words \n", map[string]string{"A": "1", "B": "two words"}, false},
		{"comments and blanks", "# c\n; c\n\nA=1\n", map[string]string{"A": "1"}, false},
		{"quotes", "A=\"x y\"\nB='z'\nC=\"unbalanced\n", map[string]string{"A": "x y", "B": "z", "C": "\"unbalanced"}, false},
		{"export and no expansion", "export A=$HOME/x\n", map[string]string{"A": "$HOME/x"}, false},
		{"empty value", "A=\n", map[string]string{"A": ""}, false},
		{"no equals", "A\n", nil, true},
		{"space in key", "A B=1\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseEnv([]byte(tt.in), "f")
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && !maps.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
