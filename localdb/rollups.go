package localdb

import (
	"context"
	"fmt"
	"sync"
	"time"

	"storelens/app/vocab"
)

// Alert kinds as bits of store_hourly.alert_kinds / store_daily.alert_kinds.
const (
	AlertOcclusion     = 1
	AlertMoved         = 2
	AlertDefocus       = 4
	AlertNoSignal      = 8
	AlertSuspectBucket = 16
)

var alertBits = map[string]int{vocab.AlertOcclusion: AlertOcclusion, vocab.AlertMoved: AlertMoved, vocab.AlertDefocus: AlertDefocus, vocab.AlertNoSignal: AlertNoSignal}

// ScheduleOn resolves a store's opening hours on the local date day: the
// rules covering the date and its weekday, highest priority first, then the
// narrowest date range. opens and closes are minutes after local midnight
// ('24:00' is 1440); ok is false when no rule covers the day.
func ScheduleOn(hours []OpeningHours, day time.Time) (opens, closes int, ok bool) {
	d := day.Format("2006-01-02")
	bit := Weekdays(1) << ((int(day.Weekday()) + 6) % 7)
	var best *OpeningHours
	var bestSpan time.Duration
	for i := range hours {
		h := &hours[i]
		if d < h.ValidFrom || d > h.ValidTo || h.Weekdays&bit == 0 {
			continue
		}
		f, _ := time.Parse("2006-01-02", h.ValidFrom)
		t, _ := time.Parse("2006-01-02", h.ValidTo)
		span := t.Sub(f)
		if best == nil || h.Priority > best.Priority || (h.Priority == best.Priority && span < bestSpan) {
			best, bestSpan = h, span
		}
	}
	if best == nil {
		return 0, 0, false
	}
	o, err1 := clockMinutes(best.Opens)
	c, err2 := clockMinutes(best.Closes)
	if err1 != nil || err2 != nil || c <= o {
		return 0, 0, false
	}
	return o, c, true
}

func clockMinutes(s string) (int, error) {
	var h, m int
	if _, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil || h < 0 || h > 24 || m < 0 || m > 59 {
		return 0, fmt.Errorf("clock time %q is not HH:MM", s)
	}
	return h*60 + m, nil
}

type hourRow struct {
	start                                       int64
	day                                         string
	hour, weekday, minute                       int // minute: local minute of day at the hour's start
	dom                                         int // local day of the month
	open                                        bool
	entries, exits, passers, staffEx, reentries int64
	dwellSum                                    float64
	dwellN                                      int64
	suspect                                     bool
	alerts                                      int
	hasLocal                                    bool
	localEntries, localPassers                  int64
	receipts, items, sales                      int64
	staff                                       float64
	lastEntryMin                                int
	data                                        bool
}

// RefreshRollups recomputes the pre-aggregated tables that screens read
// (store_hourly and store_daily) for storeID over the store's whole local
// days touching [from, to). The sync engine calls it inside the transaction
// of every page that changed counts, POS, shifts or alerts, and a local
// recount calls it after writing its buckets, so a screen never aggregates
// raw 15-minute buckets on the fly. A few days of one store cost a handful of
// indexed reads and one batched write.
func (db *DB) RefreshRollups(ctx context.Context, storeID int64, from, to time.Time) error {
	return refreshRollups(ctx, db.w, storeID, from, to)
}

// refreshRollups is RefreshRollups inside a caller's transaction.
func refreshRollups(ctx context.Context, x execer, storeID int64, from, to time.Time) error {
	// A settling sync that computed this store's figures from an older
	// snapshot must not write them over these.
	if _, err := x.ExecContext(ctx, `UPDATE rollup_backlog SET seq = ? WHERE store_id = ?`, nextBacklogSeq(), storeID); err != nil {
		return MapError(err)
	}
	set, err := computeRollups(ctx, x, storeID, from, to)
	if err != nil || set == nil {
		return err
	}
	return set.write(ctx, x)
}

// rollupSet is the store_hourly and store_daily rows of one store over
// whole local days, computed and ready to replace the stored ones.
type rollupSet struct {
	storeID           int64
	h0, h1            int64
	firstDay, lastDay string
	first, last       time.Time // local days, for the weekly and monthly sums
	hours, days       []any     // hourCols / dayCols values per row
}

const (
	hourCols = 23
	dayCols  = 25
)

// computeRollups reads what the rollups of storeID over the local days
// touching [from, to) are made of and computes them; nil when the span is
// empty. It only reads, so it can run on a reader connection.
func computeRollups(ctx context.Context, x execer, storeID int64, from, to time.Time) (*rollupSet, error) {
	if !to.After(from) {
		return nil, nil
	}
	var tzName string
	if err := x.QueryRowContext(ctx, `SELECT time_zone FROM stores WHERE id = ?`, storeID).Scan(&tzName); err != nil {
		return nil, fmt.Errorf("refresh rollups of store %d: %w", storeID, MapError(err))
	}
	loc, err := loadZone(tzName)
	if err != nil {
		return nil, fmt.Errorf("refresh rollups of store %d: time zone %q is unknown (%v); fix the store's time zone at HQ and sync again", storeID, tzName, err)
	}
	hours, err := openingHours(ctx, x, storeID)
	if err != nil {
		return nil, err
	}
	// Whole local days, so the daily rows are complete.
	lf := from.In(loc)
	dayStart := time.Date(lf.Year(), lf.Month(), lf.Day(), 0, 0, 0, 0, loc)
	lt := to.Add(-time.Second).In(loc)
	dayEnd := time.Date(lt.Year(), lt.Month(), lt.Day()+1, 0, 0, 0, 0, loc)
	// UTC hours whose start falls on those local days (zones with a
	// half-hour offset start their local day inside a UTC hour).
	h0 := dayStart.Unix() - dayStart.Unix()%3600
	if h0 < dayStart.Unix() {
		h0 += 3600
	}
	h1 := dayEnd.Unix()
	n := int((h1 - h0 + 3599) / 3600)
	if n <= 0 {
		return nil, nil
	}
	rows := make([]hourRow, n)
	type sched struct {
		opens, closes int
		ok            bool
	}
	scheds := map[string]sched{}
	for i := range rows {
		r := &rows[i]
		r.start = h0 + int64(i)*3600
		lt := time.Unix(r.start, 0).In(loc)
		r.day = lt.Format("2006-01-02")
		r.hour = lt.Hour()
		r.dom = lt.Day()
		r.minute = lt.Hour()*60 + lt.Minute()
		r.weekday = (int(lt.Weekday()) + 6) % 7
		r.lastEntryMin = -1
		s, seen := scheds[r.day]
		if !seen {
			s.opens, s.closes, s.ok = ScheduleOn(hours, time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, time.UTC))
			scheds[r.day] = s
		}
		r.open = s.ok && r.minute < s.closes && r.minute+60 > s.opens
	}
	at := func(t int64) *hourRow {
		i := (t - h0) / 3600
		if t < h0 || i >= int64(n) {
			return nil
		}
		return &rows[i]
	}

	// Counts: device and local side by side, summed per UTC hour in SQL.
	// The cameras that counted for the store are found in the store/time
	// index; their buckets are then read along the primary key (camera,
	// source, time), which holds every column, instead of one primary-key
	// lookup per index entry. lb is the hour's last bucket with entries.
	q, err := x.QueryContext(ctx, `SELECT source, bucket_start / 3600 * 3600 AS h, sum(entries), sum(exits), sum(passers_by),
			sum(staff_excluded), sum(reentries), sum(dwell_sum_s), sum(dwell_n), max(suspect),
			COALESCE(max(CASE WHEN entries > 0 THEN bucket_start END), -1)
		FROM count_buckets
		WHERE camera_id IN (SELECT DISTINCT camera_id FROM count_buckets WHERE store_id = ? AND bucket_start >= ? AND bucket_start < ?)
		  AND source IN ('device', 'local') AND bucket_start >= ? AND bucket_start < ? AND +store_id = ?
		GROUP BY source, h`, storeID, h0, h1, h0, h1, storeID)
	if err != nil {
		return nil, MapError(err)
	}
	for q.Next() {
		var src string
		var t, e, ex, p, se, re, dn, sus, lb int64
		var ds float64
		if err := q.Scan(&src, &t, &e, &ex, &p, &se, &re, &ds, &dn, &sus, &lb); err != nil {
			q.Close()
			return nil, err
		}
		r := at(t)
		if r == nil {
			continue
		}
		r.data = true
		if src == "local" {
			r.hasLocal = true
			r.localEntries += e
			r.localPassers += p
			continue
		}
		r.entries += e
		r.exits += ex
		r.passers += p
		r.staffEx += se
		r.reentries += re
		r.dwellSum += ds
		r.dwellN += dn
		if sus != 0 {
			r.suspect = true
			r.alerts |= AlertSuspectBucket
		}
		if lb >= 0 {
			end := time.Unix(lb+900, 0).In(loc)
			m := end.Hour()*60 + end.Minute()
			if end.Day() != r.dom {
				m = 1440
			}
			if m > r.lastEntryMin {
				r.lastEntryMin = m
			}
		}
	}
	q.Close()
	if err := q.Err(); err != nil {
		return nil, MapError(err)
	}

	// POS.
	q, err = x.QueryContext(ctx, `SELECT hour_start, receipts, items, sales_fen FROM pos_hourly
		WHERE store_id = ? AND hour_start >= ? AND hour_start < ?`, storeID, h0, h1)
	if err != nil {
		return nil, MapError(err)
	}
	for q.Next() {
		var t, rc, it, s int64
		if err := q.Scan(&t, &rc, &it, &s); err != nil {
			q.Close()
			return nil, err
		}
		if r := at(t); r != nil {
			r.receipts, r.items, r.sales = rc, it, s
			r.data = r.data || rc != 0 || s != 0
		}
	}
	q.Close()
	if err := q.Err(); err != nil {
		return nil, MapError(err)
	}

	// Staff on shift: overlapping seconds / 3600. Shifts longer than a day
	// are not a thing in retail, which bounds the index scan.
	q, err = x.QueryContext(ctx, `SELECT starts, ends FROM staff_shifts
		WHERE store_id = ? AND starts < ? AND starts >= ? AND ends > ?`, storeID, h1, h0-86400, h0)
	if err != nil {
		return nil, MapError(err)
	}
	for q.Next() {
		var s, e int64
		if err := q.Scan(&s, &e); err != nil {
			q.Close()
			return nil, err
		}
		addSpan(rows, h0, s, e, func(r *hourRow, sec int64) { r.staff += float64(sec) / 3600 })
	}
	q.Close()
	if err := q.Err(); err != nil {
		return nil, MapError(err)
	}

	// Camera alerts: an open alert lasts until the end of the range.
	q, err = x.QueryContext(ctx, `SELECT a.kind, a.started_at, COALESCE(a.ended_at, ?) FROM camera_alerts a
		JOIN cameras c ON c.id = a.camera_id
		WHERE c.store_id = ? AND a.started_at < ? AND COALESCE(a.ended_at, ?) > ?`, h1, storeID, h1, h1, h0)
	if err != nil {
		return nil, MapError(err)
	}
	for q.Next() {
		var kind string
		var s, e int64
		if err := q.Scan(&kind, &s, &e); err != nil {
			q.Close()
			return nil, err
		}
		if e <= s {
			e = s + 1
		}
		bit := alertBits[kind]
		addSpan(rows, h0, s, e, func(r *hourRow, _ int64) { r.suspect = true; r.alerts |= bit })
	}
	q.Close()
	if err := q.Err(); err != nil {
		return nil, MapError(err)
	}

	set := &rollupSet{storeID: storeID, h0: h0, h1: h1, first: dayStart, last: dayEnd.AddDate(0, 0, -1),
		firstDay: dayStart.Format("2006-01-02"), lastDay: dayEnd.AddDate(0, 0, -1).Format("2006-01-02")}
	batch := make([]any, 0, len(rows)*hourCols)
	type dayAgg struct {
		weekday                                             int
		sched                                               sched
		schedHours, suspectHours, alerts                    int
		entries, exits, passers, staffEx, dwellN            int64
		dwellSum, staff                                     float64
		receipts, items, sales                              int64
		localHours                                          int
		localEntries, localPassers, deviceEntriesLocalHours int64
		lastEntry                                           int
		data                                                bool
	}
	days := map[string]*dayAgg{}
	var order []string
	for i := range rows {
		r := &rows[i]
		d := days[r.day]
		if d == nil {
			d = &dayAgg{weekday: r.weekday, sched: scheds[r.day], lastEntry: -1}
			days[r.day] = d
			order = append(order, r.day)
		}
		if r.staff > 0 {
			r.data = true
		}
		if len(hours) == 0 {
			// No schedule known: the hours that saw trade were open.
			r.open = r.entries+r.passers+r.receipts > 0
		}
		if r.open {
			d.schedHours++
			if r.suspect {
				d.suspectHours++
			}
		}
		d.alerts |= r.alerts
		d.entries += r.entries
		d.exits += r.exits
		d.passers += r.passers
		d.staffEx += r.staffEx
		d.dwellSum += r.dwellSum
		d.dwellN += r.dwellN
		d.staff += r.staff
		d.receipts += r.receipts
		d.items += r.items
		d.sales += r.sales
		if r.hasLocal {
			d.localHours++
			d.localEntries += r.localEntries
			d.localPassers += r.localPassers
			d.deviceEntriesLocalHours += r.entries
		}
		if r.lastEntryMin > d.lastEntry {
			d.lastEntry = r.lastEntryMin
		}
		if r.entries+r.passers+r.receipts > 0 {
			d.data = true
		}
		if !r.open && !r.data && !r.suspect {
			continue
		}
		batch = append(batch, storeID, r.start, r.day, r.hour, r.weekday, b2i(r.open),
			r.entries, r.exits, r.passers, r.staffEx, r.reentries, r.dwellSum, r.dwellN, b2i(r.suspect), r.alerts,
			b2i(r.hasLocal), r.localEntries, r.localPassers, r.receipts, r.items, r.sales, r.staff, r.lastEntryMin)
	}
	set.hours = batch
	batch = make([]any, 0, len(order)*dayCols)
	for _, day := range order {
		d := days[day]
		var opens, closes any
		if d.sched.ok {
			opens, closes = d.sched.opens, d.sched.closes
		}
		openHours, suspectHours := 0, 0
		if d.data {
			openHours, suspectHours = d.schedHours, d.suspectHours
		}
		batch = append(batch, storeID, day, d.weekday, opens, closes, d.schedHours, b2i(d.data), openHours, suspectHours, d.alerts,
			d.entries, d.exits, d.passers, d.staffEx, d.dwellSum, d.dwellN, d.receipts, d.items, d.sales, d.staff,
			d.localHours, d.localEntries, d.localPassers, d.deviceEntriesLocalHours, d.lastEntry)
	}
	set.days = batch
	return set, nil
}

// write replaces the store's stored rollups of the set's days with it.
func (s *rollupSet) write(ctx context.Context, x execer) error {
	if _, err := x.ExecContext(ctx, `DELETE FROM store_hourly WHERE store_id = ? AND hour_start >= ? AND hour_start < ?`, s.storeID, s.h0, s.h1); err != nil {
		return MapError(err)
	}
	if _, err := x.ExecContext(ctx, `DELETE FROM store_daily WHERE store_id = ? AND local_day >= ? AND local_day <= ?`, s.storeID, s.firstDay, s.lastDay); err != nil {
		return MapError(err)
	}
	for rest := s.hours; len(rest) > 0; {
		n := min(len(rest), 4096*hourCols)
		if err := insertJSON(ctx, x, `INSERT INTO store_hourly(store_id, hour_start, local_day, local_hour, weekday, open,
			entries, exits, passers_by, staff_excluded, reentries, dwell_sum_s, dwell_n, suspect, alert_kinds,
			has_local, local_entries, local_passers_by, transactions, items, sales_fen, staff, last_entry_min)`, hourCols, rest[:n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	if err := insertJSON(ctx, x, `INSERT INTO store_daily(store_id, local_day, weekday, sched_opens_min, sched_closes_min, sched_hours,
		traded, open_hours, suspect_hours, alert_kinds, entries, exits, passers_by, staff_excluded, dwell_sum_s, dwell_n,
		transactions, items, sales_fen, staff_hours, local_hours, local_entries, local_passers_by, device_entries_local_hours, last_entry_min)`,
		dayCols, s.days); err != nil {
		return err
	}
	return refreshPeriods(ctx, x, s.storeID, s.first, s.last)
}

const periodSums = `count(*), sum(traded), sum(open_hours), sum(suspect_hours), max(alert_kinds), sum(entries), sum(exits), sum(passers_by), sum(staff_excluded), sum(dwell_sum_s), sum(dwell_n), sum(transactions), sum(items), sum(sales_fen), sum(staff_hours), sum(local_hours), sum(local_entries), sum(local_passers_by), sum(device_entries_local_hours)`

// refreshPeriods rebuilds the store's weekly and monthly sums for the ISO
// weeks and months holding the local days first..last.
func refreshPeriods(ctx context.Context, x execer, storeID int64, first, last time.Time) error {
	monday := func(t time.Time) time.Time {
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	}
	w0, w1 := monday(first), monday(last).AddDate(0, 0, 7)
	m0 := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
	m1 := time.Date(last.Year(), last.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range []struct {
		table, key string
		from, to   time.Time
	}{
		{"store_weekly", `date(local_day, 'weekday 0', '-6 days')`, w0, w1},
		{"store_monthly", `substr(local_day, 1, 8) || '01'`, m0, m1},
	} {
		f, t := p.from.Format("2006-01-02"), p.to.Format("2006-01-02")
		if _, err := x.ExecContext(ctx, `DELETE FROM `+p.table+` WHERE store_id = ? AND local_day >= ? AND local_day < ?`, storeID, f, t); err != nil {
			return MapError(err)
		}
		if _, err := x.ExecContext(ctx, `INSERT INTO `+p.table+` SELECT `+p.key+`, store_id, `+periodSums+`
			FROM store_daily WHERE store_id = ? AND local_day >= ? AND local_day < ? GROUP BY 1, 2`, storeID, f, t); err != nil {
			return MapError(err)
		}
	}
	return nil
}

var zoneCache sync.Map // IANA name → *time.Location

// loadZone is time.LoadLocation with a cache, since every sync page asks.
func loadZone(name string) (*time.Location, error) {
	if l, ok := zoneCache.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zoneCache.Store(name, l)
	return l, nil
}

// addSpan calls fn for each hour row overlapping [s, e) with the overlap in seconds.
func addSpan(rows []hourRow, h0, s, e int64, fn func(r *hourRow, sec int64)) {
	if s < h0 {
		s = h0
	}
	for t := s - (s-h0)%3600; t < e; t += 3600 {
		i := (t - h0) / 3600
		if i < 0 {
			continue
		}
		if i >= int64(len(rows)) {
			return
		}
		lo, hi := max(s, t), min(e, t+3600)
		if hi > lo {
			fn(&rows[i], hi-lo)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func openingHours(ctx context.Context, x execer, storeID int64) ([]OpeningHours, error) {
	rows, err := x.QueryContext(ctx, `SELECT valid_from, valid_to, weekdays, opens, closes, priority FROM opening_hours WHERE store_id = ?`, storeID)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	var out []OpeningHours
	for rows.Next() {
		var h OpeningHours
		var wd int
		if err := rows.Scan(&h.ValidFrom, &h.ValidTo, &wd, &h.Opens, &h.Closes, &h.Priority); err != nil {
			return nil, err
		}
		h.Weekdays = Weekdays(wd)
		out = append(out, h)
	}
	return out, rows.Err()
}
