package ui

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"storelens/app"
	"storelens/app/i18n"
	"storelens/sync/demofeed"
	"storelens/sync/engine"
)

func newTestShell(t *testing.T) (*Shell, fyne.Window) {
	t.Helper()
	fa := test.NewTempApp(t)
	core, err := app.New(context.Background(), app.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	w := test.NewTempWindow(t, nil)
	sh := NewShell(fa, w, core, Runner{Inline: true})
	w.SetContent(sh.Content())
	w.Resize(fyne.NewSize(1366, 768))
	return sh, w
}

func tabTexts(sh *Shell) []string {
	var out []string
	for _, it := range sh.tabs.Items {
		out = append(out, it.Text)
	}
	return out
}

func TestNavigationReachesEveryArea(t *testing.T) {
	t.Setenv("LANGUAGE", "en_US")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	SetLanguage(LangEnglish)
	sh, _ := newTestShell(t)
	for _, a := range areas() {
		sh.Show(a.key)
		if got := sh.Current(); got != a.key {
			t.Errorf("Show(%q) left %q on screen", a.key, got)
		}
		if sh.tabs.Selected().Content == nil {
			t.Errorf("area %q has no content", a.key)
		}
	}
	// The last area is remembered for the next start.
	sh.Show(AreaStores)
	if got := sh.fa.Preferences().String(sh.folderKey(prefLastArea)); got != AreaStores {
		t.Errorf("last area saved as %q, want %q", got, AreaStores)
	}
}

func TestBothLanguagesLabelEveryArea(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	cases := []struct {
		lang string
		want []string
	}{
		// Only the areas that work are offered; the cashier audit joins
		// when it is built.
		{LangEnglish, []string{"Dashboard", "Stores", "Footage", "Tasks", "Inspections", "Cashier audit", "Reports", "Settings"}},
		{LangChinese, []string{"区域看板", "门店", "录像回看", "待办单", "定时抓拍", "收银追溯", "报表", "设置"}},
	}
	for _, c := range cases {
		SetLanguage(c.lang)
		sh, w := newTestShell(t)
		got := tabTexts(sh)
		if len(got) != len(c.want) {
			t.Errorf("%s: tabs %q, want %q", c.lang, got, c.want)
			continue
		}
		for i := range c.want {
			if got[i] != c.want[i] {
				t.Errorf("%s: tab %d = %q, want %q", c.lang, i, got[i], c.want[i])
			}
		}
		if CurrentLanguage() != c.lang {
			t.Errorf("CurrentLanguage() = %q after switching to %q", CurrentLanguage(), c.lang)
		}
		_ = w
	}
	SetLanguage(LangEnglish)
}

func TestLanguageSettingSwitchesLiveAndIsRemembered(t *testing.T) {
	t.Setenv("LANGUAGE", "en_US")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	SetLanguage(LangEnglish)
	sh, w := newTestShell(t)
	sh.Show(AreaSettings)
	sel := findSelect(w.Content())
	if sel == nil {
		t.Fatal("no language selector in Settings")
	}
	sel.SetSelected("中文")
	if got := tabTexts(sh)[0]; got != "区域看板" {
		t.Errorf("after choosing 中文 the first tab reads %q", got)
	}
	if sh.Current() != AreaSettings {
		t.Errorf("switching language moved the manager away from Settings to %q", sh.Current())
	}
	if p := sh.fa.Preferences().String(prefLanguage); p != LangChinese {
		t.Errorf("language preference = %q, want %q", p, LangChinese)
	}
	SetLanguage(LangEnglish)
}

func TestSyncBarShowsProgressAndErrors(t *testing.T) {
	t.Setenv("LANGUAGE", "en_US")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	SetLanguage(LangEnglish)
	sh, _ := newTestShell(t)
	b := sh.status
	b.show(app.SyncState{Running: true, Phase: "stores", Done: 5, Total: 10})
	if !b.progress.Visible() || b.progress.Value != 0.5 {
		t.Errorf("progress visible=%v value=%v, want a half-full bar", b.progress.Visible(), b.progress.Value)
	}
	if b.label.Text != "Syncing stores · 5 items…" {
		t.Errorf("label = %q", b.label.Text)
	}
	SetLanguage(LangChinese)
	b.show(app.SyncState{Running: true, Phase: "counts"})
	if b.label.Text != "正在同步 客流…" {
		t.Errorf("Chinese label = %q, want the phase in Chinese", b.label.Text)
	}
	SetLanguage(LangEnglish)
	b.show(app.SyncState{Err: "counts: HQ answered 401", ErrKind: "signin"})
	if b.errLine.Text != "Sign in again in Settings — counts: HQ answered 401" {
		t.Errorf("sign-in failure reads %q", b.errLine.Text)
	}
	b.show(app.SyncState{Err: "count_buckets: HQ answered 503; will retry in 5 minutes"})
	if b.progress.Visible() || b.errLine.Text == "" || !b.errLine.Visible() {
		t.Errorf("after a failed run: progress visible=%v, error line %q", b.progress.Visible(), b.errLine.Text)
	}
	if b.label.Text != "Not synced yet" {
		t.Errorf("label = %q", b.label.Text)
	}
}

func containsLabel(o fyne.CanvasObject, text string) bool {
	found := false
	walk(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == text && l.Visible() {
			found = true
		}
	})
	return found
}

func findSelect(o fyne.CanvasObject) *widget.Select {
	var s *widget.Select
	walk(o, func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Select); ok && s == nil {
			s = x
		}
	})
	return s
}

// walk visits o and, through containers, tabs and scrolls, what it holds.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case *container.AppTabs:
		if s := x.Selected(); s != nil {
			walk(s.Content, fn)
		}
	case *container.Scroll:
		walk(x.Content, fn)
	case *widget.Form:
		for _, it := range x.Items {
			walk(it.Widget, fn)
		}
	}
}

func TestSettingsSaveRefusesBadValuesAndKeepsGoodOnes(t *testing.T) {
	t.Setenv("LANGUAGE", "en_US")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	SetLanguage(LangEnglish)
	sh, w := newTestShell(t)
	sh.Show(AreaSettings)
	var entries []*widget.Entry
	var save *widget.Button
	walk(w.Content(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Entry:
			entries = append(entries, x)
		case *widget.Button:
			if x.Text == "Save" {
				save = x
			}
		}
	})
	// feed address, token, then the four numbers: interval, receipts, cache, prefetch.
	if len(entries) != 6 || save == nil {
		t.Fatalf("settings show %d entries and save=%v", len(entries), save != nil)
	}
	cache := entries[4]
	if cache.Text != "2" {
		t.Errorf("footage cache shows %q, want the 2 GB default", cache.Text)
	}
	cache.SetText("lots")
	test.Tap(save)
	if got := sh.core.IntSetting(context.Background(), app.SettingCacheGB); got != 2 {
		t.Errorf("a non-number changed the cache to %d GB", got)
	}
	if !containsLabel(w.Content(), "Footage cache (GB): enter a whole number.") {
		t.Error("no message names the field that is wrong")
	}
	cache.SetText("8")
	test.Tap(save)
	if got := sh.core.IntSetting(context.Background(), app.SettingCacheGB); got != 8 {
		t.Errorf("cache = %d GB after saving 8", got)
	}
	// Out of range: the field is named as the screen names it, with the
	// limits, never by its storage key.
	entries[2].SetText("0")
	test.Tap(save)
	if !containsLabel(w.Content(), "Sync every (minutes): 0 is outside 1…1440; enter a value in that range") {
		var labels []string
		walk(w.Content(), func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && l.Text != "" {
				labels = append(labels, l.Text)
			}
		})
		t.Errorf("no message names the interval and its limits: %q", labels)
	}
	if got := sh.core.IntSetting(context.Background(), app.SettingSyncEvery); got != 15 {
		t.Errorf("a refused interval changed the setting to %d", got)
	}
}

// A failed sync's detail is in the window's language, naming the
// collection as the status bar does.
func TestSyncErrorDetailSpeaksTheUILanguage(t *testing.T) {
	e := &engine.Error{Kind: engine.ErrSignIn, Collection: "stores", What: i18n.Say("sync.what.token_refused", "Code", "HTTP 401"),
		Action: i18n.Say("sync.do.sign_in_again")}
	for _, c := range []struct{ lang, want, coll, not string }{
		{LangChinese, "总部未接受登录令牌（HTTP 401）", "同步门店时", "HQ did not"},
		{LangEnglish, "HQ did not accept the sign-in token (HTTP 401)", "sync of stores", "总部"},
	} {
		SetLanguage(c.lang)
		sh, _ := newTestShell(t)
		sh.status.show(app.SyncState{Err: e.Error(), ErrText: e.Text(), ErrKind: "signin"})
		got := sh.status.errLine.Text
		if !strings.Contains(got, c.want) || !strings.Contains(got, c.coll) || strings.Contains(got, c.not) {
			t.Errorf("%s: error line %q, want %q in the UI's language with the collection's label", c.lang, got, c.want)
		}
	}
	SetLanguage(LangEnglish)
}

// While a page is read again the status bar says so instead of freezing;
// offline, it says when the next try is.
func TestSyncBarSaysRetriesAndTheNextTry(t *testing.T) {
	SetLanguage(LangEnglish)
	sh, _ := newTestShell(t)
	b := sh.status
	b.show(app.SyncState{Running: true, Phase: "counts", Retry: 3, Retries: 8, RetryWhy: "dropped"})
	if want := "Retrying counts (3/8) after a dropped connection…"; b.label.Text != want {
		t.Errorf("label %q, want %q", b.label.Text, want)
	}
	next := time.Date(2026, 12, 2, 9, 30, 0, 0, time.Local)
	b.show(app.SyncState{Offline: true, ErrKind: "offline", NextTry: next})
	if want := "Offline — trying again at 09:30:00"; b.errLine.Text != want {
		t.Errorf("error line %q, want %q", b.errLine.Text, want)
	}
	SetLanguage(LangChinese)
	b.show(app.SyncState{Running: true, Phase: "counts", Retry: 3, Retries: 8, RetryWhy: "dropped"})
	if !strings.Contains(b.label.Text, "（3/8）") || !strings.Contains(b.label.Text, "连接中断") {
		t.Errorf("zh label %q", b.label.Text)
	}
	SetLanguage(LangEnglish)
}

// Signed in means HQ accepted the token: a wrong one says so, in the
// window's language, and never "signed in".
func TestSignInWithAWrongTokenSaysNotSignedIn(t *testing.T) {
	t.Setenv("LANGUAGE", "en_US")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	SetLanguage(LangEnglish)
	keyring.MockInit()
	fs, err := demofeed.New(demofeed.Config{Until: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Logf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	sh, w := newTestShell(t)
	sh.Show(AreaSettings)
	var entries []*widget.Entry
	var signIn *widget.Button
	walk(w.Content(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Entry:
			entries = append(entries, x)
		case *widget.Button:
			if x.Text == "Sign in and sync" {
				signIn = x
			}
		}
	})
	if len(entries) < 2 || signIn == nil {
		t.Fatalf("no feed form: %d entries, sign-in button %v", len(entries), signIn != nil)
	}
	entries[0].SetText(srv.URL)
	entries[1].SetText("not-the-token")
	test.Tap(signIn)
	var said string
	for i := 0; i < 100 && said == ""; i++ {
		time.Sleep(20 * time.Millisecond)
		walk(w.Content(), func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "signed in") || ok && strings.HasPrefix(l.Text, "Signed in") {
				said = l.Text
			}
		})
	}
	if !strings.HasPrefix(said, "Not signed in:") || !strings.Contains(said, "401") || !strings.Contains(said, "sign in again") {
		t.Errorf("a refused token reads %q; want 'Not signed in' with HQ's refusal and what to do", said)
	}
	if got := sh.core.FeedURL(context.Background()); got == srv.URL {
		t.Error("the address of a refused sign-in was saved")
	}
}

// Under --demo the feed form says the demo chain is in use and how to
// leave it, instead of saving an address it would never use.
func TestSettingsUnderTheDemoSayHowToLeaveIt(t *testing.T) {
	t.Setenv("LANGUAGE", "en_US")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	SetLanguage(LangEnglish)
	fa := test.NewTempApp(t)
	dir := t.TempDir()
	core, err := app.New(context.Background(), app.Config{DataDir: dir, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer core.Close()
	w := test.NewTempWindow(t, nil)
	sh := NewShell(fa, w, core, Runner{Inline: true})
	w.SetContent(sh.Content())
	sh.Show(AreaSettings)
	var said string
	enabled := 0
	walk(w.Content(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			if strings.Contains(x.Text, "demo chain is in use") {
				said = x.Text
			}
		case *widget.Entry:
			if !x.Disabled() && (x.PlaceHolder == tr("settings.feed.placeholder", "") || x.Password) {
				enabled++
			}
		case *widget.Button:
			if x.Text == "Sign in and sync" {
				t.Error("under --demo the form still offers to sign in to a feed it would not use")
			}
		}
	})
	if !strings.Contains(said, "without --demo") || !strings.Contains(said, dir) {
		t.Errorf("the feed form under --demo says %q; want the demo named, its folder and how to leave it", said)
	}
	if enabled != 0 {
		t.Errorf("%d feed fields can still be typed into under --demo", enabled)
	}
}

// The last area and the review's moment belong to the data folder they
// point into: a window on another folder (the same user's preferences)
// opens on the dashboard, with no review of a store it does not hold.
func TestAnotherDataFolderDoesNotInheritTheLastArea(t *testing.T) {
	SetLanguage(LangEnglish)
	fa := test.NewTempApp(t)
	open := func() *Shell {
		core, err := app.New(context.Background(), app.Config{DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { core.Close() })
		w := test.NewTempWindow(t, nil)
		sh := NewShell(fa, w, core, Runner{Inline: true})
		w.SetContent(sh.Content())
		return sh
	}
	first := open()
	first.Show(AreaReview)
	fa.Preferences().SetString(first.folderKey(prefReviewStore), "HF003")
	fa.Preferences().SetString(first.folderKey(prefReviewAt), "2026-12-02T20:00:00+08:00")
	second := open()
	if got := second.Current(); got != AreaDashboard {
		t.Errorf("a fresh data folder opened on %q, want the dashboard", got)
	}
	if code := second.screens.review.store.Code; code != "" || second.screens.review.want.Year() == 2026 {
		t.Errorf("a fresh data folder's review opened %q at %v", code, second.screens.review.want)
	}
}
