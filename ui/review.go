package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
	"storelens/app/i18n"
)

// Review is the footage review screen: a store camera's recordings of one
// day, played in the window, over a timeline of its counts, alerts and
// receipts; the counting overlay on demand; a snapshot that becomes a
// corrective task's evidence.
type Review struct {
	run  Runner
	core *app.App
	win  fyne.Window

	content  fyne.CanvasObject
	title    *widget.Label
	status   *widget.Label
	busy     *widget.ProgressBarInfinite
	camSel   *widget.Select
	img      *canvas.Image
	timeline *timelineView
	timeLbl  *widget.Label
	playBtn  *widget.Button
	speedSel *widget.Select
	overlay  *widget.Check
	snapBtn  *widget.Button
	taskBtn  *widget.Button
	legend   *widget.Label
	staffSel *widget.Select // tracks of the recount, to mark one as staff
	staffBtn *widget.Button

	// UI goroutine state.
	store     app.Store
	loc       *time.Location
	cams      []app.Camera
	cam       app.Camera
	recs      []app.Recording
	rec       app.Recording // the recording open in the player
	shown     time.Time     // the moment of the frame on screen
	pb        *playback
	release   func()
	lines     map[string][]image.Point
	counts    *countOverlay // the recount of rec, when run
	recountID int64         // its stored id
	want      time.Time     // the moment asked for while it is fetched
	retry     *time.Timer
	gen       int  // bumps with every open, so late answers are dropped
	resume    bool // the footage was playing when the next moment was asked for

	// OnTask raises a corrective task from the review (the snapshot kept
	// as evidence); set by the shell.
	OnTask func(p taskPrefill)
	// OnOpened hears each moment opened and the overlay switched, so the
	// window reopens the review where the manager left it.
	OnOpened func(code string, at time.Time, overlay bool)
}

var reviewSpeeds = []string{"0.25×", "0.5×", "1×", "2×", "4×", "8×", "16×"}

func speedOf(s string) float64 {
	var f float64
	fmt.Sscanf(strings.TrimSuffix(s, "×"), "%g", &f)
	if f <= 0 {
		return 1
	}
	return f
}

// NewReview builds the review screen; it shows nothing until Open.
func NewReview(run Runner, core *app.App, win fyne.Window) *Review {
	r := &Review{run: run, core: core, win: win, loc: time.UTC}
	r.title = widget.NewLabel(tr("review.empty", "Pick an hour on a store's chart, a flag's hour or a task's evidence to review its footage."))
	r.title.Wrapping = fyne.TextWrapWord
	r.title.TextStyle = fyne.TextStyle{Bold: true}
	r.status = widget.NewLabel("")
	r.status.Wrapping = fyne.TextWrapWord
	r.busy = widget.NewProgressBarInfinite()
	r.busy.Hide()
	r.busy.Stop()
	r.camSel = widget.NewSelect(nil, nil)
	r.img = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 768, 576)))
	r.img.FillMode = canvas.ImageFillContain
	r.img.ScaleMode = canvas.ImageScaleFastest
	r.img.SetMinSize(fyne.NewSize(384, 288))
	r.timeline = newTimelineView()
	r.timeline.OnPick = func(t time.Time) { r.seekTo(t) }
	r.timeLbl = widget.NewLabel("")
	r.playBtn = widget.NewButtonWithIcon("", theme.MediaPlayIcon(), r.togglePlay)
	back := widget.NewButtonWithIcon("", theme.MediaSkipPreviousIcon(), func() { r.step(-1) })
	fwd := widget.NewButtonWithIcon("", theme.MediaSkipNextIcon(), func() { r.step(1) })
	r.speedSel = widget.NewSelect(reviewSpeeds, nil)
	r.speedSel.SetSelected("1×")
	r.speedSel.OnChanged = func(s string) {
		if r.pb != nil {
			r.pb.setSpeed(speedOf(s))
		}
	}
	r.overlay = widget.NewCheck(tr("review.overlay", "Show why it counts"), func(on bool) { r.toggleOverlay(on) })
	r.snapBtn = widget.NewButtonWithIcon(tr("review.snapshot", "Snapshot"), theme.FileImageIcon(), r.snapshot)
	r.taskBtn = widget.NewButtonWithIcon(tr("review.task", "Raise a task…"), theme.DocumentCreateIcon(), func() { r.raise(nil) })
	r.legend = widget.NewLabel(tr("review.legend", "Timeline: blue = recorded; green bars = entries and orange = exits per 15 min (device); black ticks = crossings of the local recount; red = camera alerts; purple = receipts. Keys: space play/pause, ←/→ one frame, J/K/L slower/pause/faster."))
	r.legend.Wrapping = fyne.TextWrapWord
	r.legend.Importance = widget.LowImportance
	r.staffSel = widget.NewSelect(nil, nil)
	r.staffSel.PlaceHolder = tr("review.staff.pick", "Track…")
	r.staffBtn = widget.NewButton(tr("review.staff", "Is staff"), r.markStaff)
	r.staffSel.Hide()
	r.staffBtn.Hide()
	controls := container.NewHBox(back, r.playBtn, fwd, r.speedSel, r.timeLbl, layoutSpacer(), r.overlay, r.staffSel, r.staffBtn, r.snapBtn, r.taskBtn)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, r.camSel, r.title), r.busy, r.status)
	bottom := container.NewVBox(r.timeline, container.NewHScroll(controls), r.legend)
	r.content = container.NewBorder(top, bottom, nil, nil, r.img)
	r.enable(false)
	return r
}

func layoutSpacer() fyne.CanvasObject { return widget.NewLabel(" ") }

// Content is the screen.
func (r *Review) Content() fyne.CanvasObject { return r.content }

func (r *Review) enable(on bool) {
	for _, w := range []fyne.Disableable{r.playBtn, r.speedSel, r.overlay, r.snapBtn, r.taskBtn} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// Open shows store code's footage at moment at (entrance camera first),
// fetching it when it is not on this laptop.
func (r *Review) Open(code string, at time.Time) { r.OpenCamera(code, 0, at) }

// OpenCamera is Open on camera cameraID of the store (its entrance camera
// for 0): the till camera for a cashier-audit finding.
func (r *Review) OpenCamera(code string, cameraID int64, at time.Time) {
	r.gen++
	gen := r.gen
	r.want = at
	r.blank()
	r.store = app.Store{}
	if r.OnOpened != nil {
		r.OnOpened(code, at, r.overlay.Checked)
	}
	r.say(tr("review.loading", "Opening {{.Code}} at {{.Time}}…", map[string]any{"Code": code, "Time": at.Format("2006-01-02 15:04")}), true)
	r.run.Go(func() {
		st, cams, err := r.core.StoreCameras(context.Background(), code)
		r.run.Do(func() {
			if gen != r.gen {
				return
			}
			if err != nil {
				r.say(errText(err), false)
				return
			}
			r.store, r.cams = st, cams
			r.loc = loadLoc(st.TimeZone)
			var names []string
			for _, c := range cams {
				names = append(names, c.Code+" · "+camLabel(c))
			}
			r.camSel.Options = names
			r.cam = app.Camera{}
			for i, c := range cams {
				if (cameraID == 0 && c.Role == "entrance") || (cameraID != 0 && c.ID == cameraID) {
					r.cam = cams[i]
					break
				}
			}
			if r.cam.ID == 0 && len(cams) > 0 {
				r.cam = cams[0]
			}
			if r.cam.ID == 0 {
				r.say(tr("review.nocamera", "Store {{.Code}} has no camera on this laptop; sync first.", map[string]any{"Code": code}), false)
				return
			}
			r.camSel.OnChanged = nil
			r.camSel.SetSelectedIndex(indexOfCam(cams, r.cam.ID))
			r.camSel.OnChanged = func(string) { r.cameraChosen() }
			r.loadDay(at)
		})
	})
}

func camLabel(c app.Camera) string {
	if c.Name != "" {
		return c.Name
	}
	return translated("camera.role."+c.Role, c.Role)
}

func indexOfCam(cams []app.Camera, id int64) int {
	for i, c := range cams {
		if c.ID == id {
			return i
		}
	}
	return 0
}

func loadLoc(zone string) *time.Location {
	if l, err := time.LoadLocation(zone); err == nil {
		return l
	}
	return time.Local
}

func (r *Review) cameraChosen() {
	i := r.camSel.SelectedIndex()
	if i < 0 || i >= len(r.cams) || r.cams[i].ID == r.cam.ID {
		return
	}
	r.cam = r.cams[i]
	at := r.shown
	if at.IsZero() {
		at = r.want
	}
	r.gen++
	r.loadDay(at)
}

// loadDay reads the camera's day (recordings, counts, alerts, receipts)
// around at, then opens the recording holding at.
func (r *Review) loadDay(at time.Time) {
	gen := r.gen
	cam, loc := r.cam, r.loc
	y, m, d := at.In(loc).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, loc)
	r.title.SetText(tr("review.title", "{{.Code}} {{.Name}} · {{.Camera}} · {{.Day}}", map[string]any{
		"Code": r.store.Code, "Name": r.store.Name, "Camera": cam.Code,
		"Day": day.Format("2006-01-02") + " " + translated("weekday."+strings.ToLower(day.Format("Mon")), day.Format("Mon"))}))
	r.run.Go(func() {
		ctx := context.Background()
		recs, err := r.core.Recordings(ctx, cam.ID, day, day.AddDate(0, 0, 1))
		var tl app.Timeline
		if err == nil {
			tl, err = r.core.CameraTimeline(ctx, cam.ID, day, day.AddDate(0, 0, 1))
		}
		lines, _ := r.core.CountingLines(ctx, cam.Code)
		r.run.Do(func() {
			if gen != r.gen {
				return
			}
			if err != nil {
				r.say(errText(err), false)
				return
			}
			r.recs, r.lines = recs, lines
			from, to := dayWindow(day, recs, tl)
			var spans [][2]time.Time
			for _, x := range recs {
				s := time.Unix(x.Starts, 0)
				spans = append(spans, [2]time.Time{s, s.Add(time.Duration(x.DurationS * float64(time.Second)))})
			}
			r.timeline.set(from, to, spans, tl)
			r.timeline.setCursor(at)
			r.openAt(at)
		})
	})
}

// dayWindow is the stretch of the day the timeline spans: from the first
// recording or count to the last, whole hours, else 08:00–22:00.
func dayWindow(day time.Time, recs []app.Recording, tl app.Timeline) (time.Time, time.Time) {
	var from, to time.Time
	widen := func(a, b time.Time) {
		if from.IsZero() || a.Before(from) {
			from = a
		}
		if b.After(to) {
			to = b
		}
	}
	for _, x := range recs {
		s := time.Unix(x.Starts, 0)
		widen(s, s.Add(time.Duration(x.DurationS*float64(time.Second))))
	}
	for _, b := range tl.Buckets {
		if b.In+b.Out > 0 {
			widen(b.Start, b.Start.Add(15*time.Minute))
		}
	}
	if from.IsZero() {
		return day.Add(8 * time.Hour), day.Add(22 * time.Hour)
	}
	from = from.Truncate(time.Hour)
	if t := to.Truncate(time.Hour); t.Before(to) {
		to = t.Add(time.Hour)
	}
	if from.Before(day) {
		from = day
	}
	if end := day.AddDate(0, 0, 1); to.After(end) {
		to = end
	}
	return from, to
}

// recordingAt is the day's recording holding t, if any.
func (r *Review) recordingAt(t time.Time) (app.Recording, bool) {
	for i := len(r.recs) - 1; i >= 0; i-- {
		x := r.recs[i]
		s := time.Unix(x.Starts, 0)
		if !t.Before(s) && t.Before(s.Add(time.Duration(x.DurationS*float64(time.Second)))) {
			return x, true
		}
	}
	return app.Recording{}, false
}

// openAt shows moment t: in the recording on screen it seeks; otherwise it
// fetches (if need be) and opens the recording holding t.
func (r *Review) openAt(t time.Time) {
	rec, ok := r.recordingAt(t)
	if !ok {
		r.say(tr("review.norecording", "No recording of {{.Camera}} at {{.Time}}: the timeline shows in blue what was recorded; pick a moment there.", map[string]any{"Camera": r.cam.Code, "Time": t.In(r.loc).Format("15:04:05")}), false)
		return
	}
	if r.pb != nil && rec.ID == r.rec.ID {
		r.say("", false)
		r.pb.seek(r.pbFrame(t))
		return
	}
	r.want = t
	r.gen++
	gen := r.gen
	r.blank()
	r.timeline.setCursor(t)
	if rec.State != "ready" {
		r.say(tr("review.fetching", "Fetching the footage of {{.From}}–{{.To}} from HQ (it is exported from the store's recorder first)…", map[string]any{
			"From": time.Unix(rec.Starts, 0).In(r.loc).Format("15:04"), "To": time.Unix(rec.Starts, 0).Add(time.Duration(rec.DurationS * float64(time.Second))).In(r.loc).Format("15:04")}), true)
	}
	r.run.Go(func() {
		from := time.Unix(rec.Starts, 0).In(r.loc).Format("15:04")
		last := -2.0
		path, err := r.core.FetchRecordingProgress(context.Background(), rec, func(f float64) {
			if f >= 0 && f < last+0.05 {
				return
			}
			last = f
			r.run.Do(func() {
				if gen != r.gen || !r.want.Equal(t) {
					return
				}
				if f < 0 {
					r.status.SetText(tr("review.exporting", "HQ is exporting the footage from {{.From}} from the store's recorder…", map[string]any{"From": from}))
				} else {
					r.status.SetText(tr("review.downloading", "Downloading the footage from {{.From}}: {{.Pct}} %…", map[string]any{"From": from, "Pct": int(f * 100)}))
				}
			})
		})
		var p *app.Player
		if err == nil {
			p, err = app.OpenPlayer(path)
		}
		r.run.Do(func() {
			if gen != r.gen || !r.want.Equal(t) {
				if p != nil {
					p.Close()
				}
				return
			}
			if err != nil {
				r.fetchFailed(t, err)
				return
			}
			rec.State, rec.LocalPath = "ready", path
			r.play(rec, p, t)
		})
	})
}

// fetchFailed says why the footage is not here and, when offline, that
// it tries again on its own.
func (r *Review) fetchFailed(t time.Time, err error) {
	if app.IsOffline(err) {
		r.say(tr("review.offline", "Offline: the footage of {{.Time}} is not on this laptop yet. StoreLens tries again every 30 seconds and shows it as soon as HQ can be reached.", map[string]any{"Time": t.In(r.loc).Format("15:04")}), false)
		if r.retry != nil {
			r.retry.Stop()
		}
		gen := r.gen
		r.retry = time.AfterFunc(30*time.Second, func() {
			r.run.Do(func() {
				if gen == r.gen && r.want.Equal(t) {
					r.openAt(t)
				}
			})
		})
		return
	}
	r.say(errText(err), false)
}

func (r *Review) pbFrame(t time.Time) int {
	return r.pb.p.FrameAt(t.Sub(time.Unix(r.rec.Starts, 0)))
}

// play puts a freshly opened recording on screen at t.
func (r *Review) play(rec app.Recording, p *app.Player, t time.Time) {
	speed := speedOf(r.speedSel.Selected)
	wasPlaying := r.resume || (r.pb != nil && r.pb.isPlaying())
	r.resume = false
	r.closePlayer()
	r.rec = rec
	r.release = r.core.OpenRecording(context.Background(), rec.ID)
	r.counts = nil
	starts := time.Unix(rec.Starts, 0)
	gen := r.gen
	var pb *playback
	pb = newPlayback(p, func(img *image.RGBA, frame int, at time.Duration) {
		r.run.DoAndWait(func() {
			if gen != r.gen || r.pb != pb || pb.isClosed() {
				return
			}
			r.img.Image = img
			r.img.Refresh()
			r.shown = starts.Add(at)
			r.timeLbl.SetText(r.shown.In(r.loc).Format("15:04:05") + fmt.Sprintf(" · %d", frame))
			r.timeline.setCursor(r.shown)
		})
	}, func() {
		r.run.Do(func() {
			if r.pb == pb {
				r.next(gen)
			}
		})
	})
	r.pb = pb
	r.pb.setSpeed(speed)
	if r.overlay.Checked {
		r.toggleOverlay(true)
	}
	r.pb.seek(r.pbFrame(t))
	if wasPlaying {
		r.pb.setPlaying(true)
	}
	r.playBtn.SetIcon(iconFor(wasPlaying))
	r.enable(true)
	r.say("", false)
}

func iconFor(playing bool) fyne.Resource {
	if playing {
		return theme.MediaPauseIcon()
	}
	return theme.MediaPlayIcon()
}

// next goes on into the following recording when one ends while playing.
func (r *Review) next(gen int) {
	if gen != r.gen {
		return
	}
	end := time.Unix(r.rec.Starts, 0).Add(time.Duration(r.rec.DurationS * float64(time.Second)))
	if nx, ok := r.recordingAt(end.Add(time.Second)); ok && nx.ID != r.rec.ID {
		r.playBtn.SetIcon(iconFor(true))
		r.openAt(time.Unix(nx.Starts, 0))
		r.speedSel.Refresh()
		return
	}
	r.playBtn.SetIcon(iconFor(false))
	r.say(tr("review.end", "End of the recorded footage of this day."), false)
}

// blank takes the picture of the moment on screen away while another
// moment loads: no frame of one moment is shown under another's cursor,
// and nothing can be captured until the new frame is decoded.
func (r *Review) blank() {
	if r.pb != nil {
		r.resume = r.pb.isPlaying()
	}
	r.closePlayer()
	r.rec = app.Recording{}
	r.shown = time.Time{}
	r.counts = nil
	r.img.Image = blankFrame
	r.img.Refresh()
	r.timeLbl.SetText("")
	r.enable(false)
}

// blankFrame is the picture while a moment loads.
var blankFrame = func() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 768, 576))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = 24, 24, 24, 255
	}
	return img
}()

func (r *Review) closePlayer() {
	if r.pb != nil {
		r.pb.close()
		r.pb = nil
	}
	if r.release != nil {
		r.release()
		r.release = nil
	}
}

// Close lets the footage go (the window is closing).
func (r *Review) Close() {
	r.gen++
	r.closePlayer()
}

func (r *Review) togglePlay() {
	if r.pb == nil {
		return
	}
	on := !r.pb.isPlaying()
	r.pb.setPlaying(on)
	r.playBtn.SetIcon(iconFor(on))
}

func (r *Review) step(n int) {
	if r.pb == nil {
		return
	}
	r.pb.stepBy(n)
	r.playBtn.SetIcon(iconFor(false))
}

func (r *Review) seekTo(t time.Time) {
	if r.store.ID == 0 {
		return
	}
	r.openAt(t)
}

// TypedKey handles the review's keys: space, ←/→, J/K/L.
func (r *Review) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeySpace:
		r.togglePlay()
	case fyne.KeyLeft:
		r.step(-1)
	case fyne.KeyRight:
		r.step(1)
	case fyne.KeyK:
		if r.pb != nil {
			r.pb.setPlaying(false)
			r.playBtn.SetIcon(iconFor(false))
		}
	case fyne.KeyL:
		r.faster(true)
	case fyne.KeyJ:
		r.faster(false)
	}
}

// faster plays on at the next speed up (L) or down (J).
func (r *Review) faster(up bool) {
	if r.pb == nil {
		return
	}
	i := max(0, indexOf(reviewSpeeds, r.speedSel.Selected))
	if r.pb.isPlaying() {
		if up {
			i = min(i+1, len(reviewSpeeds)-1)
		} else {
			i = max(i-1, 0)
		}
	}
	r.speedSel.SetSelected(reviewSpeeds[i])
	r.pb.setPlaying(true)
	r.playBtn.SetIcon(iconFor(true))
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func (r *Review) say(msg string, busy bool) {
	r.status.SetText(msg)
	r.status.Hidden = msg == ""
	if busy {
		r.busy.Show()
		r.busy.Start()
	} else {
		r.busy.Stop()
		r.busy.Hide()
	}
}

// errText is an error in the window's language when it carries catalogue
// phrases, else its text.
func errText(err error) string {
	var said interface{ Text() i18n.Text }
	if errors.As(err, &said) && len(said.Text()) > 0 {
		return said.Text().In(CurrentLanguage())
	}
	return err.Error()
}
