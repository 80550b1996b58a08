package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"os"
	"strings"
	"time"

	"storelens/app/audit"
	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/app/vocab"
	"storelens/assets"
	"storelens/localdb"
	"storelens/vision"
)

// The cashier audit's thresholds, kept with the other settings.
var (
	SettingAuditWindow    = Setting{Key: "audit.receipt_window_s", Default: int64(audit.Defaults.ReceiptBefore.Seconds()), Min: 10, Max: 600, Unit: 1}
	SettingAuditWait      = Setting{Key: "audit.wait_minutes", Default: int64(audit.Defaults.Wait.Minutes()), Min: 1, Max: 60, Unit: 1}
	SettingAuditCardUses  = Setting{Key: "audit.card_uses_per_day", Default: int64(audit.Defaults.CardUsesPerDay), Min: 1, Max: 50, Unit: 1}
	SettingAuditRefundRun = Setting{Key: "audit.refund_run", Default: int64(audit.Defaults.RefundRun), Min: 2, Max: 50, Unit: 1}
	SettingAuditDiscount  = Setting{Key: "audit.discount_pct", Default: int64(audit.Defaults.DiscountPct), Min: 5, Max: 95, Unit: 1}
)

// AuditSettings lists the audit's thresholds in the order Settings shows them.
var AuditSettings = []Setting{SettingAuditWindow, SettingAuditWait, SettingAuditCardUses, SettingAuditRefundRun, SettingAuditDiscount}

// AuditThresholds are the thresholds in use: the defaults, changed where
// the manager changed them.
func (a *App) AuditThresholds(ctx context.Context) audit.Thresholds {
	th := audit.Defaults
	th.ReceiptBefore = time.Duration(a.IntSetting(ctx, SettingAuditWindow)) * time.Second
	th.Wait = time.Duration(a.IntSetting(ctx, SettingAuditWait)) * time.Minute
	th.CardUsesPerDay = int(a.IntSetting(ctx, SettingAuditCardUses))
	th.RefundRun = int(a.IntSetting(ctx, SettingAuditRefundRun))
	th.DiscountPct = float64(a.IntSetting(ctx, SettingAuditDiscount))
	return th
}

// AuditFinding is one finding of the cashier audit as stored.
type AuditFinding = localdb.AuditFinding

// AuditRequest is one run of the cashier audit.
type AuditRequest struct {
	Period     insight.Period
	StoreCodes []string // "" or none: every store
	// LocalOnly scans only the till recordings already on this laptop; by
	// default the missing ones are downloaded when HQ can be reached.
	LocalOnly bool
	Progress  func(AuditProgress)
}

// AuditProgress is how far a run has got: till recordings scanned of
// those to scan, then stores checked.
type AuditProgress struct {
	Scanned, ToScan int
	Checked, Stores int
	// Early is the first look, with the receipts and the footage scanned
	// before, kept while the new footage is scanned.
	Early bool
}

// AuditResult is what a run found, newest first, and what it could not
// look at.
type AuditResult struct {
	Period   insight.Period
	Stores   int
	Findings []AuditFinding
	// Scanned is the till recordings scanned in this run; NotHere those
	// the period has that could not be fetched (offline), so their hours
	// were checked on the receipts alone.
	Scanned, NotHere int
	// NoDetector is set when the person detector could not be loaded: the
	// footage was not scanned.
	NoDetector error
}

// Audit runs the cashier audit over a period: it scans the till footage of
// the period that is not scanned yet (in the background of the window, or
// here), checks every store's receipts against it and against the store's
// own pattern, and keeps the findings; a finding dismissed or turned into
// a task stays so when it is found again.
func (a *App) Audit(ctx context.Context, req AuditRequest) (AuditResult, error) {
	a.auditMu.Lock()
	defer a.auditMu.Unlock()
	res := AuditResult{Period: req.Period}
	stores, err := a.auditStores(ctx, req.StoreCodes)
	if err != nil {
		return res, err
	}
	res.Stores = len(stores)
	th := a.AuditThresholds(ctx)
	progress := func(p AuditProgress) {
		if req.Progress != nil {
			req.Progress(p)
		}
	}
	// Which stores have receipts in the period at all?
	covered := false
	for _, st := range stores {
		first, last, err := a.db.ReceiptsCovered(ctx, st.ID)
		if err != nil {
			return res, err
		}
		from, to := storeSpan(st, req.Period)
		if !last.IsZero() && !last.Before(from) && first.Before(to) {
			covered = true
			break
		}
	}
	if !covered {
		return res, said("audit.err.noreceipts", "Period", req.Period.String())
	}
	// Scan the till footage first.
	type toScan struct {
		st  localdb.Store
		cam localdb.Camera
		rec localdb.TillClip
	}
	var scans []toScan
	cams := map[int64]localdb.Camera{}
	for _, st := range stores {
		from, to := storeSpan(st, req.Period)
		clips, err := a.db.TillClips(ctx, st.ID, from.Add(-th.ReceiptBefore), to)
		if err != nil {
			return res, err
		}
		if len(clips) == 0 {
			continue
		}
		sc, err := a.db.StoreCameras(ctx, st.ID)
		if err != nil {
			return res, err
		}
		for _, c := range sc {
			cams[c.ID] = c
		}
		for _, c := range clips {
			if !c.Scanned {
				scans = append(scans, toScan{st, cams[c.CameraID], c})
			}
		}
	}
	staffCards, err := a.db.StaffCards(ctx)
	if err != nil {
		return res, err
	}
	// check checks some of the stores; the others count as checked
	// (those whose footage had nothing new after the first look).
	check := func(some []localdb.Store, early bool) error {
		done := len(stores) - len(some)
		report := func(i int) {
			progress(AuditProgress{Scanned: len(scans), ToScan: len(scans), Checked: done + i, Stores: len(stores), Early: early})
		}
		if err := a.checkStores(ctx, some, req.Period, th, cams, staffCards, report); err != nil {
			return err
		}
		if len(some) == 0 {
			report(0) // nothing needed a second look: every store is checked
		}
		return nil
	}
	if len(scans) > 0 {
		// What the receipts and the footage already scanned say is kept
		// first, so the list shows it while the new footage is scanned.
		if err := check(stores, true); err != nil {
			return res, err
		}
	}
	progress(AuditProgress{ToScan: len(scans), Stores: len(stores)})
	var det vision.Detector
	if len(scans) > 0 {
		if det, err = a.tillDetector(); err != nil {
			res.NoDetector = err
			a.log.Warn("cashier audit: the person detector could not be loaded; till footage not scanned", "err", err)
		}
	}
	rescan := map[int64]bool{}
	for i, s := range scans {
		if det == nil {
			break
		}
		path, err := a.tillClipFile(ctx, s.rec, req.LocalOnly)
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.NotHere++
			continue
		}
		if err := a.scanTill(ctx, det, s.cam, s.rec, path); err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			a.log.Warn("cashier audit: till recording not scanned", "recording", s.rec.RemoteID, "err", err)
			res.NotHere++
			continue
		}
		res.Scanned++
		rescan[s.st.ID] = true
		progress(AuditProgress{Scanned: i + 1, ToScan: len(scans), Stores: len(stores)})
	}
	// Then check each store (again, where footage was scanned).
	again := stores
	if len(scans) > 0 {
		again = nil
		for _, st := range stores {
			if rescan[st.ID] {
				again = append(again, st)
			}
		}
	}
	if err := check(again, false); err != nil {
		return res, err
	}
	scope := localdb.FindingFilter{}
	for _, st := range stores {
		from, to := storeSpan(st, req.Period)
		scope.StoreIDs = append(scope.StoreIDs, st.ID)
		if scope.From.IsZero() || from.Before(scope.From) {
			scope.From = from
		}
		if to.After(scope.To) {
			scope.To = to
		}
	}
	res.Findings, err = a.db.AuditFindings(ctx, scope)
	return res, err
}

// AuditBatch is how many stores' findings are kept in one transaction: the
// list grows while a long run goes on.
const AuditBatch = 50

// checkStores checks each store's receipts against the till presence
// stored and the store's own pattern, and keeps the findings a batch of
// stores at a time; checked reports the stores done.
func (a *App) checkStores(ctx context.Context, stores []localdb.Store, period insight.Period, th audit.Thresholds, cams map[int64]localdb.Camera,
	staffCards map[string]localdb.StaffCard, checked func(int)) error {
	scope := localdb.AuditScope{}
	var found []localdb.AuditFinding
	flush := func() error {
		if len(scope.StoreIDs) == 0 {
			return nil
		}
		if _, err := a.db.ReplaceFindings(ctx, scope, found); err != nil {
			return err
		}
		scope, found = localdb.AuditScope{}, nil
		return nil
	}
	for i, st := range stores {
		from, to := storeSpan(st, period)
		loc := storeLoc(st)
		in := audit.Store{ID: st.ID, Code: st.Code, Loc: loc, From: from, To: to, StaffCards: staffCards}
		var err error
		if in.Receipts, err = a.db.ReceiptsBetween(ctx, st.ID, from.Add(-th.Baseline), to); err != nil {
			return err
		}
		if in.Presence, err = a.db.TillPresence(ctx, st.ID, from.Add(-th.ReceiptBefore-time.Hour), to.Add(time.Hour)); err != nil {
			return err
		}
		scope.StoreIDs = append(scope.StoreIDs, st.ID)
		if scope.From.IsZero() || from.Before(scope.From) {
			scope.From = from
		}
		if to.After(scope.To) {
			scope.To = to
		}
		for _, f := range audit.Run(in, th) {
			if f.CameraID != 0 {
				if _, ok := cams[f.CameraID]; !ok {
					// Scanned in an earlier run, outside this period's clips.
					sc, err := a.db.StoreCameras(ctx, st.ID)
					if err != nil {
						return err
					}
					for _, c := range sc {
						cams[c.ID] = c
					}
				}
				a.attachStill(ctx, st, cams[f.CameraID], &f)
			}
			ev, err := json.Marshal(f.Evidence)
			if err != nil {
				return err
			}
			found = append(found, localdb.AuditFinding{StoreID: st.ID, Kind: f.Kind, At: f.At, Subject: f.Subject, CameraID: f.CameraID, Evidence: ev})
		}
		if (i+1)%AuditBatch == 0 {
			if err := flush(); err != nil {
				return err
			}
		}
		checked(i + 1)
	}
	return flush()
}

// auditStores resolves the store codes asked for (all stores for none).
func (a *App) auditStores(ctx context.Context, codes []string) ([]localdb.Store, error) {
	var out []localdb.Store
	for _, c := range codes {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		st, err := a.db.StoreByCode(ctx, c)
		if err != nil {
			if errors.Is(err, localdb.ErrNotFound) {
				return nil, said("task.err.store", "Store", c)
			}
			return nil, err
		}
		out = append(out, st)
	}
	if len(out) > 0 {
		return out, nil
	}
	all, err := a.db.Stores(ctx, "")
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, said("audit.err.nostores")
	}
	return all, nil
}

// storeLoc is a store's clock (the machine's when it names none known).
func storeLoc(st localdb.Store) *time.Location { return tz(st.TimeZone) }

// storeSpan is the period on the store's own calendar.
func storeSpan(st localdb.Store, p insight.Period) (from, to time.Time) {
	loc := storeLoc(st)
	f, t := p.From, p.To
	return time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc), time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// tillDetector is the person detector the till scans share, made on first use.
func (a *App) tillDetector() (vision.Detector, error) {
	if a.tillDet != nil {
		return a.tillDet, nil
	}
	model, err := assets.PersonModel()
	if err != nil {
		return nil, err
	}
	d, err := vision.NewNanoDetDetector(vision.NanoDetConfig{ModelData: model})
	if err != nil {
		return nil, err
	}
	a.tillDet = d
	return d, nil
}

// tillClipFile is the till recording's file on this laptop, fetched from HQ
// unless localOnly.
func (a *App) tillClipFile(ctx context.Context, c localdb.TillClip, localOnly bool) (string, error) {
	if c.State == "ready" && c.LocalPath != "" {
		if _, err := os.Stat(c.LocalPath); err == nil {
			return c.LocalPath, nil
		}
	}
	if localOnly {
		return "", errors.New("not on this laptop")
	}
	return a.FetchRecordingProgress(ctx, c.CameraRecording, nil)
}

// tillScanStep is the time between the samples of a till scan.
const tillScanStep = 2 * time.Second

// scanTill scans one till recording and keeps its presence samples.
func (a *App) scanTill(ctx context.Context, det vision.Detector, cam localdb.Camera, c localdb.TillClip, path string) error {
	cc, err := a.db.CountingCameraByCode(ctx, cam.Code)
	if err != nil {
		return err
	}
	zones := vision.TillZones{Size: image.Pt(cc.Width, cc.Height)}
	for kind, pts := range cc.Lines {
		poly, err := vision.ParsePolygon(pts)
		if err != nil {
			return fmt.Errorf("camera %s zone %s: %w", cam.Code, kind, err)
		}
		switch kind {
		case "till_zone":
			zones.Customer = poly
		case "till_staff":
			zones.Staff = poly
		}
	}
	if len(zones.Customer) < 3 {
		return fmt.Errorf("camera %s has no till zone", cam.Code)
	}
	samples, err := vision.ZonePresence(ctx, path, det, zones, vision.PresenceOptions{Step: tillScanStep})
	if err != nil {
		return err
	}
	starts := time.Unix(c.Starts, 0).UTC()
	out := make([]localdb.PresenceSample, len(samples))
	for i, s := range samples {
		out[i] = localdb.PresenceSample{T: starts.Add(s.At).Truncate(time.Second), Customers: s.Customers, Waiting: s.Waiting, Staff: s.Staff}
	}
	end := starts.Add(time.Duration(c.DurationS * float64(time.Second)))
	if n := len(out); n > 0 && out[n-1].T.Add(tillScanStep).Before(end) {
		end = out[n-1].T.Add(tillScanStep)
	}
	return a.db.SaveTillScan(ctx, localdb.TillScan{RecordingID: c.ID, CameraID: c.CameraID, Starts: starts, End: end, SHA256: c.SHA256,
		Detector: "dnn", Step: tillScanStep}, out)
}

// attachStill keeps the blurred still of the till footage at the finding's
// moment as its snapshot, once: a finding found again keeps its still.
func (a *App) attachStill(ctx context.Context, st localdb.Store, cam localdb.Camera, f *audit.Finding) {
	old, err := a.db.AuditFindings(ctx, localdb.FindingFilter{StoreIDs: []int64{st.ID}, Kind: f.Kind, From: f.At, To: f.At.Add(time.Second)})
	if err == nil {
		for _, o := range old {
			var ev audit.Evidence
			if o.Subject == f.Subject && json.Unmarshal(o.Evidence, &ev) == nil && ev.SnapshotID != 0 {
				if _, err := os.Stat(ev.Snapshot); err == nil {
					f.Evidence.Snapshot, f.Evidence.SnapshotID = ev.Snapshot, ev.SnapshotID
					return
				}
			}
		}
	}
	clips, err := a.db.RecordingsCovering(ctx, cam.ID, f.At, f.At.Add(time.Second))
	if err != nil || len(clips) == 0 || clips[0].LocalPath == "" {
		return
	}
	c := clips[0]
	snap, err := a.StillFrom(c.LocalPath, st.Code, cam, time.Unix(c.Starts, 0), f.At, storeLoc(st), a.IntSetting(ctx, SettingBlurFaces) == 1)
	if err != nil {
		a.log.Warn("cashier audit: no still for a finding", "store", st.Code, "kind", f.Kind, "err", err)
		return
	}
	id, err := a.KeepSnapshot(ctx, snap)
	if err != nil {
		return
	}
	if s, err := a.db.SnapshotByID(ctx, id); err == nil {
		f.Evidence.Snapshot, f.Evidence.SnapshotID = s.LocalPath, id
	}
}

// FindingEvidence decodes a finding's evidence.
func FindingEvidence(f AuditFinding) (audit.Evidence, error) { return audit.Decode(f.Evidence) }

// FindingFilter narrows the findings listed; zero fields do not filter.
type FindingFilter struct {
	Period    insight.Period // zero: any time
	StoreCode string
	Kind      string
	Status    string
}

// AuditFindings lists the findings kept, newest first.
func (a *App) AuditFindings(ctx context.Context, f FindingFilter) ([]AuditFinding, error) {
	q := localdb.FindingFilter{Kind: f.Kind, Status: f.Status}
	if f.Kind != "" && !vocab.Valid(audit.Kinds, f.Kind) {
		return nil, said("audit.err.kind", "Kind", f.Kind, "Keys", strings.Join(audit.Kinds, ", "))
	}
	if f.StoreCode != "" {
		st, err := a.db.StoreByCode(ctx, f.StoreCode)
		if err != nil {
			if errors.Is(err, localdb.ErrNotFound) {
				return nil, said("task.err.store", "Store", f.StoreCode)
			}
			return nil, err
		}
		q.StoreIDs = []int64{st.ID}
	}
	if !f.Period.From.IsZero() {
		// A day's slack each side: stores keep their own calendars.
		q.From, q.To = f.Period.From.Add(-14*time.Hour), f.Period.To.Add(14*time.Hour)
	}
	out, err := a.db.AuditFindings(ctx, q)
	if err != nil || f.Period.From.IsZero() {
		return out, err
	}
	kept := out[:0]
	for _, x := range out {
		d := x.At.In(tz(x.TimeZone)).Format(time.DateOnly)
		if d >= f.Period.From.Format(time.DateOnly) && d < f.Period.To.Format(time.DateOnly) {
			kept = append(kept, x)
		}
	}
	return kept, nil
}

// tz is the zone named so, the machine's own when it names none this
// machine knows.
func tz(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.Local
}

// DismissFinding sets a finding aside with the manager's reason.
func (a *App) DismissFinding(ctx context.Context, id int64, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return said("audit.err.reason")
	}
	return a.db.SetFindingStatus(ctx, id, localdb.FindingDismissed, strings.TrimSpace(reason), "")
}

// ReopenFinding puts a dismissed finding back on the list.
func (a *App) ReopenFinding(ctx context.Context, id int64) error {
	return a.db.SetFindingStatus(ctx, id, localdb.FindingOpen, "", "")
}

// FindingTask turns a finding into a corrective task for the store (category
// till), with the finding's still as its snapshot and the moment and till
// camera of its footage; title and body are the finding in the manager's
// language unless req gives them.
func (a *App) FindingTask(ctx context.Context, id int64, req NewTaskRequest) (Task, error) {
	lang := a.StoreLanguage(ctx)
	f, err := a.db.AuditFinding(ctx, id)
	if err != nil {
		return Task{}, err
	}
	if f.Status == localdb.FindingTasked && f.TaskID != "" {
		return a.Task(ctx, f.TaskID)
	}
	ev, err := FindingEvidence(f)
	if err != nil {
		return Task{}, err
	}
	req.StoreCode, req.Category = f.StoreCode, vocab.TaskCatTill
	if strings.TrimSpace(req.Title) == "" {
		req.Title = i18n.Say("audit.kind."+f.Kind).In(lang) + " · " + f.At.In(tz(f.TimeZone)).Format("01-02 15:04")
	}
	if strings.TrimSpace(req.Body) == "" {
		req.Body = FindingSummary(f, ev).In(lang)
	}
	req.AtTime, req.CameraID, req.SnapshotID = f.At, f.CameraID, ev.SnapshotID
	if f.CameraID != 0 {
		if clips, err := a.db.RecordingsCovering(ctx, f.CameraID, f.At, f.At.Add(time.Second)); err == nil && len(clips) > 0 {
			req.RecordingID = clips[0].ID
		}
	}
	t, err := a.NewTask(ctx, req)
	if err != nil {
		return t, err
	}
	return t, a.db.SetFindingStatus(ctx, id, localdb.FindingTasked, "", t.ID)
}

// FindingSummary is a finding in one sentence with its figures.
func FindingSummary(f AuditFinding, ev audit.Evidence) i18n.Text {
	return audit.Summary(f.Kind, tz(f.TimeZone), ev)
}

// RecentAuditPeriod is the seven days up to and including now's date.
func RecentAuditPeriod(now time.Time) insight.Period {
	d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return insight.Period{Kind: insight.Range, From: d.AddDate(0, 0, -6), To: d.AddDate(0, 0, 1)}
}

// StartAudit audits the last seven days in the background after each sync
// (new receipts and till recordings), so that the list is ready when the
// manager opens it. onProgress hears how far a run has got (it may be
// nil), onDone each run's end. It stops with ctx.
func (a *App) StartAudit(ctx context.Context, onProgress func(AuditProgress), onDone func(AuditResult, error)) {
	if !a.auditRunning.CompareAndSwap(false, true) {
		return
	}
	synced, remove := a.syncEnds()
	go func() {
		defer a.auditRunning.Store(false)
		defer remove()
		for {
			select {
			case <-ctx.Done():
				return
			case <-synced:
			}
			res, err := a.Audit(ctx, AuditRequest{Period: RecentAuditPeriod(time.Now()), Progress: onProgress})
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				a.log.Warn("cashier audit", "err", err)
			}
			if onDone != nil {
				onDone(res, err)
			}
		}
	}()
}
