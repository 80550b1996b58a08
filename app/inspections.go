package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"storelens/app/i18n"
	"storelens/localdb"
	"storelens/vision"
)

// InspectionShot is one snapshot taken for a scheduled inspection.
type InspectionShot = localdb.InspectionShot

// InspectionCatchUp is how far back a run takes the snapshots it missed
// (while the laptop was closed, say); older due moments are left.
const InspectionCatchUp = 7 * 24 * time.Hour

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
}

// RunInspections takes every snapshot due up to req's moment (and not
// older than InspectionCatchUp) that is not taken yet: from the camera's
// live stream when the moment is now and the camera answers, else from the
// recording of the moment (fetched from HQ when not here), else HQ's own
// inspection snapshot. A moment is taken once, whatever the number of runs.
func (a *App) RunInspections(ctx context.Context, req InspectionRequest) (InspectionRun, error) {
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
		for _, due := range DueMoments(d, upTo.Add(-InspectionCatchUp), upTo, loc) {
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
			ok, err := a.db.RecordShot(ctx, shot.InspectionShot, shot.sha)
			if err != nil {
				return run, err
			}
			if ok {
				taken[localdb.ShotKey(d.ScheduleID, d.CameraID, due)] = true
				run.Taken = append(run.Taken, shot.InspectionShot)
			}
		}
	}
	return run, nil
}

// DueMoments are the moments in [from, upTo] at which schedule d is due on
// the clock loc: its times on its weekdays, from its start date on.
func DueMoments(d localdb.InspectionDue, from, upTo time.Time, loc *time.Location) []time.Time {
	var clock [][2]int
	for _, s := range strings.Split(d.Times, ",") {
		hh, mm, ok := strings.Cut(strings.TrimSpace(s), ":")
		h, err1 := strconv.Atoi(hh)
		m, err2 := strconv.Atoi(mm)
		if ok && err1 == nil && err2 == nil && h >= 0 && h < 24 && m >= 0 && m < 60 {
			clock = append(clock, [2]int{h, m})
		}
	}
	var out []time.Time
	f := from.In(loc)
	for day := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc); !day.After(upTo); day = day.AddDate(0, 0, 1) {
		if d.StartsOn != "" && day.Format("2006-01-02") < d.StartsOn {
			continue
		}
		if d.Weekdays&(1<<((int(day.Weekday())+6)%7)) == 0 {
			continue
		}
		for _, c := range clock {
			t := time.Date(day.Year(), day.Month(), day.Day(), c[0], c[1], 0, 0, loc)
			if !t.Before(from) && !t.After(upTo) {
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

type takenShot struct {
	localdb.InspectionShot
	sha string
}

// takeShot finds the picture of one due moment, trying the sources in
// order; why says, when none had it, what each answered.
func (a *App) takeShot(ctx context.Context, d localdb.InspectionDue, due, now time.Time, loc *time.Location) (takenShot, i18n.Text) {
	shot := takenShot{InspectionShot: localdb.InspectionShot{ScheduleID: d.ScheduleID, Schedule: d.Name, StoreCode: d.StoreCode,
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
			shot.Source, shot.Path, shot.sha, shot.TakenAt = "live", path, sha, now
			return shot, nil
		}
		why = append(why, i18n.P("inspections.why.live", "Err", errSaid(err)))
	}
	snap, err := a.TakeSnapshot(ctx, SnapshotRequest{StoreCode: d.StoreCode, CameraCode: d.CameraCode, At: due, NoBlur: true})
	if err == nil {
		path, sha, err := a.writeEvidence(snap.Image)
		if err != nil {
			return shot, i18n.Say("inspections.why.write", "Err", err.Error())
		}
		shot.Source, shot.Path, shot.sha = "recording", path, sha
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
