package testtools

import (
	"os"
	"os/exec"
	"path/filepath"

	"github.com/chromedp/chromedp"
)

// Chromium returns the path of Debian's chromium (chromium-browser
// elsewhere), skipping or failing t without it as the package says.
func Chromium(t TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	missing(t, "chromium is not installed")
	return ""
}

// Headless is how the specs start Chromium: headless, without a sandbox
// (they run as root), the GPU, QUIC, first-run pages and the browser's own
// network traffic, in a window of width × height. Its profile and every
// temporary file (the singleton socket it would otherwise leave behind in
// /tmp) go to a fresh directory under the system's temporary directory,
// removed when t ends; a short one, since the socket's path must fit a
// Unix socket address (108 bytes), which a test's TempDir can outgrow.
func Headless(t interface {
	TB
	Cleanup(func())
}, exe string, width, height int) []chromedp.ExecAllocatorOption {
	t.Helper()
	dir, err := os.MkdirTemp("", "chromium-")
	if err != nil {
		t.Fatalf("a directory for chromium: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.Env("TMPDIR=" + dir),
		chromedp.WindowSize(width, height),
	}
}
