package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
	"storelens/app/insight"
)

// Area keys, stable across languages; the last one shown is remembered.
const (
	AreaDashboard = "dashboard"
	AreaStores    = "stores"
	AreaReview    = "review"
	AreaTasks     = "tasks"
	AreaReports   = "reports"
	AreaInspect   = "inspections"
	AreaAudit     = "audit"
	AreaSettings  = "settings"
)

// area is one entry of the navigation.
type area struct {
	key   string
	icon  fyne.Resource
	build func(sh *Shell) fyne.CanvasObject
}

func areas() []area {
	return []area{
		{AreaDashboard, theme.HomeIcon(), func(sh *Shell) fyne.CanvasObject { return sh.screens.dash.Content() }},
		{AreaStores, theme.StorageIcon(), func(sh *Shell) fyne.CanvasObject { return sh.screens.store.Content() }},
		{AreaReview, theme.MediaVideoIcon(), func(sh *Shell) fyne.CanvasObject { return sh.screens.review.Content() }},
		{AreaTasks, theme.ListIcon(), func(sh *Shell) fyne.CanvasObject { return sh.screens.tasks.Content() }},
		{AreaInspect, theme.MediaPhotoIcon(), func(sh *Shell) fyne.CanvasObject { return sh.screens.inspections.Content() }},
		{AreaAudit, theme.SearchIcon(), func(sh *Shell) fyne.CanvasObject { return sh.screens.audit.Content() }},
		{AreaReports, theme.DocumentIcon(), func(sh *Shell) fyne.CanvasObject { return sh.screens.reports.Content() }},
		{AreaSettings, theme.SettingsIcon(), func(sh *Shell) fyne.CanvasObject { return sh.settingsScreen() }},
	}
}

// Shell is the main window's frame: navigation on the left, the current
// area in the middle, the sync status along the bottom.
type Shell struct {
	fa   fyne.App
	win  fyne.Window
	core *app.App
	run  Runner

	screens    *shellScreens // rebuilt with the navigation
	stopStatus func()        // removes the status bar's sync listener

	root   *fyne.Container
	tabs   *container.AppTabs
	status *syncBar
}

// NewShell builds the frame for core in win; run carries the screens'
// background work (the zero Runner in the window).
func NewShell(fa fyne.App, win fyne.Window, core *app.App, run Runner) *Shell {
	sh := &Shell{fa: fa, win: win, core: core, run: run, root: container.NewStack()}
	sh.build()
	return sh
}

// Content is the window content.
func (sh *Shell) Content() fyne.CanvasObject { return sh.root }

// Start connects the shell to the core's background services.
func (sh *Shell) Start(ctx context.Context) {
	if sh.stopStatus != nil {
		sh.stopStatus()
	}
	sh.stopStatus = sh.core.OnSyncState(func(s app.SyncState) {
		fyne.Do(func() { sh.status.show(s) })
	})
	sh.core.StartSync(ctx)
	// Scheduled inspections are taken while the window is open.
	sh.core.StartInspections(ctx, func(app.InspectionRun) {
		fyne.Do(func() {
			if sh.currentKey() == AreaInspect {
				sh.screens.inspections.Load()
			}
		})
	})
	// The cashier audit checks the last days after each sync.
	sh.core.StartAudit(ctx, func(p app.AuditProgress) {
		fyne.Do(func() { sh.screens.audit.Background(&p) })
	}, func(app.AuditResult, error) {
		fyne.Do(func() {
			sh.screens.audit.Background(nil)
			if sh.currentKey() == AreaAudit {
				sh.screens.audit.Load()
			}
		})
	})
}

// folderKey is a preference key of this data folder's own: the last area
// and the review's moment belong to the data they point into, so another
// folder (the demo's, a fresh one) never opens on a store it does not hold.
func (sh *Shell) folderKey(key string) string { return folderPrefKey(sh.core.Config().DataDir, key) }

// folderPrefKey is key for the data folder dir.
func folderPrefKey(dir, key string) string {
	h := sha256.Sum256([]byte(dir))
	return key + "." + hex.EncodeToString(h[:6])
}

// build (re)creates every screen, e.g. after a language switch.
func (sh *Shell) build() {
	last := sh.fa.Preferences().StringWithFallback(sh.folderKey(prefLastArea), AreaDashboard)
	if sh.tabs != nil && sh.tabs.Selected() != nil {
		last = sh.currentKey()
	}
	if sh.screens != nil {
		sh.screens.stop()
	}
	// The review reopens its moment only when it is the area shown: a
	// language switch on the dashboard fetches no footage nobody asked for.
	sh.screens = sh.newScreens(last == AreaReview)
	var items []*container.TabItem
	for _, a := range areas() {
		items = append(items, container.NewTabItemWithIcon(tr("nav."+a.key, a.key), a.icon, a.build(sh)))
	}
	sh.tabs = container.NewAppTabs(items...)
	sh.tabs.SetTabLocation(container.TabLocationLeading)
	sh.tabs.OnSelected = func(*container.TabItem) {
		key := sh.currentKey()
		sh.fa.Preferences().SetString(sh.folderKey(prefLastArea), key)
		// A widget of the area left behind keeps no focus: the keys go to
		// the area shown from the moment it shows.
		sh.win.Canvas().Unfocus()
		// The review's keys (space, arrows, J/K/L) work while it is shown.
		switch key {
		case AreaReview:
			sh.win.Canvas().SetOnTypedKey(sh.screens.review.TypedKey)
		case AreaInspect:
			// P, F, U and the arrows judge the gallery's snapshots.
			sh.win.Canvas().SetOnTypedKey(sh.screens.inspections.TypedKey)
			sh.screens.inspections.Load()
		default:
			sh.win.Canvas().SetOnTypedKey(nil)
		}
		if key == AreaTasks {
			sh.screens.tasks.Load()
		}
		if key == AreaReports {
			sh.screens.reports.Load()
		}
		if key == AreaAudit {
			sh.screens.audit.Load()
		}
	}
	sh.Show(last)
	if sh.status == nil {
		sh.status = newSyncBar(sh)
	} else {
		sh.status.relabel()
	}
	sh.root.Objects = []fyne.CanvasObject{container.NewBorder(nil, sh.status.object(), nil, nil, sh.tabs)}
	sh.root.Refresh()
	sh.win.SetTitle(appTitle())
}

func (sh *Shell) currentKey() string {
	i := sh.tabs.SelectedIndex()
	as := areas()
	if i < 0 || i >= len(as) {
		return AreaDashboard
	}
	return as[i].key
}

// Show switches to the area with key; unknown keys show the dashboard.
func (sh *Shell) Show(key string) {
	for i, a := range areas() {
		if a.key == key {
			sh.tabs.SelectIndex(i)
			return
		}
	}
	sh.tabs.SelectIndex(0)
}

// Current is the key of the area on screen.
func (sh *Shell) Current() string { return sh.currentKey() }

func appTitle() string {
	return tr("app.title", "StoreLens") + " · StoreLens " + app.Version
}

// syncBar is the status area along the bottom of the window.
type syncBar struct {
	sh       *Shell
	label    *widget.Label
	errLine  *widget.Label
	progress *widget.ProgressBar
	busy     *widget.ProgressBarInfinite
	button   *widget.Button
	box      *fyne.Container
	last     app.SyncState
}

func newSyncBar(sh *Shell) *syncBar {
	b := &syncBar{sh: sh, label: widget.NewLabel(""), errLine: widget.NewLabel(""), progress: widget.NewProgressBar(), busy: widget.NewProgressBarInfinite()}
	b.errLine.Importance = widget.DangerImportance
	b.errLine.Truncation = fyne.TextTruncateEllipsis
	b.button = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), sh.core.SyncNow)
	b.progress.Hide()
	b.busy.Hide()
	b.busy.Stop()
	b.box = container.NewBorder(nil, nil, b.label, b.button, container.NewStack(b.progress, b.busy, b.errLine))
	b.relabel()
	return b
}

func (b *syncBar) object() fyne.CanvasObject { return b.box }

func (b *syncBar) relabel() {
	b.button.SetText(tr("sync.now", "Sync now"))
	b.show(b.last)
}

// show renders s; it runs on the UI goroutine.
func (b *syncBar) show(s app.SyncState) {
	b.last = s
	switch {
	case s.Running:
		b.label.SetText(syncProgressText(s))
	case s.LastSync.IsZero():
		b.label.SetText(tr("sync.never", "Not synced yet"))
	default:
		b.label.SetText(tr("sync.last", "Last sync: {{.Time}}", map[string]any{"Time": s.LastSync.Local().Format(time.DateTime)}))
	}
	switch {
	case s.Offline && !s.NextTry.IsZero():
		b.errLine.SetText(tr("sync.offline.next", "Offline — trying again at {{.Time}}", map[string]any{"Time": s.NextTry.Local().Format("15:04:05")}))
	case s.Offline:
		b.errLine.SetText(tr("sync.offline", "Offline"))
	case s.ErrKind != "" && len(s.ErrText) > 0:
		b.errLine.SetText(tr("sync.err."+s.ErrKind, s.ErrKind) + " — " + s.ErrText.In(CurrentLanguage()))
	case s.ErrKind != "":
		b.errLine.SetText(tr("sync.err."+s.ErrKind, s.ErrKind) + " — " + s.Err)
	default:
		b.errLine.SetText(s.Err)
	}
	b.errLine.Hidden = s.Running
	if f := s.Fraction(); s.Running && f >= 0 {
		b.busy.Stop()
		b.busy.Hide()
		b.progress.SetValue(f)
		b.progress.Show()
	} else if s.Running {
		b.progress.Hide()
		b.busy.Show()
		b.busy.Start()
	} else {
		b.progress.Hide()
		b.busy.Stop()
		b.busy.Hide()
	}
	b.box.Refresh()
}

// syncProgressText says what a running sync is doing: the collection, the
// items read so far, or the retry of a page that broke off.
func syncProgressText(s app.SyncState) string {
	if s.Retry > 0 {
		return tr("sync.retrying", "Retrying {{.Phase}} ({{.N}}/{{.Of}}) after a {{.Why}}…", map[string]any{
			"Phase": tr("sync.phase."+s.Phase, s.Phase), "N": s.Retry, "Of": s.Retries, "Why": tr("sync.break."+s.RetryWhy, s.RetryWhy)})
	}
	phase := s.Phase
	if phase != "" {
		phase = tr("sync.phase."+phase, phase)
	}
	if s.Done > 0 {
		phase = tr("sync.items", "{{.Phase}} · {{.Count}} items", map[string]any{"Phase": phase, "Count": insight.GroupDigits(strconv.FormatInt(s.Done, 10))})
	}
	return tr("sync.running", "Syncing {{.Phase}}…", map[string]any{"Phase": phase})
}

// shellScreens are the dashboard and store page of one shell, built
// together so the dashboard can open a store on the store page.
type shellScreens struct {
	dash        *Dashboard
	store       *StorePage
	review      *Review
	tasks       *TasksScreen
	reports     *ReportsScreen
	inspections *InspectionsScreen
	audit       *AuditScreen
	// stop removes the screens' sync listener when they are rebuilt.
	stop func()
}

// newScreens builds the region dashboard and the store page it opens
// stores on, and has the dashboard reload when a sync brings new figures.
func (sh *Shell) newScreens(reopenReview bool) *shellScreens {
	core := sh.core
	ins := core.Insight()
	st := &shellScreens{}
	st.store = NewStorePage(sh.run, ins, core, time.Now())
	st.dash = NewDashboard(sh.run, ins, core, core.SyncState, time.Now())
	st.dash.UsePlaces(core)
	st.review = NewReview(sh.run, core, sh.win)
	st.tasks = NewTasksScreen(sh.run, core, sh.win)
	st.reports = NewReportsScreen(sh.run, core, sh.win, time.Now())
	st.inspections = NewInspectionsScreen(sh.run, core, sh.win, time.Now())
	st.audit = NewAuditScreen(sh.run, core, sh.win, time.Now())
	openFootage := func(code string, t time.Time) {
		sh.Show(AreaReview)
		st.review.Open(code, t)
	}
	st.store.OnFootage = func(code string, t time.Time) bool { openFootage(code, t); return true }
	st.tasks.OnFootage = openFootage
	st.audit.OnFootage = func(code string, cameraID int64, t time.Time) {
		sh.Show(AreaReview)
		st.review.OpenCamera(code, cameraID, t)
	}
	st.audit.OnTask = func(id string) {
		st.tasks.Select(id)
		sh.Show(AreaTasks)
	}
	raise := func(p taskPrefill) {
		showTaskForm(sh.win, sh.run, core, p, func(t app.Task) {
			st.tasks.Select(t.ID)
			sh.Show(AreaTasks)
		})
	}
	st.review.OnTask = raise
	// The review reopens where the manager left it.
	prefs := sh.fa.Preferences()
	if code, at := prefs.String(sh.folderKey(prefReviewStore)), prefs.String(sh.folderKey(prefReviewAt)); reopenReview && code != "" {
		if t, err := time.Parse(time.RFC3339, at); err == nil {
			st.review.SetOverlay(prefs.Bool(sh.folderKey(prefReviewOverlay)))
			st.review.Open(code, t)
		}
	}
	st.review.OnOpened = func(code string, at time.Time, overlay bool) {
		prefs.SetString(sh.folderKey(prefReviewStore), code)
		prefs.SetString(sh.folderKey(prefReviewAt), at.Format(time.RFC3339))
		prefs.SetBool(sh.folderKey(prefReviewOverlay), overlay)
	}
	st.store.OnRaiseTask = raise
	st.store.StoreLanguage = func() string { return core.StoreLanguage(context.Background()) }
	st.dash.OnOpenStore = func(code string, p insight.Period) {
		st.store.Open(code, p)
		sh.Show(AreaStores)
	}
	st.dash.OnLoaded = func(ov insight.RegionOverview) {
		codes := make([]string, 0, len(ov.Stores))
		for _, s := range ov.Stores {
			c := s.Store.Code + " " + s.Store.Name
			if s.Store.City != "" && !strings.Contains(s.Store.Name, s.Store.City) {
				c += " · " + s.Store.City // so typing a city finds its stores
			}
			codes = append(codes, c)
		}
		st.store.SetStores(codes)
		// Until the manager opens a store, the store page shows the one
		// that most needs attention rather than an empty frame.
		if st.store.code == "" && len(ov.Stores) > 0 {
			st.store.Open(ov.Stores[0].Store.Code, ov.Period)
		}
	}
	// When a sync run ends, show the fresh figures.
	lastSync := core.SyncState().LastSync // UI goroutine only
	stopSync := core.OnSyncState(func(s app.SyncState) {
		if s.Running {
			fyne.Do(st.dash.SyncChanged)
			return
		}
		fyne.Do(func() {
			if s.LastSync.Equal(lastSync) {
				return
			}
			lastSync = s.LastSync
			st.dash.load()
			st.dash.UsePlaces(core) // the first sync brings the stores
			st.tasks.Load()         // the stores' answers come with the sync
		})
	})
	st.stop = func() { stopSync(); st.review.Close() }
	return st
}
