package engine

import (
	"sync"

	"storelens/sync/feed"
)

// Phases of a run, in Progress.Phase.
const (
	PhasePush     = "push"     // delivering the outbox
	PhasePull     = "pull"     // reading collections
	PhaseRollups  = "rollups"  // refreshing the hourly and daily figures
	PhaseDownload = "download" // fetching clips
	PhaseExport   = "export"   // HQ is exporting a segment from the store's recorder
	PhaseDone     = "done"     // the run finished
)

// Progress is one step of a run, for a status bar or a terminal line.
type Progress struct {
	Phase string
	// Collection is the collection being read, "outbox" while pushing, or
	// the recording id while downloading.
	Collection string
	Index, Of  int   // position of the collection in the run (1-based) and count
	Items      int64 // rows stored for this collection (or pushes, or clip bytes) in this run
	Bytes      int64 // bytes received for it
	Pages      int
	// RunItems and RunBytes are the run's totals so far.
	RunItems, RunBytes int64
	// Fraction estimates the run's progress in [0,1]; -1 when unknown.
	Fraction float64
	// Done is set on the last Progress of a run.
	Done bool
	// Retry counts, while a page is read again after it broke off, the
	// attempt (1 … Retries); RetryWhy says why: dropped, cut, stalled or
	// busy (catalogue key "sync.break.<why>"). Zero otherwise.
	Retry, Retries int
	RetryWhy       string
}

// weights say how much of a first sync each collection is, for Fraction.
var weights = map[string]float64{
	feed.CollCounts: 30, feed.CollReceipts: 25, feed.CollPOSHourly: 15, feed.CollShifts: 12,
	feed.CollSnapshots: 3, feed.CollAlerts: 2, feed.CollWeather: 1,
}

func weightOf(coll string) float64 {
	if w, ok := weights[coll]; ok {
		return w
	}
	return 0.5
}

type progressState struct {
	mu       sync.Mutex
	of       int
	runItems int64
	runBytes int64
	doneW    float64
	totalW   float64
}

func (p *progressState) reset(of int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.of, p.runItems, p.runBytes, p.doneW, p.totalW = of, 0, 0, 0, 0
}

func (e *Engine) totalWeight() float64 {
	var w float64
	for _, c := range e.cfg.Collections {
		w += weightOf(c)
	}
	return w
}

// pageDone accounts a page and reports progress; collFrac is the
// collection's own progress estimate in [0,1].
func (e *Engine) pageDone(p Progress, rows, bytes int64, collFrac float64, finished bool) {
	s := &e.prog
	s.mu.Lock()
	s.runItems += rows
	s.runBytes += bytes
	if s.totalW == 0 {
		s.totalW = e.totalWeight()
	}
	w := weightOf(p.Collection)
	frac := (s.doneW + w*collFrac) / s.totalW
	if finished {
		s.doneW += w
		frac = s.doneW / s.totalW
	}
	p.RunItems, p.RunBytes, p.Fraction, p.Of = s.runItems, s.runBytes, min(1, frac), s.of
	s.mu.Unlock()
	e.emit(p)
}

func (e *Engine) emit(p Progress) {
	if p.Phase == PhaseDone {
		e.prog.mu.Lock()
		p.RunItems, p.RunBytes, p.Fraction, p.Of = e.prog.runItems, e.prog.runBytes, 1, e.prog.of
		e.prog.mu.Unlock()
	}
	if p.Fraction == 0 && p.Phase != PhasePull && p.Phase != PhaseDone && p.Phase != PhaseRollups {
		p.Fraction = -1
	}
	if e.cfg.Progress != nil {
		// Pages and rollups may report from two goroutines; the callback
		// sees one call at a time.
		e.emitMu.Lock()
		defer e.emitMu.Unlock()
		e.cfg.Progress(p)
	}
}
