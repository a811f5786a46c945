package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	artifacts = flag.String("report.artifacts", "",
		"directory for the browser test's pages and screenshots (default: clv-report-artifacts in the temporary directory)")
	updateScreenshot = flag.Bool("update-screenshot", false, "write docs/report.png, the README's screenshot of a report, again")
)

// chromium is where Debian's chromium package puts the browser.
const chromium = "/usr/bin/chromium"

// artifactDir returns the directory for the pages and screenshots of the
// browser test, made if need be.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := *artifacts
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "clv-report-artifacts")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// browser starts headless Chromium, with no network and a profile of its
// own, and returns a context of a tab in it. Without Chromium the test
// skips, unless the environment variable CI is set: there it fails, so
// that CI cannot pass without having looked.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %s is missing: install Debian's chromium package (.ci/run does) for the browser test: %v", chromium, err)
		}
		t.Skipf("%s is missing: install Debian's chromium package to open the reports in a browser (apt-get install chromium)", chromium)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 2*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tab, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	})
	return tab
}

// inspectJS measures a page as a reader would see it, and returns what
// is wrong with it: pairs of texts that overlap, elements whose right
// edge lies beyond the page's width, and charts drawn with no size or no
// marks. A text is each text node, measured line by line, or, inside a
// chart, its SVG <text> element; two boxes overlap if they share more
// than a pixel each way.
//
//go:embed testdata/inspect.js
var inspectJS string

// An inspection is what inspectJS found.
type inspection struct {
	Texts    int      `json:"texts"`
	Charts   int      `json:"charts"`
	Overlaps []string `json:"overlaps"`
	Wide     []string `json:"wide"`
	Blank    []string `json:"blank"`
}

// openPage opens the file at path in the tab at a width of width pixels,
// as printed if print, and returns what inspectJS finds there and the
// console errors and uncaught exceptions of the page.
func openPage(t *testing.T, tab context.Context, path string, width int64, print bool) (inspection, []string) {
	t.Helper()
	var mu sync.Mutex
	var errs []string
	require.NoError(t, chromedp.Listen(tab, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				errs = append(errs, "console.error: "+strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			errs = append(errs, "exception: "+ev.ExceptionDetails.Text)
		}
	}))
	abs, err := filepath.Abs(path)
	require.NoError(t, err)
	u := url.URL{Scheme: "file", Path: abs}
	media := emulation.SetEmulatedMediaParams{}
	if print {
		media.Media = "print"
	}
	require.NoError(t, chromedp.Do(tab, chromedp.EmulateViewport(width, 900), chromedp.Func(func(ctx context.Context, tt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tt, emulation.SetEmulatedMedia, media)
		return err
	}), chromedp.Navigate(u.String())))
	got, err := chromedp.Run(tab, chromedp.Evaluate[inspection](inspectJS))
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	return got, append([]string(nil), errs...)
}

// call is the action of calling one command of the protocol on the tab.
func call[P, R any](cmd cdp.Command[P, R], params P) chromedp.Action[R] {
	return func(ctx context.Context, t *chromedp.Target) (R, error) {
		return cdp.Call(ctx, t, cmd, params)
	}
}

// printPDF prints the page in the tab to a PDF at path, on the paper its
// CSS asks for, A4, with its colours.
func printPDF(t *testing.T, tab context.Context, path string) {
	t.Helper()
	yes := true
	res, err := chromedp.Run(tab, call(page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes}))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, res.Data, 0o644))
}

// screenshot saves the whole page in the tab as a PNG to path.
func screenshot(t *testing.T, tab context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, png, 0o644))
}

// A report opened in Chromium, at a screen's width and at the width of
// A4 paper's printed area, shows no console error, no blank chart, no
// element wider than the page and no text over another; a screenshot of
// each is kept, for a person to look at. The CDNOW sample's report is
// among them where ../shared/data holds it.
func TestReportInBrowser(t *testing.T) {
	tab := browser(t)
	dir := artifactDir(t)
	t.Logf("the pages and screenshots: %s (-report.artifacts to choose another)", dir)
	cases := []struct {
		name string
		args func(*testing.T) []string
	}{
		{"orders-customers", func(*testing.T) []string {
			return []string{"customers", "-input", "../../testdata/orders.csv", "-calibration-end", "2025-06-30", "-holdout-end", "2025-12-31", "-model", "all"}
		}},
		{"orders-covariates", func(*testing.T) []string {
			return []string{"customers", "-input", "../../testdata/orders.csv", "-calibration-end", "2025-06-30", "-holdout-end", "2025-12-31", "-model", "pnbd", "-covariates", "segment"}
		}},
		{"orders-log", func(*testing.T) []string {
			return []string{"-input", "../../testdata/orders.csv", "-window", "month", "-margin", "0.4"}
		}},
		{"donations-bgbb", func(*testing.T) []string {
			return []string{"customers", "-input", "../../testdata/donations.csv", "-calibration-end", "2024-12-31", "-holdout-end", "2025-12-31", "-model", "bgbb", "-unit", "year", "-horizon", "5", "-discount", "0.1"}
		}},
		// Warnings, and no spend model.
		{"flat-warnings", func(t *testing.T) []string {
			return []string{"customers", "-input", writeFlatLog(t), "-calibration-end", "2025-06-30", "-holdout-end", "2026-03-31", "-top", "3"}
		}},
		// The most valuable customer's id of 200 bytes, and a log whose
		// path runs on without a break: they wrap, not widen the page.
		{"long-names", func(t *testing.T) []string {
			data, err := os.ReadFile("../../testdata/orders.csv")
			require.NoError(t, err)
			dir := filepath.Join(t.TempDir(), strings.Repeat("a_long_directory_name_", 10))
			require.NoError(t, os.Mkdir(dir, 0o755))
			path := filepath.Join(dir, "orders.csv")
			long := strings.ReplaceAll(string(data), "cus_195,", strings.Repeat("customer", 25)+",")
			require.NoError(t, os.WriteFile(path, []byte(long), 0o644))
			return []string{"customers", "-input", path, "-calibration-end", "2025-06-30", "-holdout-end", "2025-12-31", "-top", "3"}
		}},
		{"cdnow-customers", func(t *testing.T) []string {
			return []string{"customers", "-input", cdnowSampleLog(t), "-calibration-end", "1997-09-30", "-holdout-end", "1998-06-30", "-model", "all"}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".html")
			code, _, stderr := runArgs(append(c.args(t), "-report", path)...)
			require.Equal(t, 0, code, stderr)
			// A screen, and A4's 210 mm less margins of 14 mm, at 96 dots
			// an inch, as printed: there the page prints to a PDF too.
			for _, width := range []int64{1024, 687} {
				print := width < 1024
				got, errs := openPage(t, tab, path, width, print)
				shot := filepath.Join(dir, fmt.Sprintf("%s-%d.png", c.name, width))
				screenshot(t, tab, shot)
				if print {
					printPDF(t, tab, filepath.Join(dir, c.name+".pdf"))
				}
				t.Logf("%s at %d pixels: %d texts, %d charts: %s", c.name, width, got.Texts, got.Charts, shot)
				assert.Empty(t, errs, "console errors")
				assert.Empty(t, got.Overlaps, "texts over texts")
				assert.Empty(t, got.Wide, "elements wider than the page")
				assert.Empty(t, got.Blank, "blank charts")
				assert.Greater(t, got.Texts, 200, "texts measured")
				assert.GreaterOrEqual(t, got.Charts, 1, "charts")
			}
		})
	}
}

// The checks of inspectJS see what they look for: text over text, an
// element beyond the page, a chart with nothing drawn, and console
// errors.
func TestReportInspection(t *testing.T) {
	tab := browser(t)
	path := filepath.Join(t.TempDir(), "bad.html")
	require.NoError(t, os.WriteFile(path, []byte(`<!DOCTYPE html><html><body>
<p style="position:absolute;top:10px;left:10px">first text</p>
<p style="position:absolute;top:12px;left:20px">second text</p>
<div style="width:3000px">wide</div>
<svg width="100" height="50"></svg>
<svg width="100" height="50"><text x="10" y="20">a</text><text x="12" y="22">b</text></svg>
<script>console.error("broken"); undefinedFunction();</script>
</body></html>`), 0o644))
	got, errs := openPage(t, tab, path, 800, false)
	assert.Contains(t, strings.Join(got.Overlaps, "\n"), "first text | second text")
	assert.Contains(t, strings.Join(got.Overlaps, "\n"), "a | b")
	assert.Contains(t, strings.Join(got.Wide, "\n"), "DIV")
	assert.Len(t, got.Blank, 2)
	assert.Len(t, errs, 2, "%q", errs)
}

// TestReportScreenshot writes the README's screenshot with
// -update-screenshot: the charts of the sample log's report, at a
// screen's width, scaled to three quarters.
func TestReportScreenshot(t *testing.T) {
	if !*updateScreenshot {
		t.Skip("run with -update-screenshot to write docs/report.png again")
	}
	tab := browser(t)
	path := filepath.Join(t.TempDir(), "report.html")
	code, _, stderr := runArgs("customers", "-input", "../../testdata/orders.csv", "-calibration-end", "2025-06-30", "-holdout-end", "2025-12-31", "-report", path)
	require.Equal(t, 0, code, stderr)
	_, errs := openPage(t, tab, path, 1024, false)
	require.Empty(t, errs)
	type box struct{ X, Y, Width, Height float64 }
	b, err := chromedp.Run(tab, chromedp.Evaluate[box](`(() => {
		const top = document.getElementById("fit").getBoundingClientRect();
		const end = document.getElementById("fit-charts").getBoundingClientRect();
		return {X: 0, Y: top.top + window.scrollY - 8, Width: document.documentElement.clientWidth, Height: end.bottom - top.top + 16};
	})()`))
	require.NoError(t, err)
	beyond := true // the charts lie below the window's first screen
	shot, err := chromedp.Run(tab, call(page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		Clip:                  &page.Viewport{X: b.X, Y: b.Y, Width: b.Width, Height: b.Height, Scale: 0.75},
		CaptureBeyondViewport: &beyond,
		FromSurface:           &beyond,
	}))
	png := shot.Data
	require.NoError(t, err)
	// A blank picture compresses to a few kilobytes.
	require.Greater(t, len(png), 30<<10, "the README's screenshot shows the charts")
	require.Less(t, len(png), 300<<10, "the README's screenshot is small")
	require.NoError(t, os.WriteFile(filepath.Join("..", "..", "docs", "report.png"), png, 0o644))
}
