package markdown

import "testing"

func TestMarkdownEscaping(t *testing.T) {
	tests := []struct {
		name, in                     string
		wantCode, wantCell, wantText string
	}{
		{"plain", "sbc-east", "`sbc-east`", "`sbc-east`", "sbc-east"},
		{"empty", "", "", "", ""},
		{"pipe", "a|b", "`a|b`", "`a\\|b`", `a\|b`},
		{"backtick", "a`b", "``a`b``", "``a`b``", "a\\`b"},
		{"backtick run", "a```b", "````a```b````", "````a```b````", "a\\`\\`\\`b"},
		{"backtick at the end", "ab`", "`` ab` ``", "`` ab` ``", "ab\\`"},
		{"emphasis and html", "*x*_y_<b>&", "`*x*_y_<b>&`", "`*x*_y_<b>&`", `\*x\*\_y\_\<b\>\&`},
		{"line break", "a\nb", "`\"a\\nb\"`", "`\"a\\nb\"`", "a b"},
		{"mention, issue, link, strike, math", "@ops #1 [a](b) ~c~ $d$", "`@ops #1 [a](b) ~c~ $d$`", "`@ops #1 [a](b) ~c~ $d$`",
			`\@ops \#1 \[a\](b) \~c\~ \$d\$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Code(tt.in); got != tt.wantCode {
				t.Errorf("Code: got %q, want %q", got, tt.wantCode)
			}
			if got := Cell(tt.in); got != tt.wantCell {
				t.Errorf("Cell: got %q, want %q", got, tt.wantCell)
			}
			if got := Text(tt.in); got != tt.wantText {
				t.Errorf("Text: got %q, want %q", got, tt.wantText)
			}
		})
	}
}
