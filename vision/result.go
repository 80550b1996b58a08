package vision

import (
	"sort"
	"time"
)

// This file is the last stage: from the crossings to the result, with
// staff exclusion, re-entry de-duplication and dwell.

// Finish closes the counting: it decides staff, re-entries and dwell over
// the events and returns the result. The counter is not usable afterwards
// except for Close.
func (c *Counter) Finish() *Result {
	for _, t := range c.tr.Tracks() {
		c.flush(t) // the looks of people still in view at the end
	}
	res := &Result{Frames: c.frame, FPS: c.fps}
	if c.frame > 0 {
		res.Duration = c.now + time.Duration(float64(time.Second)/c.fps)
	}
	isStaff := func(t *Track) bool {
		if c.staffMarked[t.ID] || t.zoneHits >= c.zoneFrames {
			return true
		}
		u := c.cfg.StaffUniform
		return u != nil && t.uniformN >= 3 && t.uniform/float64(t.uniformN) >= u.MinShare
	}
	sort.SliceStable(c.events, func(i, j int) bool { return c.events[i].T < c.events[j].T })
	type entered struct {
		ev    *Event
		track int
		left  bool
	}
	var gallery []entered
	for _, e := range c.events {
		t := c.tracksByID[e.Track]
		e.Staff = isStaff(t)
		e.sig, e.sigN = t.sig, t.sigN
	}
	for _, e := range c.events {
		if e.Line == LineOutside {
			if !e.Staff {
				res.PassersBy++
			}
			continue
		}
		if e.Dir == DirIn {
			res.In++
		} else {
			res.Out++
		}
		if e.Staff {
			if e.Dir == DirIn {
				res.StaffExcluded++
			}
			continue
		}
		if e.Dir == DirIn {
			if c.cfg.ReentryWindow > 0 {
				// The same track entering again is certain. Another track
				// is the same person only if exactly one earlier entrant
				// looks like them: in a crowd of similar coats an
				// ambiguous match is more likely a stranger, and a false
				// re-entry would take a real shopper out of the entries.
				lookalikes := 0
				for _, g := range gallery {
					if e.T-g.ev.T > c.cfg.ReentryWindow {
						continue
					}
					if g.track == e.Track {
						e.Reentry = true
						break
					}
					if e.sigN >= 3 && g.ev.sigN >= 3 && e.sig.Similarity(&g.ev.sig) >= c.cfg.ReentrySimilarity {
						lookalikes++
					}
				}
				if lookalikes == 1 {
					e.Reentry = true
				}
			}
			if e.Reentry {
				res.Reentries++
			} else {
				res.Entries++
			}
			gallery = append(gallery, entered{ev: e, track: e.Track})
			continue
		}
		// An exit: match it to the entry of the same person for dwell,
		// preferring the same track, else the most similar signature.
		best, bestSim := -1, c.cfg.ReentrySimilarity
		for i := len(gallery) - 1; i >= 0; i-- {
			g := gallery[i]
			if g.left {
				continue
			}
			if g.track == e.Track {
				best = i
				break
			}
			if e.sigN >= 3 && g.ev.sigN >= 3 {
				if s := e.sig.Similarity(&g.ev.sig); s >= bestSim {
					best, bestSim = i, s
				}
			}
		}
		if best >= 0 {
			gallery[best].left = true
			e.Dwell = e.T - gallery[best].ev.T
			res.DwellSum += e.Dwell
			res.DwellN++
		}
	}
	res.Events = make([]Event, len(c.events))
	for i, e := range c.events {
		res.Events[i] = *e
	}
	return res
}
