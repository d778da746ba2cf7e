package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/bangsa/registry/registry"
)

// chromiumPath is Debian's chromium package; CI (.ci/run) installs it when missing.
const chromiumPath = "/usr/bin/chromium"

// browser drives one headless Chromium tab for a test.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu   sync.Mutex
	errs []string // uncaught exceptions, console errors and CSP violations
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("no headless browser at %s: install Debian's chromium package (apt-get install chromium) to run the console's browser tests", chromiumPath)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		// No internet here: without these Chromium keeps dialling Google services.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1366, 768),
		// A fresh user-data-dir: the allocator makes a temporary one and removes it.
	)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx}
	// The first action starts the browser; it must not run under a timeout (see chromedp.Run).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			// Failed fetches (e.g. a 404 favicon) are the network's business; what must never
			// happen is a script error or a Content-Security-Policy violation.
			if m.IsException() || m.Source == "security" || (m.Type == chromedp.ConsoleError && m.Source != "network") {
				b.mu.Lock()
				b.errs = append(b.errs, m.String())
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// do runs browser actions with a deadline, failing the test with what was being done.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func evalJS[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor waits until the JavaScript expression is true. (chromedp.Poll builds its predicate
// with new Function, which the console's Content-Security-Policy rightly forbids.)
func (b *browser) waitFor(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			problem := evalJSQuiet(b, `document.querySelector("#problem").innerText`)
			b.t.Fatalf("waiting for %s (%s): err %v; problem shown: %q", what, expr, err, problem)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func evalJSQuiet(b *browser, expr string) string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	return s
}

func (b *browser) key(k string) {
	b.t.Helper()
	b.do("press "+k, chromedp.KeyEvent(k))
}

func (b *browser) jsErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errs...)
}

// screenshot saves what a steward sees on a 1366x768 laptop screen (or the whole page) to
// docs/img when REGISTRY_SCREENSHOTS=1, else to a temporary directory.
func (b *browser) screenshot(dir, name string, full bool) []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	var shot chromedp.Action[[]byte] = chromedp.CaptureScreenshot()
	if full {
		shot = chromedp.FullScreenshot(100)
	}
	buf, err := chromedp.Run(ctx, shot)
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return buf
}

func (b *browser) elementShot(sel string) image.Image {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("screenshot of %s: %v", sel, err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		b.t.Fatalf("decode screenshot of %s: %v", sel, err)
	}
	return img
}

// countColor counts the pixels within a small distance of an sRGB colour.
func countColor(img image.Image, rgb uint32) int {
	want := [3]int{int(rgb >> 16 & 0xff), int(rgb >> 8 & 0xff), int(rgb & 0xff)}
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			got := [3]int{int(r >> 8), int(g >> 8), int(bl >> 8)}
			close := true
			for i := range got {
				if d := got[i] - want[i]; d > 8 || d < -8 {
					close = false
				}
			}
			if close {
				n++
			}
		}
	}
	return n
}

// a11yJS lists accessibility faults on the current page: form controls without a label,
// positive tabindex (which breaks the focus order), and visible text below the WCAG AA
// contrast ratio against its effective background.
const a11yJS = `(() => {
  const out = [];
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!(el.labels && el.labels.length) && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) out.push("unlabelled " + (el.id || el.name || el.outerHTML.slice(0, 60)));
  }
  for (const el of document.querySelectorAll("[tabindex]")) if (el.tabIndex > 0) out.push("positive tabindex on " + el.tagName);
  const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bgOf = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3); } return [255, 255, 255]; };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (!el.checkVisibility || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    if (el.closest("button:disabled, .sr-only, dialog:not([open])")) continue;
    const cs = getComputedStyle(el);
    const fg = lum(rgb(cs.color)), bg = lum(bgOf(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const large = parseFloat(cs.fontSize) >= 24 || (parseFloat(cs.fontSize) >= 18.66 && Number(cs.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) out.push("contrast " + ratio.toFixed(2) + " for " + el.tagName + "." + el.className + ": " + n.textContent.trim().slice(0, 30));
  }
  return out;
})()`

func (b *browser) checkA11y(view string) {
	b.t.Helper()
	if faults := evalJS[[]string](b, a11yJS); len(faults) > 0 {
		b.t.Errorf("%s: accessibility faults:\n  %s", view, strings.Join(faults, "\n  "))
	}
}

// TestConsole drives the stewards' console in headless Chromium against a real server and
// database: sign in, open the queue, open a review and check its side-by-side comparison and
// bars as rendered, merge by keyboard, decide the next review distinct, find the citizen,
// unmerge from the citizen view, and switch the language, checking the state through the API
// after each decision.
func TestConsole(t *testing.T) {
	// Not parallel: it runs before the parallel tests start, so a busy machine does not slow
	// the browser.
	c := newClient(t)
	b := newBrowser(t)

	shots := t.TempDir()
	if os.Getenv("REGISTRY_SCREENSHOTS") == "1" {
		shots = filepath.Join("..", "docs", "img")
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	// Two reviews: a health record without NIK that looks like a civil record, and a social
	// record whose name is an old spelling of another civil record's.
	dk := c.key("dukcapil", registry.ScopeSubmit)
	kk := c.key("kemenkes", registry.ScopeSubmit, registry.ScopeResolve)
	sk := c.key("kemensos", registry.ScopeSubmit, registry.ScopeResolve)
	ek := c.key("kemendikbud", registry.ScopeSubmit)
	steward := c.key("stewards", registry.ScopeSteward, registry.ScopeRead, registry.ScopeMatch)
	submit := func(key, path string, body map[string]string) response {
		t.Helper()
		res := c.do("PUT", path, key, body)
		if res.status != http.StatusCreated {
			t.Fatalf("seed %s: %d %s", path, res.status, res.raw)
		}
		return res
	}
	civil := submit(dk, "/v1/sources/dukcapil/records/D-1", map[string]string{
		"nik": "3273054107900001", "full_name": "Siti Rahayu", "sex": "F", "birth_date": "1990-07-01",
		"birth_place": "Bandung", "address": "Jl. Merdeka No. 5", "city": "Kota Bandung", "province": "Jawa Barat", "phone": "081234567890",
	})
	health := submit(kk, "/v1/sources/kemenkes/records/K-1", map[string]string{
		"full_name": "Siti Rahayu", "birth_date": "01/07/1990", "sex": "P", "address": "Jl. Sukajadi No. 12", "phone": "081299998888",
	})
	submit(dk, "/v1/sources/dukcapil/records/D-2", map[string]string{
		"nik": "3201011203850002", "full_name": "Achmad Fauzi", "sex": "M", "birth_date": "1985-03-12", "city": "Kabupaten Bogor",
	})
	social := submit(sk, "/v1/sources/kemensos/records/S-7", map[string]string{
		"full_name": "Ahmad Fauzi", "birth_date": "1985-03-12", "city": "Kota Depok",
	})
	submit(dk, "/v1/sources/dukcapil/records/D-3", map[string]string{
		"nik": "3171026311920003", "full_name": "Dewi Lestari", "sex": "F", "birth_date": "1992-11-23", "city": "Jakarta Pusat",
	})
	school := submit(ek, "/v1/sources/kemendikbud/records/E-3", map[string]string{
		"full_name": "Dewi Lestari", "birth_date": "1992-11-23", "city": "Kota Bekasi",
	})
	for _, res := range []response{health, social, school} {
		if res.body["outcome"] != "review" {
			t.Fatalf("seed: want a review, got %s", res.raw)
		}
	}
	civilID, provisional := civil.body["citizen_id"].(string), health.body["citizen_id"].(string)
	review1, review2, review3 := health.body["review_id"].(string), social.body["review_id"].(string), school.body["review_id"].(string)
	resolve := func(key, source, localID string) string {
		t.Helper()
		res := c.do("GET", "/v1/sources/"+source+"/records/"+localID, key, nil, readHeaders...)
		if res.status != 200 {
			t.Fatalf("resolve %s/%s: %d %s", source, localID, res.status, res.raw)
		}
		return res.body["citizen_id"].(string)
	}
	reviewStatus := func(id string) string {
		t.Helper()
		res := c.do("GET", "/v1/reviews/"+id, steward, nil, readHeaders...)
		if res.status != 200 {
			t.Fatalf("review %s: %d %s", id, res.status, res.raw)
		}
		return res.body["status"].(string)
	}
	detail := c.do("GET", "/v1/reviews/"+review1, steward, nil, readHeaders...)
	explained := detail.body["candidate_details"].([]any)[0].(map[string]any)["explanation"].(map[string]any)["fields"].([]any)

	// Sign in. /console without the slash serves the page too; Indonesian is the default.
	b.do("open the console", chromedp.Navigate(c.srv.URL+"/console"), chromedp.WaitVisible(chromedp.CSS("#login-key")))
	if got := evalJS[string](b, `document.documentElement.lang + "|" + document.querySelector("label[for=login-key]").textContent`); got != "id|Kunci steward" {
		t.Fatalf("default language: %q", got)
	}
	b.checkA11y("login")
	b.do("type the key", chromedp.SendKeys(chromedp.CSS("#login-key"), steward))
	b.key(kb.Tab) // focus order: key, then name, then the button
	if id := evalJS[string](b, `document.activeElement.id`); id != "login-name" {
		t.Fatalf("Tab from the key field went to %q", id)
	}
	b.do("type the name", chromedp.SendKeys(chromedp.CSS("#login-name"), "steward-ayu\r"))

	// The queue.
	b.waitFor("the queue", `document.querySelectorAll("#queue-table tbody tr").length === 3`)
	if got := evalJS[[]string](b, `Array.from(document.querySelectorAll("#queue-table tbody tr")).map(r => r.dataset.review)`); got[0] != review1 || got[1] != review2 {
		t.Fatalf("queue order %v, want oldest first %s, %s", got, review1, review2)
	}
	b.checkA11y("queue")
	b.screenshot(shots, "console-queue.png", false)
	if evalJS[bool](b, `Object.keys(localStorage).some(k => (localStorage.getItem(k) || "").includes(`+jsString(steward)+`))`) {
		t.Fatal("the key was written to localStorage")
	}

	// j / k move the selection, Enter opens the selected review.
	b.key("j")
	b.key("k")
	b.waitFor("row 1 focused", `document.activeElement.closest("tr")?.dataset.review === `+jsString(review1))
	b.key(kb.Enter)
	b.waitFor("the review", `document.querySelector(".view-review")?.dataset.review === `+jsString(review1)+` && document.querySelectorAll("#comparison tbody tr").length > 0`)

	// The comparison as rendered: a row per field that either side has, differing values marked
	// on both sides with a symbol, and a bar per explained field, as wide as its weight.
	type cmpRow struct {
		Field, State, Mark   string
		RecordDiff, CandDiff bool
	}
	rows := evalJS[[]cmpRow](b, `Array.from(document.querySelectorAll("#comparison tbody tr")).map(tr => ({
		Field: tr.dataset.field, State: tr.dataset.state, Mark: tr.querySelector("td.mark").textContent,
		RecordDiff: tr.querySelector(".val-record").classList.contains("diff"), CandDiff: tr.querySelector(".val-candidate").classList.contains("diff")}))`)
	states := map[string]string{}
	for _, r := range rows {
		states[r.Field] = r.State
		if (r.State == "diff") != (r.RecordDiff && r.CandDiff) || (r.State == "diff") != strings.Contains(r.Mark, "≠") {
			t.Errorf("row %s: state %s, marked %q, cells diff %v/%v", r.Field, r.State, r.Mark, r.RecordDiff, r.CandDiff)
		}
	}
	want := map[string]string{"nik": "only_candidate", "full_name": "same", "sex": "same", "birth_date": "same",
		"birth_place": "only_candidate", "address": "diff", "city": "only_candidate", "province": "only_candidate", "phone": "diff"}
	if fmt.Sprint(states) != fmt.Sprint(want) {
		t.Errorf("comparison rows %v, want %v", states, want)
	}
	type bar struct {
		Field  string
		Weight float64
		Width  float64
		Track  float64
	}
	bars := evalJS[[]bar](b, `Array.from(document.querySelectorAll("#bars li")).map(li => ({
		Field: li.dataset.field, Weight: Number(li.dataset.weight),
		Width: Math.max(li.querySelector(".bar-pos").getBoundingClientRect().width, li.querySelector(".bar-neg").getBoundingClientRect().width),
		Track: li.querySelector(".bar-track").getBoundingClientRect().width}))`)
	if len(bars) != len(explained) {
		t.Fatalf("%d bars for %d explained fields", len(bars), len(explained))
	}
	var widest float64
	for _, br := range bars {
		if (br.Weight != 0) != (br.Width > 0) || br.Width > br.Track/2+0.5 {
			t.Errorf("bar %s: weight %.2f drawn %.1fpx wide in a %.1fpx track", br.Field, br.Weight, br.Width, br.Track)
		}
		widest = max(widest, br.Width)
	}
	if widest < 50 {
		t.Errorf("the widest bar is %.1fpx: the chart is not drawn", widest)
	}
	// The same, in pixels: the highlighted cells and both bar colours are on screen.
	if n := countColor(b.elementShot("#comparison"), 0xfff4cc); n < 500 {
		t.Errorf("the comparison shows %d highlight pixels: differing cells are not highlighted", n)
	}
	barsImg := b.elementShot("#bars")
	if pos, neg := countColor(barsImg, 0x1e7b3c), countColor(barsImg, 0xb42318); pos < 300 || neg < 100 {
		t.Errorf("the bars show %d green and %d red pixels", pos, neg)
	}
	// Usable on a laptop: no sideways scrolling, and the decision buttons on the first screen.
	if fit := evalJS[bool](b, `document.documentElement.scrollWidth <= innerWidth && document.querySelector("#btn-distinct").getBoundingClientRect().bottom <= innerHeight`); !fit {
		t.Error("the review does not fit a 1366x768 screen")
	}
	b.checkA11y("review")
	b.screenshot(shots, "console-review.png", false)

	// m merges with the highlighted candidate (also while the focus is on its radio button); the
	// console moves on to the next review.
	b.do("pick the candidate", chromedp.Click(chromedp.CSS("#cand-0")))
	b.key("m")
	b.waitFor("the next review", `document.querySelector(".view-review")?.dataset.review === `+jsString(review2)+` && document.querySelector("#decided-citizen")`)
	if got := resolve(kk, "kemenkes", "K-1"); got != civilID {
		t.Fatalf("after the merge K-1 resolves to %s, want the civil citizen %s", got, civilID)
	}
	if s := reviewStatus(review1); s != "merged" {
		t.Fatalf("review 1 is %s after the merge", s)
	}
	// d: not the same person.
	socialID := social.body["citizen_id"].(string)
	b.key("d")
	b.waitFor("the third review", `document.querySelector(".view-review")?.dataset.review === `+jsString(review3)+` && document.querySelector("#status").textContent.includes("kemensos / S-7")`)
	if s := reviewStatus(review2); s != "distinct" {
		t.Fatalf("review 2 is %s after the distinct decision", s)
	}
	if got := resolve(sk, "kemensos", "S-7"); got != socialID {
		t.Fatalf("after distinct S-7 resolves to %s, want its own citizen %s", got, socialID)
	}

	// Another steward decides the third review first: this steward's m is refused (409), and the
	// console shows the problem and the review as it is now.
	if res := c.do("POST", "/v1/reviews/"+review3+"/decision", steward, map[string]string{"action": "distinct"}, "If-Match", `"1"`); res.status != 200 {
		t.Fatalf("decision behind the console's back: %d %s", res.status, res.raw)
	}
	b.key("m")
	b.waitFor("the conflict", `document.querySelector("#problem").textContent.includes("409") && document.querySelector("#btn-merge").disabled && document.querySelector(".status-distinct")`)
	b.key("q")
	b.waitFor("the empty queue", `document.querySelector("#queue-empty")`)

	// A retired ID says where it went, and offers the unmerge.
	b.do("open the retired ID", chromedp.Navigate(c.srv.URL+"/console/#/citizen/"+provisional))
	b.waitFor("the retired notice", `document.querySelector("#retired-notice button[data-unmerge]")?.dataset.unmerge === `+jsString(provisional)+
		` && document.querySelector(".view-citizen").dataset.citizen === `+jsString(civilID))

	// / opens the citizen search; the civil citizen is found by NIK.
	b.key("/")
	b.do("search by NIK", chromedp.WaitVisible(chromedp.CSS("#search-nik")),
		chromedp.SendKeys(chromedp.CSS("#search-nik"), "3273054107900001"),
		chromedp.Click(chromedp.CSS("#search-submit")))
	b.waitFor("search results", `document.querySelector("#search-results a.citizen-link")?.dataset.citizen === `+jsString(civilID))
	b.checkA11y("search")
	b.do("open the citizen", chromedp.Click(chromedp.CSS("#search-results a.citizen-link")))
	unmerge := `button[data-unmerge="` + provisional + `"]`
	b.waitFor("the citizen view", `document.querySelector(".view-citizen")?.dataset.citizen === `+jsString(civilID)+` && document.querySelector(`+jsString(unmerge)+`)`)
	if n := evalJS[int](b, `document.querySelectorAll("#history tbody tr[data-kind='citizens.merged']").length`); n != 1 {
		t.Errorf("the history shows %d merges, want 1", n)
	}
	b.checkA11y("citizen")
	b.screenshot(shots, "console-citizen.png", true)

	// Unmerge from the citizen view, with a reason.
	b.do("unmerge", chromedp.SendKeys(chromedp.CSS("#citizen-reason"), "ibu dan anak, bukan orang yang sama"),
		chromedp.Click(chromedp.CSS(unmerge)))
	b.waitFor("the unmerge", `!document.querySelector(`+jsString(unmerge)+`) && document.querySelector("#status a.citizen-link")?.dataset.citizen === `+jsString(provisional))
	got := c.do("GET", "/v1/citizens/"+provisional, steward, nil, readHeaders...)
	if got.body["citizen_id"] != provisional || got.body["retired"] != false {
		t.Fatalf("after the unmerge: %s", got.raw)
	}
	if got := resolve(kk, "kemenkes", "K-1"); got != provisional {
		t.Fatalf("after the unmerge K-1 resolves to %s, want %s", got, provisional)
	}

	// Every read went to the access log under the steward's name and purpose.
	var logged int
	if err := c.pool.QueryRow(context.Background(),
		`SELECT count(*) FROM access_log WHERE end_user = 'steward-ayu' AND purpose LIKE 'steward %'`).Scan(&logged); err != nil {
		t.Fatal(err)
	}
	if logged == 0 {
		t.Error("the console's reads are not in the access log under the steward's name")
	}

	// English, and back: the labels and the lang attribute follow.
	b.do("switch to English", chromedp.Click(chromedp.CSS("#lang-en")))
	b.waitFor("English", `document.documentElement.lang === "en" && document.querySelector("#nav-queue").textContent === "Queue" && document.querySelector("#history-h").textContent === "History"`)
	b.key("?")
	b.waitFor("the help", `document.querySelector("#help").open && document.querySelector("#help-title").textContent === "Keyboard shortcuts"`)
	b.key(kb.Escape)
	b.waitFor("the help closed", `!document.querySelector("#help").open`)
	b.do("switch to Indonesian", chromedp.Click(chromedp.CSS("#lang-id")))
	b.waitFor("Indonesian", `document.documentElement.lang === "id" && document.querySelector("#history-h").textContent === "Riwayat"`)

	if errs := b.jsErrors(); len(errs) > 0 {
		t.Fatalf("the page logged errors:\n  %s", strings.Join(errs, "\n  "))
	}
}

// TestConsoleServed checks the console's files and headers without a browser.
func TestConsoleServed(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	for _, path := range []string{"/console", "/console/", "/console/console.js", "/console/i18n.js", "/console/console.css", "/console/icon.svg"} {
		res := c.do("GET", path, "", nil)
		if res.status != 200 || len(res.raw) < 100 {
			t.Fatalf("%s: %d (%d bytes)", path, res.status, len(res.raw))
		}
		csp := res.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Fatalf("%s: Content-Security-Policy %q", path, csp)
		}
		if !strings.HasSuffix(path, ".svg") && (strings.Contains(string(res.raw), "https://") || strings.Contains(string(res.raw), "http://")) {
			t.Fatalf("%s references an external resource", path)
		}
	}
	if res := c.do("GET", "/console/nope.js", "", nil); res.status != 404 {
		t.Fatalf("unknown asset: %d", res.status)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
