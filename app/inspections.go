package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"storelens/app/i18n"
	"storelens/app/vocab"
	"storelens/assets"
	"storelens/localdb"
	"storelens/vision"
)

// InspectionShot is one snapshot taken for a scheduled inspection.
type InspectionShot = localdb.InspectionShot

// InspectionCatchUp asks a run for the full catch-up: every moment it
// missed (while the laptop was closed, say) back to the Monday of last
// week on each store's clock (CatchUpFrom); older due moments are left.
const InspectionCatchUp = 14 * 24 * time.Hour

// liveWindow is how late a camera's live picture still stands for a due
// moment; later, the recording of the moment is used.
const liveWindow = 10 * time.Minute

// hqWindow is how far from the due moment HQ's own inspection snapshot may
// be taken to stand for it.
const hqWindow = 10 * time.Minute

// InspectionRun is what RunInspections did.
type InspectionRun struct {
	// Taken are the snapshots taken in this run.
	Taken []InspectionShot
	// Missing are the due moments no source could show yet; the next run
	// tries them again.
	Missing []MissedInspection
}

// MissedInspection is a due moment without a picture yet, and why.
type MissedInspection struct {
	Schedule, Store, Camera string
	Due                     time.Time
	Why                     i18n.Text
}

// InspectionRequest says up to when a run takes the snapshots due.
type InspectionRequest struct {
	// AtLocal, "YYYY-MM-DD HH:MM", is read on each store's own clock: the
	// run takes what is due up to that store-local moment. "" means now.
	AtLocal string
	// Now is the present (zero: time.Now); a live picture is taken only
	// for moments due within liveWindow of it.
	Now time.Time
	// Lookback is how far back the run looks (0 or InspectionCatchUp: the
	// full catch-up, back to CatchUpFrom).
	Lookback time.Duration
}

// RunInspections takes every snapshot due up to req's moment (and not
// before CatchUpFrom) that is not taken yet: from the camera's
// live stream when the moment is now and the camera answers, else from the
// recording of the moment when it is on the laptop, else HQ's own
// inspection snapshot. A moment is taken once, whatever the number of runs.
func (a *App) RunInspections(ctx context.Context, req InspectionRequest) (InspectionRun, error) {
	a.inspMu.Lock()
	defer a.inspMu.Unlock()
	var run InspectionRun
	now := req.Now
	if now.IsZero() {
		now = time.Now()
	}
	plan, err := a.db.InspectionPlan(ctx)
	if err != nil {
		return run, err
	}
	taken, err := a.db.TakenShots(ctx, now.Add(-InspectionCatchUp-48*time.Hour))
	if err != nil {
		return run, err
	}
	// Snapshots are stored in batches: a catch-up of a week of a region is
	// thousands of moments, one transaction each would hold the writer.
	var batch []localdb.ShotToRecord
	flush := func() error {
		stored, err := a.db.RecordShots(ctx, batch)
		run.Taken = append(run.Taken, stored...)
		batch = batch[:0]
		return err
	}
	for _, d := range plan {
		loc, err := time.LoadLocation(d.TimeZone)
		if err != nil {
			loc = time.Local
		}
		upTo := now
		if req.AtLocal != "" {
			if upTo, err = time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(req.AtLocal), loc); err != nil {
				return run, said("inspections.err.at", "At", req.AtLocal)
			}
		}
		from := CatchUpFrom(upTo, loc)
		if back := req.Lookback; back > 0 && back < InspectionCatchUp {
			from = upTo.Add(-back)
		}
		for _, due := range DueMoments(d, from, upTo, loc) {
			if err := ctx.Err(); err != nil {
				return run, err
			}
			if taken[localdb.ShotKey(d.ScheduleID, d.CameraID, due)] {
				continue
			}
			shot, why := a.takeShot(ctx, d, due, now, loc)
			if why != nil {
				run.Missing = append(run.Missing, MissedInspection{Schedule: d.Name, Store: d.StoreCode, Camera: d.CameraCode, Due: due, Why: why})
				continue
			}
			taken[localdb.ShotKey(d.ScheduleID, d.CameraID, due)] = true
			if shot.Path != "" && !IsBannerCheck(d.Name) {
				if zone, size, err := a.cameraZone(ctx, d.CameraCode, "door_zone"); err == nil {
					if sug, err := a.suggest(shot.Path, zone, size); err == nil {
						shot.Suggestion = sug
					}
				}
			}
			batch = append(batch, shot)
			if len(batch) >= 500 {
				if err := flush(); err != nil {
					return run, err
				}
			}
		}
	}
	return run, flush()
}

// StartInspections takes the inspections due in the background while the
// window is open: at once (catching up what fell due while the laptop was
// closed), then each minute what has just fallen due, and the whole
// catch-up again after each sync (which may bring schedules, HQ's
// snapshots or recordings of moments missed) and every quarter of an hour.
// onTaken hears each run that took snapshots. It stops with ctx.
func (a *App) StartInspections(ctx context.Context, onTaken func(InspectionRun)) {
	if !a.inspRunning.CompareAndSwap(false, true) {
		return // already running
	}
	synced, remove := a.syncEnds()
	go func() {
		defer a.inspRunning.Store(false)
		defer remove()
		tick := time.NewTicker(time.Minute)
		defer tick.Stop()
		full := true
		for n := 1; ; n++ {
			req := InspectionRequest{Lookback: 15 * time.Minute}
			if full {
				req.Lookback = InspectionCatchUp
			}
			run, err := a.RunInspections(ctx, req)
			if err != nil && ctx.Err() == nil {
				a.log.Warn("scheduled inspections", "err", err)
			}
			if len(run.Taken) > 0 && onTaken != nil {
				onTaken(run)
			}
			select {
			case <-ctx.Done():
				return
			case <-synced:
				full = true
			case <-tick.C:
				full = n%15 == 0
			}
		}
	}()
}

// syncEnds signals on its channel when a sync run has ended with new data
// (a later LastSync); remove stops listening. A background service waits
// on it to run again.
func (a *App) syncEnds() (ended <-chan struct{}, remove func()) {
	ch := make(chan struct{}, 1)
	var mu sync.Mutex
	var last time.Time
	remove = a.OnSyncState(func(st SyncState) {
		mu.Lock()
		defer mu.Unlock()
		if !st.Running && st.LastSync.After(last) {
			last = st.LastSync
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	})
	return ch, remove
}

// DueMoments are the moments in [from, upTo] at which schedule d is due on
// the clock loc: its times on its weekdays, from its start date on.
func DueMoments(d localdb.InspectionDue, from, upTo time.Time, loc *time.Location) []time.Time {
	return d.Moments(from, upTo, loc)
}

// CatchUpFrom is where a full run starts looking on a store's clock: the
// Monday of last week, at midnight. Whatever the day, last week (the week
// the report is made of) is whole, which a plain seven days back is not:
// on a Monday noon it would lose that morning's moments of last Monday.
func CatchUpFrom(now time.Time, loc *time.Location) time.Time {
	n := now.In(loc)
	monday := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, -((int(n.Weekday())+6)%7)-7)
	return monday
}

// takeShot finds the picture of one due moment, trying the sources in
// order; why says, when none had it, what each answered.
func (a *App) takeShot(ctx context.Context, d localdb.InspectionDue, due, now time.Time, loc *time.Location) (localdb.ShotToRecord, i18n.Text) {
	shot := localdb.ShotToRecord{InspectionShot: localdb.InspectionShot{ScheduleID: d.ScheduleID, Schedule: d.Name, StoreCode: d.StoreCode,
		TimeZone: d.TimeZone, CameraID: d.CameraID, CameraCode: d.CameraCode, Due: due, TakenAt: now}}
	lines := []string{d.StoreCode + "  " + d.CameraCode, due.In(loc).Format(time.DateTime)}
	var why i18n.Text
	if late := now.Sub(due); d.StreamURL != "" && late >= 0 && late <= liveWindow {
		lctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		img, err := vision.LiveStill(lctx, d.StreamURL, vision.StillOptions{Lines: []string{lines[0], now.In(loc).Format(time.DateTime)}})
		cancel()
		if err == nil {
			path, sha, err := a.writeEvidence(img)
			if err != nil {
				return shot, i18n.Say("inspections.why.write", "Err", err.Error())
			}
			shot.Source, shot.Path, shot.SHA, shot.TakenAt = "live", path, sha, now
			return shot, nil
		}
		why = append(why, i18n.P("inspections.why.live", "Err", errSaid(err)))
	}
	// The recording of the moment, when it is on the laptop (a run does
	// not fetch footage: a moment not here yet is tried again next run).
	snap, err := a.recordedStill(ctx, d, due, loc)
	if err == nil {
		path, sha, err := a.writeEvidence(snap.Image)
		if err != nil {
			return shot, i18n.Say("inspections.why.write", "Err", err.Error())
		}
		shot.Source, shot.Path, shot.SHA = "recording", path, sha
		return shot, nil
	}
	why = append(why, i18n.P("inspections.why.recording", "Err", errSaid(err)))
	id, _, ok, err := a.db.HQSnapshotNear(ctx, d.ScheduleID, d.CameraID, due, hqWindow)
	if err == nil && ok {
		shot.Source, shot.SnapshotID = "hq", id
		return shot, nil
	}
	return shot, append(why, i18n.P("inspections.why.hq"))
}

// recordedStill is the still of the due moment from the camera's
// recording, when the recording is on the laptop.
func (a *App) recordedStill(ctx context.Context, d localdb.InspectionDue, at time.Time, loc *time.Location) (*Snapshot, error) {
	recs, err := a.db.RecordingsCovering(ctx, d.CameraID, at, at.Add(time.Second))
	if err != nil {
		return nil, err
	}
	for i := len(recs) - 1; i >= 0; i-- {
		r := recs[i]
		if r.State != "ready" || r.LocalPath == "" {
			continue
		}
		if _, err := os.Stat(r.LocalPath); err == nil {
			return a.StillFrom(r.LocalPath, d.StoreCode, Camera{ID: d.CameraID, Code: d.CameraCode}, time.Unix(r.Starts, 0), at, loc, false)
		}
	}
	return nil, said("inspections.why.norecording")
}

// errSaid is an error as catalogue phrases (its own when it has them),
// to be said inside another sentence in the reader's language.
func errSaid(err error) i18n.Text {
	var s interface{ Text() i18n.Text }
	if errors.As(err, &s) && len(s.Text()) > 0 {
		return s.Text()
	}
	return i18n.Say("inspections.err.raw", "Err", fmt.Sprint(err))
}

// InspectionSchedules are the schedules held here, active or paused.
func (a *App) InspectionSchedules(ctx context.Context) ([]localdb.InspectionDue, error) {
	return a.db.InspectionPlan(ctx)
}

// InspectionShots lists the snapshots due in [from, to) with their verdicts.
func (a *App) InspectionShots(ctx context.Context, from, to time.Time) ([]InspectionShot, error) {
	return a.db.InspectionShots(ctx, from, to)
}

// Verdicts a manager gives an inspection snapshot.
var Verdicts = []string{"pass", "fail", "unclear"}

// JudgeRequest is a manager's verdict on one inspection snapshot.
type JudgeRequest struct {
	Shot    InspectionShot
	Verdict string // pass, fail or unclear
	Note    string
	// Task, on a fail, raises a corrective task with the snapshot as its
	// evidence (TaskTitle, or one said from the schedule's name).
	Task      bool
	TaskTitle string
}

// JudgeInspection records a verdict (and the task a fail raises) and
// queues it for HQ exactly once; a snapshot taken here goes with its
// picture. A snapshot already judged keeps its first verdict.
func (a *App) JudgeInspection(ctx context.Context, req JudgeRequest) (InspectionShot, error) {
	if !slices.Contains(Verdicts, req.Verdict) {
		return req.Shot, said("inspections.err.verdict", "Verdict", req.Verdict)
	}
	if req.Shot.SnapshotID == 0 {
		return req.Shot, said("inspections.err.nopicture")
	}
	if req.Shot.Verdict != "" {
		return req.Shot, said("inspections.err.judged", "Verdict", i18n.Label("verdict."+req.Shot.Verdict))
	}
	r := localdb.InspectionResult{SnapshotID: req.Shot.SnapshotID, Verdict: req.Verdict, Note: strings.TrimSpace(req.Note),
		DecidedAt: time.Now(), DecidedBy: vocab.ActorManager}
	if req.Verdict == "fail" && req.Task {
		st, err := a.db.StoreByCode(ctx, req.Shot.StoreCode)
		if err != nil {
			return req.Shot, err
		}
		title := strings.TrimSpace(req.TaskTitle)
		if title == "" {
			title = i18n.Say("inspections.task.title", "Schedule", req.Shot.Schedule).In(a.StoreLanguage(ctx))
		}
		r.Task = &localdb.CorrectiveTask{StoreID: st.ID, Category: taskCategoryFor(req.Shot.Schedule), Title: title, Body: r.Note,
			AtTime: req.Shot.Due, CameraID: req.Shot.CameraID, CreatedBy: vocab.ActorManager}
	}
	if _, err := a.db.RecordInspectionResult(ctx, r); err != nil {
		return req.Shot, err
	}
	a.SyncNow()
	req.Shot.Verdict = req.Verdict
	return req.Shot, nil
}

// taskCategoryFor is the task category a schedule's failure goes under,
// from the words of its name (门口/迎宾 → door greeting, 收银 → till, …).
func taskCategoryFor(schedule string) string {
	switch {
	case strings.Contains(schedule, "门口"), strings.Contains(schedule, "迎宾"), strings.Contains(schedule, "叫卖"), strings.Contains(strings.ToLower(schedule), "greet"):
		return vocab.TaskCatDoorGreeting
	case strings.Contains(schedule, "收银"), strings.Contains(strings.ToLower(schedule), "till"):
		return vocab.TaskCatTill
	case strings.Contains(schedule, "陈列"), strings.Contains(schedule, "吊旗"), strings.Contains(schedule, "橱窗"), strings.Contains(strings.ToLower(schedule), "display"):
		return vocab.TaskCatDisplay
	}
	return vocab.TaskCatOther
}

// ShotImage is the file of an inspection snapshot's picture: kept here, or
// HQ's downloaded once (offline, it says so).
func (a *App) ShotImage(ctx context.Context, s InspectionShot) (string, error) {
	if s.Path != "" {
		if _, err := os.Stat(s.Path); err == nil {
			return s.Path, nil
		}
	}
	if s.SnapshotID == 0 {
		return "", said("inspections.err.nopicture")
	}
	e, err := a.syncSvc().engine(ctx)
	if err != nil {
		return "", err
	}
	return e.DownloadSnapshot(ctx, s.SnapshotID)
}

// PreCheck is the pre-check of an inspection snapshot, a suggestion shown
// beside the verdict and never in its place. For a banner check (吊旗,
// 横幅, 海报, banner): does the camera's banner zone differ from the last
// snapshot of the schedule the manager passed ("changed") or not ("same")?
// "" while there is no such reference or the camera has no banner zone.
// For any other check: does the person detector see anybody standing in
// the camera's door zone, or the picture when it has none ("person"), or
// not ("nobody")? It downloads HQ's pictures when
// need be and keeps the answer.
func (a *App) PreCheck(ctx context.Context, s InspectionShot) (string, error) {
	if s.Suggestion != "" {
		return s.Suggestion, nil
	}
	if IsBannerCheck(s.Schedule) {
		sug, err := a.bannerSuggest(ctx, s)
		if err != nil || sug == "" {
			return "", err
		}
		return sug, a.db.SetShotSuggestion(ctx, s.ID, sug)
	}
	path, err := a.ShotImage(ctx, s)
	if err != nil {
		return "", err
	}
	zone, size, err := a.cameraZone(ctx, s.CameraCode, "door_zone")
	if err != nil {
		return "", err
	}
	sug, err := a.suggest(path, zone, size)
	if err != nil {
		return "", err
	}
	return sug, a.db.SetShotSuggestion(ctx, s.ID, sug)
}

// cameraZone is a camera's zone of kind in its frame's pixels (nil when
// the camera has none).
func (a *App) cameraZone(ctx context.Context, cameraCode, kind string) ([]vision.Pt, image.Point, error) {
	cam, err := a.db.CountingCameraByCode(ctx, cameraCode)
	if err != nil {
		return nil, image.Point{}, err
	}
	pts, ok := cam.Lines[kind]
	if !ok {
		return nil, image.Point{}, nil
	}
	zone, err := vision.ParsePolygon(pts)
	if err != nil {
		return nil, image.Point{}, fmt.Errorf("camera %s %s: %w", cameraCode, kind, err)
	}
	return zone, image.Pt(cam.Width, cam.Height), nil
}

// IsBannerCheck reports whether the schedule named so checks a banner
// (or poster, hanging flag) rather than people.
func IsBannerCheck(schedule string) bool {
	l := strings.ToLower(schedule)
	return strings.Contains(schedule, "吊旗") || strings.Contains(schedule, "横幅") || strings.Contains(schedule, "海报") ||
		strings.Contains(l, "banner") || strings.Contains(l, "poster")
}

// bannerSuggest compares the snapshot's banner zone with the reference's.
func (a *App) bannerSuggest(ctx context.Context, s InspectionShot) (string, error) {
	zone, size, err := a.cameraZone(ctx, s.CameraCode, "banner_zone")
	if err != nil || zone == nil {
		return "", err
	}
	ref, ok, err := a.db.ReferenceShot(ctx, s)
	if err != nil || !ok {
		return "", err
	}
	refPath, err := a.ShotImage(ctx, ref)
	if err != nil {
		return "", err
	}
	path, err := a.ShotImage(ctx, s)
	if err != nil {
		return "", err
	}
	score, err := vision.ZoneChange(refPath, path, zone, size)
	if err != nil {
		return "", err
	}
	if score >= vision.ZoneChangeThreshold {
		return "changed", nil
	}
	return "same", nil
}

// precheckScore is the detector score a pre-check counts as a person: the
// detector's own strong-detection threshold.
const precheckScore = 0.45

// suggest runs the person detector on the picture at path: anybody with
// their feet in zone (the camera's door zone; the whole picture without).
func (a *App) suggest(path string, zone []vision.Pt, size image.Point) (string, error) {
	a.precheckMu.Lock()
	defer a.precheckMu.Unlock()
	if a.precheck == nil {
		model, err := assets.PersonModel()
		if err != nil {
			return "", err
		}
		d, err := vision.NewNanoDetDetector(vision.NanoDetConfig{ModelData: model})
		if err != nil {
			return "", err
		}
		a.precheck = d
	}
	n, err := vision.PeopleInZone(path, a.precheck, precheckScore, zone, size)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return "person", nil
	}
	return "nobody", nil
}
