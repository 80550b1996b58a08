// Package ui is StoreLens's window: navigation between the manager's areas,
// the sync status bar and the screens. It talks to the core only through the
// app package; every widget change made off the UI goroutine goes through
// fyne.Do.
package ui

import (
	"context"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"storelens/app"
	"storelens/ui/desktop"
)

// AppID is the application ID, also in FyneApp.toml.
const AppID = "cn.storelens.desktop"

// Preference keys, kept in one place.
const (
	prefLanguage = "language"
	prefTheme    = "theme"
	prefLastArea = "last_area"
	// The review's last store, moment (RFC 3339) and overlay switch.
	prefReviewStore   = "review_store"
	prefReviewAt      = "review_at"
	prefReviewOverlay = "review_overlay"
	prefWindowW       = "window_width"
	prefWindowH       = "window_height"
	defaultWindowW    = 1366
	defaultWindowH    = 768
)

// Options are how the window is started.
type Options struct {
	// Lang is the language for this run ("" the one chosen in Settings).
	Lang string
}

// Run opens the main window on core and blocks until it is closed or ctx
// ends.
func Run(ctx context.Context, core *app.App, o Options) error {
	fa := fyneapp.NewWithID(AppID)
	if o.Lang != "" {
		SetLanguage(o.Lang)
	} else {
		SetLanguage(fa.Preferences().String(prefLanguage))
	}
	applyTheme(fa, fa.Preferences().String(prefTheme))
	w := fa.NewWindow(appTitle())
	sh := NewShell(fa, w, core, Runner{})
	w.SetContent(sh.Content())
	p := fa.Preferences()
	saved := fyne.NewSize(float32(p.IntWithFallback(prefWindowW, defaultWindowW)), float32(p.IntWithFallback(prefWindowH, defaultWindowH)))
	area, ok := desktop.WorkArea()
	w.Resize(fitWindow(saved, area, ok))
	w.CenterOnScreen()
	w.SetMaster()
	w.SetCloseIntercept(func() {
		sz := w.Canvas().Size()
		p.SetInt(prefWindowW, int(sz.Width))
		p.SetInt(prefWindowH, int(sz.Height))
		w.Close()
	})
	go func() {
		<-ctx.Done()
		fyne.Do(fa.Quit)
	}()
	sh.Start(ctx)
	w.ShowAndRun()
	// What the running sync committed stays; the rest resumes next start.
	core.StopSync()
	return nil
}

// decorations is the height the window manager's title bar and frame take,
// in pixels.
const decorations = 40

// fitWindow is the saved size, made smaller where the screen's work area
// is: a window kept at 1366×768 opens whole on a 1024×640 screen.
func fitWindow(saved fyne.Size, a desktop.Area, ok bool) fyne.Size {
	if !ok || a.Scale <= 0 {
		return saved
	}
	maxW := float32(a.Width) / a.Scale
	maxH := float32(a.Height-decorations) / a.Scale
	return fyne.NewSize(min(saved.Width, maxW), min(saved.Height, maxH))
}
