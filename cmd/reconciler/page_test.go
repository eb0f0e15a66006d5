package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sipops/reconciler/internal/gittest"
	"github.com/sipops/reconciler/internal/statusview/pagetest"
)

// pageSpec names the simulator's two connectors, splitting the first one's
// calls 60/40 within priority 1, and a connector that does not exist.
const pageSpec = `package specs

voiceConnectors: {
	"pbx-nyc": {name: "vc-0000", origination: routes: [
		{host: "sbc1.nyc.example.com", protocol: "UDP", priority: 1, weight: 60},
		{host: "sbc2.nyc.example.com", protocol: "UDP", priority: 1, weight: 40},
		{host: "sbc1.sfo.example.com", protocol: "TCP", port: 5061, priority: 2, weight: 100},
	]}
	"pbx-sfo": {name: "vc-0001", origination: routes: [{host: "sbc1.sfo.example.com", protocol: "TCP", port: 5061, priority: 1, weight: 100}]}
	"pbx-old": {name: "nope", origination: routes: [{host: "sbc9.example.com", protocol: "UDP", priority: 1, weight: 100}]}
}
`

// screenshotPath is where UPDATE_SCREENSHOT=1 puts the screenshot, for the
// README: examples/ of the module, from the test's directory.
const screenshotPath = "../../examples/status-page.png"

// TestStatusPageInChromium: the status page of a running daemon as headless
// Chromium renders it. Each connector has a row; the one naming no existing
// connector is failed and says why; the others are in sync and show their
// routes with each one's share of calls. A screenshot shows the page lays
// out at a laptop's window size.
func TestStatusPageInChromium(t *testing.T) {
	bin := chromiumPath(t)
	w := newWorld(t, 2)
	dir := t.TempDir()
	gittest.WriteFile(t, dir+"/fleet.cue", pageSpec)
	p := startRun(t, w, "--source", dir)
	eventually(t, 15*time.Second, "first pass done: 2 in sync, 1 failed", func() bool {
		c := p.status(t).Counts
		return c["in_sync"] == 2 && c["failed"] == 1
	})
	url := "http://" + p.addr + "/"

	start := time.Now()
	dom := pagetest.Parse(t, chromium(t, bin, "--dump-dom", url))
	t.Logf("chromium --dump-dom: %v", time.Since(start))
	checkRows(t, dom)

	start = time.Now()
	shot := filepath.Join(t.TempDir(), "page.png")
	chromium(t, bin, "--screenshot="+shot, "--window-size=1280,900", url)
	t.Logf("chromium --screenshot: %v", time.Since(start))
	checkScreenshot(t, shot, 1280, 900)
	if os.Getenv("UPDATE_SCREENSHOT") == "1" {
		b, _ := os.ReadFile(shot)
		if err := os.WriteFile(screenshotPath, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func checkRows(t *testing.T, dom *pagetest.Node) {
	t.Helper()
	var keys []string
	for _, row := range dom.All("tr.connector") {
		keys = append(keys, row.Attr["data-key"])
	}
	if want := []string{"pbx-old", "pbx-nyc", "pbx-sfo"}; !slices.Equal(keys, want) {
		t.Errorf("rows: got %v, want %v (the failed one first)", keys, want)
	}
	for _, tc := range []struct {
		key, state string
		shows      []string
	}{
		{"pbx-nyc", "in_sync", []string{"vc-0000", "sbc1.nyc.example.com 5060 UDP 1 60 60%", "sbc2.nyc.example.com 5060 UDP 1 40 40%", "sbc1.sfo.example.com 5061 TCP 2 100 100%"}},
		{"pbx-sfo", "in_sync", []string{"vc-0001", "sbc1.sfo.example.com 5061 TCP 1 100 100%"}},
		{"pbx-old", "failed", []string{`no voice connector is named "nope" in us-east-1`}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			rows := dom.With("tr.connector", "data-key", tc.key)
			if len(rows) != 1 {
				t.Fatalf("got %d rows with data-key=%q, want 1", len(rows), tc.key)
			}
			if got := rows[0].Attr["data-state"]; got != tc.state {
				t.Errorf("data-state: got %q, want %q", got, tc.state)
			}
			text := rows[0].Content()
			for _, s := range tc.shows {
				if !strings.Contains(text, s) {
					t.Errorf("row shows %q, want it to contain %q", text, s)
				}
			}
		})
	}
}

// checkScreenshot decodes the PNG and checks it has the window's size and
// is not blank: a page that failed to load renders as one flat colour.
func checkScreenshot(t *testing.T, path string, width, height int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if got, want := img.Bounds().Size(), image.Pt(width, height); got != want {
		t.Errorf("screenshot size: got %v, want %v", got, want)
	}
	colours := map[color.RGBA]bool{}
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y += 3 {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 3 {
			colours[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)] = true
		}
	}
	if len(colours) < 8 || len(b) < 20_000 {
		t.Errorf("screenshot: got %d colours in %d bytes, want a rendered page (≥ 8, ≥ 20 kB)", len(colours), len(b))
	}
	t.Logf("screenshot: %v, %d bytes, %d colours", img.Bounds().Size(), len(b), len(colours))
}

// chromiumFlags run Chromium headless as root on a machine with no GPU and
// no internet: without the background-networking ones it tries to reach
// Google at start and logs refused connections.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync"}

// chromiumPath fails the test without Chromium rather than skip it: the
// test suite installs it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium not found: run scripts/install-test-deps.sh")
	}
	return bin
}

// chromium runs headless Chromium with a fresh profile and returns its
// standard output.
func chromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	args = slices.Concat(chromiumFlags, []string{"--user-data-dir=" + t.TempDir()}, args)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return stdout.Bytes()
}
