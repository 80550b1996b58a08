package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"storelens/app/vocab"
	"storelens/localdb"
	"storelens/vision/health"
)

// HealthCheckRequest asks for one video of a camera to be checked for a
// blocked lens, a moved camera, a blurred picture or lost signal.
type HealthCheckRequest struct {
	// Video is a file path or a camera/recording address.
	Video string
	// CameraCode names the camera the footage is from. With a camera the
	// alerts are stored (source local) beside the devices' own alerts, the
	// camera's counts during them are marked suspect and the store's
	// rollups refreshed; without one the check is only returned.
	CameraCode string
	// Start is the wall-clock time of the video's first frame; required
	// with a camera.
	Start time.Time
	// Reference, when set, is footage (a video's first ReferenceSpan, or a
	// picture) of the camera's normal view. With a camera it replaces the
	// camera's stored reference — the manager's "learn again" after a
	// legitimate re-installation.
	Reference string
	// Relearn, with a camera, learns the reference again from the start of
	// Video itself and stores it.
	Relearn bool
	// Config tunes the checks; the zero value is the chain's default.
	Config health.Config
}

// HealthCheckOutcome is what a check found and what was stored.
type HealthCheckOutcome struct {
	Report *health.Report
	// StoredAlerts are the alerts written to the local store (empty when
	// no camera was given).
	StoredAlerts []localdb.HealthAlert
	// ReferenceStored is true when the camera's reference was (re)learnt
	// and stored by this check.
	ReferenceStored bool
	// ClosedAlerts counts earlier open alerts of the camera that this
	// footage shows to be over.
	ClosedAlerts int
}

// CheckHealth runs a camera health check; see the package function.
func (a *App) CheckHealth(ctx context.Context, req HealthCheckRequest) (*HealthCheckOutcome, error) {
	return CheckHealth(ctx, a.db, req)
}

// CheckHealth checks a video against the camera's reference view. The
// reference is, in order: the footage in req.Reference; the camera's stored
// reference (unless req.Relearn); the first ReferenceSpan of the video
// itself — in which case it is stored for the camera's next checks.
//
// With a camera, in one transaction: the local alerts of an earlier check
// of the same period are replaced; alerts still open from an earlier video
// are continued when this video starts in the same condition, and closed at
// this video's start otherwise; the new alerts are stored; counts overlapping
// them are marked suspect; the store's rollups are refreshed. Nothing is
// stored when the video cannot be read.
func CheckHealth(ctx context.Context, db *localdb.DB, req HealthCheckRequest) (*HealthCheckOutcome, error) {
	var place localdb.CameraPlace
	var ref *health.Reference
	var learntFrom string
	withCamera := req.CameraCode != ""
	if withCamera {
		if db == nil {
			return nil, errors.New("health check: a camera was given but no local store is open")
		}
		if req.Start.IsZero() {
			return nil, fmt.Errorf("health check of %s for camera %s: give the wall-clock time of the video's first frame (--start)", req.Video, req.CameraCode)
		}
		var err error
		if place, err = db.CameraPlaceByCode(ctx, req.CameraCode); err != nil {
			if errors.Is(err, localdb.ErrNotFound) {
				return nil, fmt.Errorf("camera %s is not in the local store: %w; sync first or check the code", req.CameraCode, err)
			}
			return nil, err
		}
	}
	switch {
	case req.Reference != "":
		r, err := health.LearnReference(ctx, req.Reference, req.Config)
		if err != nil {
			return nil, err
		}
		ref, learntFrom = r, req.Reference
	case withCamera && !req.Relearn:
		rec, err := db.CameraReference(ctx, place.CameraID)
		switch {
		case errors.Is(err, localdb.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			var r health.Reference
			if err := r.UnmarshalBinary(rec.Reference); err != nil {
				return nil, fmt.Errorf("camera %s: %w (run the check with --relearn on footage of the normal view)", place.Code, err)
			}
			ref = &r
		}
	}
	rep, err := health.CheckVideo(ctx, req.Video, ref, req.Config)
	if err != nil {
		return nil, err
	}
	out := &HealthCheckOutcome{Report: rep}
	if !withCamera {
		return out, nil
	}
	if rep.Learnt {
		learntFrom = req.Video
	}
	var refBlob []byte
	if learntFrom != "" {
		if refBlob, err = rep.Reference.MarshalBinary(); err != nil {
			return nil, fmt.Errorf("camera %s: encode the reference view: %w", place.Code, err)
		}
	}

	start := req.Start.UTC()
	end := start.Add(footageSpan(rep.Duration))
	sustain := req.Config.Sustain
	if sustain <= 0 {
		sustain = 15 * time.Second
	}
	rec := localdb.HealthCheckRecord{CameraID: place.CameraID, StoreID: place.StoreID, Start: start, End: end, Sustain: sustain}
	if refBlob != nil {
		rec.Reference = &localdb.CameraReferenceRecord{CameraID: place.CameraID, LearntAt: time.Now().UTC(), LearntFrom: learntFrom, Reference: refBlob}
	}
	for _, a := range rep.Alerts {
		h := localdb.HealthAlert{CameraID: place.CameraID, Kind: string(a.Kind), Source: vocab.AlertFromLocal,
			Started: start.Add(footageSpan(a.Start)), Measure: healthFinite(a.Measure)}
		if a.End != nil {
			h.Ended = start.Add(footageSpan(*a.End))
		}
		d, err := json.Marshal(a.Detail)
		if err != nil {
			return nil, fmt.Errorf("alert detail: %w", err)
		}
		h.Detail = string(d)
		rec.Alerts = append(rec.Alerts, h)
	}
	stored, err := db.StoreHealthCheck(ctx, rec)
	out.StoredAlerts, out.ClosedAlerts, out.ReferenceStored = stored.Alerts, stored.Closed, stored.ReferenceStored
	if err != nil {
		return nil, fmt.Errorf("store the health check of %s for camera %s: %w", req.Video, place.Code, err)
	}
	return out, nil
}

// CheckRecordingHealth checks a downloaded footage clip (a row of the
// recordings table in state ready) against its camera's reference and
// stores what it finds, as CheckHealth does with the clip's own start time.
// Screens call it for a clip a manager opens; a scheduler can call it for
// every clip that finishes downloading.
func (a *App) CheckRecordingHealth(ctx context.Context, recordingID int64, cfg health.Config) (*HealthCheckOutcome, error) {
	rec, err := a.db.RecordingPlaceByID(ctx, recordingID)
	if err != nil {
		return nil, err
	}
	if rec.State != "ready" || rec.LocalPath == "" {
		return nil, fmt.Errorf("recording %d of camera %s is not on this machine (state %s); download it first", recordingID, rec.CameraCode, rec.State)
	}
	return CheckHealth(ctx, a.db, HealthCheckRequest{Video: rec.LocalPath, CameraCode: rec.CameraCode, Start: rec.Starts, Config: cfg})
}

func footageSpan(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func healthFinite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}
