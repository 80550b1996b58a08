package ui

// This file is the review's overlay of a recount (the tracked people
// and their decisions over the footage) and the evidence the review
// raises from the picture on screen: a snapshot, a task, a person marked
// as staff.

import (
	"context"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"storelens/app"
	"storelens/app/i18n"
)

// toggleOverlay draws the counting lines and, after a background recount
// of the recording on screen, the tracked people and their decisions.
func (r *Review) toggleOverlay(on bool) {
	if r.OnOpened != nil && r.store.Code != "" {
		at := r.shown
		if at.IsZero() {
			at = r.want
		}
		r.OnOpened(r.store.Code, at, on)
	}
	if r.pb == nil {
		return
	}
	if !on {
		r.pb.setDecorate(nil)
		return
	}
	if r.counts == nil {
		r.counts = &countOverlay{lines: r.lines}
		r.recount()
	}
	ov := r.counts
	r.pb.setDecorate(ov.draw)
}

// recount counts the recording on screen in the background (its result
// lands in the local store like any recount), gathering the boxes of
// every analysed frame for the overlay.
func (r *Review) recount() {
	rec, cam, gen := r.rec, r.cam, r.gen
	ov := r.counts
	r.say(tr("review.recounting", "Recounting {{.From}}–{{.To}} (store time) on this laptop to show each person's track…", map[string]any{
		"From": time.Unix(rec.Starts, 0).In(r.loc).Format("2006-01-02 15:04"), "To": time.Unix(rec.Starts, 0).Add(time.Duration(rec.DurationS * float64(time.Second))).In(r.loc).Format("15:04")}), true)
	progress := 0.0
	// The recount starts at the recording's start; the people near the
	// frame on screen are found first, on a core of their own, so the
	// manager sees boxes where they are looking at once.
	ctx, stop := context.WithCancel(context.Background())
	// The moment on screen, or the one asked for while the player is
	// still on its way there.
	moment := r.shown
	if moment.IsZero() {
		moment = r.want
	}
	if pb := r.pb; pb != nil && !moment.IsZero() {
		if at := moment.Sub(time.Unix(rec.Starts, 0)); at > 10*time.Second {
			r.run.Go(func() {
				// Best effort: if it fails, the recount's boxes still come.
				_ = r.core.PeopleAhead(ctx, rec.LocalPath, at, time.Minute, func(frame int, people []app.TrackBox) {
					ov.addAhead(frame, people)
					pb.redraw()
				})
			})
		}
	}
	r.run.Go(func() {
		defer stop()
		// The manager is waiting on it: every core.
		out, err := r.core.Recount(context.Background(), app.RecountRequest{Video: rec.LocalPath, CameraCode: cam.Code, Start: time.Unix(rec.Starts, 0),
			RecordingID: rec.ID, Threads: runtime.NumCPU(), OnTracks: ov.add, Progress: func(done, total int) {
				if total > 0 && float64(done)/float64(total) >= progress+0.05 {
					progress = float64(done) / float64(total)
					p := progress
					r.run.Do(func() {
						if gen == r.gen {
							r.status.SetText(tr("review.recounting.pct", "Recounting on this laptop: {{.Pct}} % done; boxes show up to there, IN and OUT when it finishes.", map[string]any{"Pct": int(p * 100)}))
							r.pb.redraw()
						}
					})
				}
			}})
		decisions := map[int]string{}
		if out != nil {
			for _, e := range out.Result.Events {
				if e.Line != app.LineEntrance {
					continue
				}
				switch {
				case e.Staff:
					decisions[e.Track] = "staff"
				case decisions[e.Track] == "":
					decisions[e.Track] = e.Dir
				}
			}
		}
		r.run.Do(func() {
			if gen != r.gen || r.counts != ov {
				return
			}
			if err != nil {
				r.say(errText(err), false)
				return
			}
			ov.finish(decisions)
			r.recountID = out.RecountID
			var tracks []string
			for tr := range decisions {
				tracks = append(tracks, "#"+strconv.Itoa(tr))
			}
			sort.Slice(tracks, func(i, j int) bool {
				return len(tracks[i]) < len(tracks[j]) || len(tracks[i]) == len(tracks[j]) && tracks[i] < tracks[j]
			})
			r.staffSel.Options = tracks
			r.staffSel.Show()
			r.staffBtn.Show()
			res := out.Result
			r.say(tr("review.recounted", "Local recount of this stretch: {{.In}} in, {{.Out}} out, {{.Staff}} by staff. Boxes: green IN, orange OUT, blue STAFF; yellow is the counting line.", map[string]any{
				"In": res.In, "Out": res.Out, "Staff": res.StaffExcluded}), false)
			if r.overlay.Checked && r.pb != nil {
				r.pb.setDecorate(ov.draw)
			}
			r.loadTimelineOnly()
		})
	})
}

// loadTimelineOnly refreshes the timeline (after a recount added ticks).
func (r *Review) loadTimelineOnly() {
	cam, from, to, spans := r.cam, r.timeline.from, r.timeline.to, r.timeline.spans
	gen := r.gen
	r.run.Go(func() {
		y, m, d := from.In(r.loc).Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, r.loc)
		tl, err := r.core.CameraTimeline(context.Background(), cam.ID, day, day.AddDate(0, 0, 1))
		r.run.Do(func() {
			if err == nil && gen == r.gen {
				r.timeline.set(from, to, spans, tl)
			}
		})
	})
}

// snapshot keeps the frame on screen (burned in, heads blurred unless the
// setting says otherwise) as evidence and offers to raise a task with it.
func (r *Review) snapshot() {
	if r.pb == nil || r.shown.IsZero() || r.rec.ID == 0 {
		return
	}
	req := app.EvidenceRequest{RecordingID: r.rec.ID, StoreCode: r.store.Code, CameraID: r.cam.ID, At: r.shown, Loc: r.loc,
		Blur: r.core.IntSetting(context.Background(), app.SettingBlurFaces) != 0}
	gen, rec := r.gen, r.rec
	r.pb.setPlaying(false)
	r.playBtn.SetIcon(iconFor(false))
	r.say(tr("review.snapping", "Taking the snapshot…"), true)
	r.run.Go(func() {
		snap, err := r.core.EvidenceStill(context.Background(), req)
		var id int64
		if err == nil {
			id, err = r.core.KeepSnapshot(context.Background(), snap)
		}
		r.run.Do(func() {
			if err != nil {
				r.say(errText(err), false)
				return
			}
			if gen != r.gen {
				// Another moment was asked for meanwhile: the still is
				// kept, but no task is raised on a moment no longer shown.
				r.say("", false)
				return
			}
			r.say(tr("review.snapped", "Snapshot of {{.Time}} kept as evidence.", map[string]any{"Time": snap.At.Format("15:04:05")}), false)
			r.raise(&taskEvidence{snapshotID: id, image: snap.Image, at: snap.At, recordingID: rec.ID, cameraID: snap.Camera.ID})
		})
	})
}

// raise opens the task form for the store on screen.
func (r *Review) raise(ev *taskEvidence) {
	if r.OnTask == nil || r.store.ID == 0 || (ev == nil && r.shown.IsZero()) {
		return
	}
	p := taskPrefill{store: r.store.Code, storeName: r.store.Name, evidence: ev}
	at := r.shown
	if ev != nil {
		at = ev.at
	}
	if !at.IsZero() {
		// Written for the store, in the store's language.
		p.body = i18n.Say("review.task.body", "Camera", r.cam.Code, "Time", at.In(r.loc).Format("2006-01-02 15:04:05")).In(r.core.StoreLanguage(context.Background()))
		p.at = at
		p.cameraID = r.cam.ID
		p.recordingID = r.rec.ID
	}
	r.OnTask(p)
}

// markStaff records that the chosen track is staff: its crossings stop
// counting as entries (the stored recount, the camera's buckets and the
// store's figures follow) and the overlay marks it.
func (r *Review) markStaff() {
	sel := strings.TrimPrefix(r.staffSel.Selected, "#")
	track, err := strconv.Atoi(sel)
	if err != nil || r.recountID == 0 || r.counts == nil {
		return
	}
	id, ov := r.recountID, r.counts
	r.run.Go(func() {
		err := r.core.MarkTrackStaff(context.Background(), id, track)
		r.run.Do(func() {
			if err != nil {
				r.say(errText(err), false)
				return
			}
			ov.decisions[track] = "staff"
			r.say(tr("review.staff.done", "Track #{{.Track}} is marked as staff: its crossings no longer count as entries.", map[string]any{"Track": track}), false)
			if r.pb != nil && r.overlay.Checked {
				r.pb.setDecorate(ov.draw)
			}
		})
	})
}

// SetOverlay switches the counting overlay on or off (as the check box does).
func (r *Review) SetOverlay(on bool) { r.overlay.SetChecked(on) }
