package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // evidence may be a PNG
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"storelens/app/audit"
	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/app/vocab"
	"storelens/localdb"
)

// Task is one corrective task (待办单) as lists and commands show it.
type Task = localdb.TaskSummary

// TaskStep is one step of a task's history (a status change or a comment).
type TaskStep = localdb.TaskStatusChange

// TaskFilter narrows the task list; zero fields do not filter.
type TaskFilter struct {
	StoreCode string
	Status    string
	Category  string
	Overdue   bool // due before today (the store's date) and not reported done
}

// NewTaskRequest is a corrective task as the manager writes it.
type NewTaskRequest struct {
	StoreCode string
	Category  string // a vocab.TaskCategories key; "" is other
	Title     string
	Body      string
	KPI       string // the metric it targets (a vocab-free insight metric code), "" for none
	DueOn     string // 'YYYY-MM-DD', "" for none
	// Evidence is a picture file (PNG or JPEG) kept as the task's
	// snapshot; SnapshotID, an already kept snapshot, is used instead when set.
	Evidence   string
	SnapshotID int64
	// The moment of footage the task is about, its camera and recording,
	// and a stretch of it attached as a clip (all optional).
	AtTime           time.Time
	CameraID         int64
	RecordingID      int64
	ClipFrom, ClipTo time.Time
	Draft            bool // keep it here unsent
}

// evidenceDir is where snapshots taken on this laptop are kept.
func (a *App) evidenceDir() string { return filepath.Join(filepath.Dir(a.db.Path()), "evidence") }

// NewTask stores a corrective task and, unless it is a draft, queues it
// for HQ; the next sync sends it (the window's sync is woken at once).
func (a *App) NewTask(ctx context.Context, req NewTaskRequest) (Task, error) {
	st, err := a.db.StoreByCode(ctx, req.StoreCode)
	if err != nil {
		if errors.Is(err, localdb.ErrNotFound) {
			return Task{}, said("task.err.store", "Store", req.StoreCode)
		}
		return Task{}, err
	}
	if req.Category != "" && !vocab.Valid(vocab.TaskCategories, req.Category) {
		return Task{}, said("task.err.category", "Category", req.Category, "Keys", strings.Join(vocab.TaskCategories, ", "))
	}
	if strings.TrimSpace(req.Title) == "" {
		return Task{}, said("task.err.title")
	}
	if req.KPI != "" && !vocab.Valid(metricCodes(), req.KPI) {
		return Task{}, said("task.err.kpi", "KPI", req.KPI, "Keys", strings.Join(metricCodes(), ", "))
	}
	if req.DueOn != "" {
		if _, err := time.Parse(time.DateOnly, req.DueOn); err != nil {
			return Task{}, said("task.err.due", "Due", req.DueOn)
		}
		// A due date already past at the store cannot be met.
		if today := time.Now().In(storeLoc(st)).Format(time.DateOnly); req.DueOn < today {
			return Task{}, said("task.err.duepast", "Due", req.DueOn, "Today", today, "Store", st.Code)
		}
	}
	snap := req.SnapshotID
	if snap == 0 && req.Evidence != "" {
		cam := req.CameraID
		if cam == 0 {
			cams, err := a.db.StoreCameras(ctx, st.ID)
			if err != nil || len(cams) == 0 {
				return Task{}, said("task.err.nocamera", "Store", st.Code)
			}
			cam = cams[0].ID
		}
		at := req.AtTime
		if at.IsZero() {
			at = time.Now()
		}
		if snap, err = a.KeepEvidence(ctx, req.Evidence, cam, at); err != nil {
			return Task{}, err
		}
	}
	status := vocab.TaskSent
	if req.Draft {
		status = vocab.TaskDraft
	}
	t, err := a.db.CreateCorrectiveTask(ctx, localdb.CorrectiveTask{StoreID: st.ID, Category: req.Category, Title: req.Title,
		Body: req.Body, KPI: req.KPI, AtTime: req.AtTime, CameraID: req.CameraID, EvidenceSnapshotID: snap,
		RecordingID: req.RecordingID, ClipFrom: req.ClipFrom, ClipTo: req.ClipTo, DueOn: req.DueOn, Status: status,
		CreatedBy: vocab.ActorManager, CreatedAt: time.Now()})
	if err != nil {
		return Task{}, err
	}
	if !req.Draft {
		a.SyncNow()
	}
	return a.db.Task(ctx, t.ID)
}

// KeepEvidence copies a picture into the laptop's evidence folder as a
// JPEG (what HQ receives) and records it as a snapshot of camera at t.
func (a *App) KeepEvidence(ctx context.Context, file string, cameraID int64, t time.Time) (int64, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, saidBecause(err, "task.err.evidence", "File", file)
	}
	img, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		return 0, saidBecause(err, "task.err.evidence", "File", file)
	}
	return a.keepImage(ctx, img, cameraID, t)
}

func (a *App) keepImage(ctx context.Context, img image.Image, cameraID int64, t time.Time) (int64, error) {
	path, sha, err := a.writeEvidence(img)
	if err != nil {
		return 0, err
	}
	return a.db.SaveLocalSnapshot(ctx, cameraID, t, path, sha)
}

// writeEvidence writes img as a JPEG into the evidence folder (through a
// temporary file, so a crash leaves no half picture) and returns its path
// and SHA-256.
func (a *App) writeEvidence(img image.Image) (path, sha string, err error) {
	dir := a.evidenceDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", err
	}
	path = filepath.Join(dir, uuid.NewString()+".jpg")
	tmp := path + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return "", "", err
	}
	h := sha256.New()
	err = jpeg.Encode(multiWriter{out, h}, img, &jpeg.Options{Quality: 88})
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return "", "", fmt.Errorf("keep the snapshot: %w", err)
	}
	return path, hex.EncodeToString(h.Sum(nil)), nil
}

type multiWriter [2]interface{ Write([]byte) (int, error) }

func (m multiWriter) Write(b []byte) (int, error) {
	n, err := m[0].Write(b)
	if err != nil {
		return n, err
	}
	return m[1].Write(b)
}

// SendTask queues a draft for HQ.
func (a *App) SendTask(ctx context.Context, id string) error {
	t, err := a.Task(ctx, id)
	if err != nil {
		return err
	}
	if err := a.db.SendTask(ctx, t.ID, vocab.ActorManager, time.Now()); err != nil {
		return a.taskStepError(t, vocab.TaskSent, err)
	}
	a.SyncNow()
	return nil
}

// SetTaskStatus moves a task along as the manager: sent (a draft), verified
// or reopened (a task the store reported done), or a comment when status
// is "" (then comment must not be empty).
func (a *App) SetTaskStatus(ctx context.Context, id, status, comment string) error {
	t, err := a.Task(ctx, id)
	if err != nil {
		return err
	}
	switch status {
	case vocab.TaskSent:
		if err := a.db.SendTask(ctx, t.ID, vocab.ActorManager, time.Now()); err != nil {
			return a.taskStepError(t, status, err)
		}
		if comment == "" {
			break
		}
		status = ""
		fallthrough
	case "", vocab.TaskVerified, vocab.TaskReopened:
		if status == "" && strings.TrimSpace(comment) == "" {
			return said("task.err.comment")
		}
		if _, err := a.db.ChangeTaskStatus(ctx, t.ID, status, vocab.ActorManager, comment, time.Now()); err != nil {
			return a.taskStepError(t, status, err)
		}
	default:
		if !vocab.Valid(vocab.TaskStatuses, status) {
			return said("task.err.status", "Status", status, "Keys", strings.Join(vocab.TaskStatuses, ", "))
		}
		return said("task.err.notmanager", "Status", i18n.Label("task."+status))
	}
	a.SyncNow()
	return nil
}

func (a *App) taskStepError(t Task, status string, err error) error {
	if errors.Is(err, localdb.ErrTaskStep) {
		return said("task.err.step", "Task", shortID(t.ID), "From", i18n.Label("task."+t.Status), "To", i18n.Label("task."+status))
	}
	return err
}

// shortID is the first block of a task's UUID, as lists show it.
func shortID(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}

// Task reads one task by its id or a unique beginning of it.
func (a *App) Task(ctx context.Context, id string) (Task, error) {
	t, err := a.db.Task(ctx, strings.TrimSpace(id))
	switch {
	case errors.Is(err, localdb.ErrNotFound):
		return t, said("task.err.unknown", "Task", id)
	case errors.Is(err, localdb.ErrConstraint):
		return t, said("task.err.ambiguous", "Task", id)
	}
	return t, err
}

// Tasks lists corrective tasks in creation order.
func (a *App) Tasks(ctx context.Context, f TaskFilter) ([]Task, error) {
	lf := localdb.TaskFilter{Status: f.Status, Category: f.Category}
	if f.StoreCode != "" {
		st, err := a.db.StoreByCode(ctx, f.StoreCode)
		if err != nil {
			if errors.Is(err, localdb.ErrNotFound) {
				return nil, said("task.err.store", "Store", f.StoreCode)
			}
			return nil, err
		}
		lf.StoreID = st.ID
	}
	if f.Status != "" && !vocab.Valid(vocab.TaskStatuses, f.Status) {
		return nil, said("task.err.status", "Status", f.Status, "Keys", strings.Join(vocab.TaskStatuses, ", "))
	}
	if f.Category != "" && !vocab.Valid(vocab.TaskCategories, f.Category) {
		return nil, said("task.err.category", "Category", f.Category, "Keys", strings.Join(vocab.TaskCategories, ", "))
	}
	if f.Overdue {
		lf.OverdueOn = time.Now().Format(time.DateOnly)
	}
	return a.db.Tasks(ctx, lf)
}

// TaskHistory is a task's steps, oldest first.
func (a *App) TaskHistory(ctx context.Context, id string) ([]TaskStep, error) {
	return a.db.TaskStatusHistory(ctx, id)
}

// TaskEffect is the targeted KPI before and after a done task, from insight.
// A till task is also judged by the cashier audit's findings on each side,
// a greeting task by the inspections passed.
func (a *App) TaskEffect(ctx context.Context, id string) (insight.TaskEffect, error) {
	te, err := a.insight.TaskEffect(ctx, id)
	if err != nil || (te.Category != vocab.TaskCatTill && te.Category != vocab.TaskCatDoorGreeting) {
		return te, err
	}
	st, err := a.db.StoreByCode(ctx, te.Store)
	if err != nil {
		return te, err
	}
	loc := storeLoc(st)
	span := func(first, last string) (time.Time, time.Time) {
		f, _ := time.ParseInLocation(time.DateOnly, first, loc)
		l, _ := time.ParseInLocation(time.DateOnly, last, loc)
		return f, l.AddDate(0, 0, 1)
	}
	count := a.tillFindingsBetween
	if te.Category == vocab.TaskCatDoorGreeting {
		count = a.inspectionsPassedBetween
	}
	ms := insight.EffectMeasure{Kind: insight.MeasureTill}
	if te.Category == vocab.TaskCatDoorGreeting {
		ms.Kind = insight.MeasureInspections
	}
	from, to := span(te.BeforeFrom, te.BeforeTo)
	if ms.Before, ms.BeforeOf, err = count(ctx, st, from, to); err != nil {
		return te, err
	}
	if te.Weeks > 0 {
		from, to = span(te.AfterFrom, te.AfterTo)
		if ms.After, ms.AfterOf, err = count(ctx, st, from, to); err != nil {
			return te, err
		}
	}
	// Nothing to count on either side (no inspection judged, no receipt
	// synced) is no measure, not "0 of 0".
	if ms.BeforeOf == 0 && ms.AfterOf == 0 {
		return te, nil
	}
	if ms.Kind == insight.MeasureTill {
		ms.BeforeOf, ms.AfterOf = 0, 0 // receipts looked at; findings have no whole
	}
	te.Measure = &ms
	te.Summarise()
	return te, nil
}

// tillFindingsBetween is how many findings the cashier audit makes at a
// store between two instants, from its receipts and the till footage
// scanned (a fresh look, so a period never audited counts too), and how
// many receipts it looked at.
func (a *App) tillFindingsBetween(ctx context.Context, st localdb.Store, from, to time.Time) (int, int, error) {
	th := a.AuditThresholds(ctx)
	cards, err := a.db.StaffCards(ctx)
	if err != nil {
		return 0, 0, err
	}
	in := audit.Store{ID: st.ID, Code: st.Code, Loc: storeLoc(st), From: from, To: to, StaffCards: cards}
	if in.Receipts, err = a.db.ReceiptsBetween(ctx, st.ID, from.Add(-th.Baseline), to); err != nil {
		return 0, 0, err
	}
	if in.Presence, err = a.db.TillPresence(ctx, st.ID, from.Add(-th.ReceiptBefore-time.Hour), to.Add(time.Hour)); err != nil {
		return 0, 0, err
	}
	// The receipts of the span itself say whether there was anything to audit.
	n := 0
	for _, r := range in.Receipts {
		if r.T >= from.Unix() && r.T < to.Unix() {
			n++
		}
	}
	return len(audit.Run(in, th)), n, nil
}

// inspectionsPassedBetween is how many of a store's inspections judged
// between two instants passed, of those judged.
func (a *App) inspectionsPassedBetween(ctx context.Context, st localdb.Store, from, to time.Time) (passed, judged int, err error) {
	shots, err := a.db.InspectionShots(ctx, from, to)
	if err != nil {
		return 0, 0, err
	}
	for _, s := range shots {
		if s.StoreCode != st.Code || s.Verdict == "" || s.Verdict == "unclear" {
			continue
		}
		judged++
		if s.Verdict == "pass" {
			passed++
		}
	}
	return passed, judged, nil
}

// metricCodes are the KPIs a task can target.
func metricCodes() []string {
	out := make([]string, len(insight.Metrics))
	for i, m := range insight.Metrics {
		out[i] = string(m)
	}
	return out
}
