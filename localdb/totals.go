package localdb

// This file holds the reads of the rollup tables (store_hourly, store_daily,
// store_weekly, store_monthly) that insight computes every KPI from.

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// DailyTotal is the sum of store_daily rows of one store over some days.
type DailyTotal struct {
	StoreID                 int64
	Days                    int // rows found
	TradedDays              int
	OpenHours, SuspectHours int
	AlertKinds              int
	Entries, Exits          int64
	PassersBy               int64
	StaffExcluded           int64
	DwellSum                float64
	DwellN                  int64
	Transactions, Items     int64
	SalesFen                int64
	StaffHours              float64
	LocalHours              int
	LocalEntries            int64
	LocalPassersBy          int64
	DeviceEntriesLocalHours int64
}

const dailySums = `count(*), sum(traded), sum(open_hours), sum(suspect_hours), COALESCE(max(alert_kinds), 0),
	sum(entries), sum(exits), sum(passers_by), sum(staff_excluded), sum(dwell_sum_s), sum(dwell_n),
	sum(transactions), sum(items), sum(sales_fen), sum(staff_hours),
	sum(local_hours), sum(local_entries), sum(local_passers_by), sum(device_entries_local_hours)`

// weekSums sums store_weekly / store_monthly rows like dailySums sums days.
var weekSums = "sum(days)" + dailySums[len("count(*)"):]

// Grain is the calendar unit of a rollup table.
type Grain int

// Rollup grains.
const (
	GrainDay Grain = iota
	GrainWeek
	GrainMonth
)

func (t *DailyTotal) scanTargets() []any {
	return []any{&t.Days, &t.TradedDays, &t.OpenHours, &t.SuspectHours, &t.AlertKinds,
		&t.Entries, &t.Exits, &t.PassersBy, &t.StaffExcluded, &t.DwellSum, &t.DwellN,
		&t.Transactions, &t.Items, &t.SalesFen, &t.StaffHours,
		&t.LocalHours, &t.LocalEntries, &t.LocalPassersBy, &t.DeviceEntriesLocalHours}
}

// DailyTotals sums store_daily per store over the local days [firstDay,
// lastDay] (both 'YYYY-MM-DD', included), for the stores of regionID ("" for
// all). Stores without rows are absent.
func (db *DB) DailyTotals(ctx context.Context, regionID, firstDay, lastDay string) (map[int64]DailyTotal, error) {
	q := `SELECT store_id, ` + dailySums + ` FROM store_daily WHERE local_day >= ? AND local_day <= ?`
	args := []any{firstDay, lastDay}
	if regionID != "" {
		q += ` AND store_id IN (SELECT id FROM stores WHERE region_id = ?)`
		args = append(args, regionID)
	}
	q += ` GROUP BY store_id`
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	out := map[int64]DailyTotal{}
	for rows.Next() {
		var t DailyTotal
		if err := rows.Scan(append([]any{&t.StoreID}, t.scanTargets()...)...); err != nil {
			return nil, err
		}
		out[t.StoreID] = t
	}
	return out, MapError(rows.Err())
}

// StoreDailyTotal sums one store's store_daily rows over [firstDay, lastDay].
func (db *DB) StoreDailyTotal(ctx context.Context, storeID int64, firstDay, lastDay string) (DailyTotal, error) {
	t := DailyTotal{StoreID: storeID}
	var n sql.NullInt64
	targets := t.scanTargets()
	// sum() of no rows is NULL; scan into nullable holders first.
	holders := make([]any, len(targets))
	for i := range holders {
		holders[i] = new(sql.NullFloat64)
	}
	holders[0] = &n
	if err := db.r.QueryRowContext(ctx, `SELECT `+dailySums+` FROM store_daily WHERE store_id = ? AND local_day >= ? AND local_day <= ?`,
		storeID, firstDay, lastDay).Scan(holders...); err != nil {
		return t, MapError(err)
	}
	t.Days = int(n.Int64)
	for i := 1; i < len(targets); i++ {
		v := holders[i].(*sql.NullFloat64).Float64
		switch p := targets[i].(type) {
		case *int:
			*p = int(v)
		case *int64:
			*p = int64(v)
		case *float64:
			*p = v
		}
	}
	return t, nil
}

// DailyRow is one store_daily row.
type DailyRow struct {
	StoreID        int64
	Day            string
	Weekday        int // 0 = Monday
	SchedOpensMin  int // -1 when not scheduled open
	SchedClosesMin int // -1 when not scheduled open
	Traded         bool
	OpenHours      int
	SuspectHours   int
	AlertKinds     int
	Entries        int64
	PassersBy      int64
	Transactions   int64
	SalesFen       int64
	StaffHours     float64
	LastEntryMin   int
}

const dailyRowCols = `store_id, local_day, weekday, COALESCE(sched_opens_min, -1), COALESCE(sched_closes_min, -1), traded, open_hours,
	suspect_hours, alert_kinds, entries, passers_by, transactions, sales_fen, staff_hours, last_entry_min`

func scanDailyRows(rows *sql.Rows) ([]DailyRow, error) {
	defer rows.Close()
	var out []DailyRow
	for rows.Next() {
		var r DailyRow
		if err := rows.Scan(&r.StoreID, &r.Day, &r.Weekday, &r.SchedOpensMin, &r.SchedClosesMin, &r.Traded, &r.OpenHours,
			&r.SuspectHours, &r.AlertKinds, &r.Entries, &r.PassersBy, &r.Transactions, &r.SalesFen, &r.StaffHours, &r.LastEntryMin); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, MapError(rows.Err())
}

// DailyRows lists one store's days in [firstDay, lastDay], in date order.
func (db *DB) DailyRows(ctx context.Context, storeID int64, firstDay, lastDay string) ([]DailyRow, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+dailyRowCols+` FROM store_daily
		WHERE store_id = ? AND local_day >= ? AND local_day <= ? ORDER BY local_day`, storeID, firstDay, lastDay)
	if err != nil {
		return nil, MapError(err)
	}
	return scanDailyRows(rows)
}

// EarlyClosedDays lists traded days in [firstDay, lastDay] (stores of
// regionID, "" for all) whose last counted entry came at least minutes
// before the scheduled closing time.
func (db *DB) EarlyClosedDays(ctx context.Context, regionID, firstDay, lastDay string, minutes int) ([]DailyRow, error) {
	q := `SELECT ` + dailyRowCols + ` FROM store_daily
		WHERE local_day >= ? AND local_day <= ? AND traded = 1 AND sched_closes_min IS NOT NULL
		  AND last_entry_min >= 0 AND sched_closes_min - last_entry_min >= ?`
	args := []any{firstDay, lastDay, minutes}
	if regionID != "" {
		q += ` AND store_id IN (SELECT id FROM stores WHERE region_id = ?)`
		args = append(args, regionID)
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY store_id, local_day`, args...)
	if err != nil {
		return nil, MapError(err)
	}
	return scanDailyRows(rows)
}

// HourlyRow is one store_hourly row.
type HourlyRow struct {
	Start                       int64
	Day                         string
	Hour, Weekday               int
	Open, Suspect               bool
	AlertKinds                  int
	Entries, Exits, PassersBy   int64
	StaffExcluded               int64
	DwellSum                    float64
	DwellN                      int64
	HasLocal                    bool
	LocalEntries, LocalPassers  int64
	Transactions, Items, SalesF int64
	Staff                       float64
	LastEntryMin                int
}

// HourlyRows lists one store's hours with start in [from, to), in order.
func (db *DB) HourlyRows(ctx context.Context, storeID int64, from, to time.Time) ([]HourlyRow, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT hour_start, local_day, local_hour, weekday, open, suspect, alert_kinds,
			entries, exits, passers_by, staff_excluded, dwell_sum_s, dwell_n, has_local, local_entries, local_passers_by,
			transactions, items, sales_fen, staff, last_entry_min
		FROM store_hourly WHERE store_id = ? AND hour_start >= ? AND hour_start < ? ORDER BY hour_start`, storeID, from.Unix(), to.Unix())
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	out := make([]HourlyRow, 0, 64)
	for rows.Next() {
		var r HourlyRow
		if err := rows.Scan(&r.Start, &r.Day, &r.Hour, &r.Weekday, &r.Open, &r.Suspect, &r.AlertKinds,
			&r.Entries, &r.Exits, &r.PassersBy, &r.StaffExcluded, &r.DwellSum, &r.DwellN, &r.HasLocal, &r.LocalEntries, &r.LocalPassers,
			&r.Transactions, &r.Items, &r.SalesF, &r.Staff, &r.LastEntryMin); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, MapError(rows.Err())
}

// MonthTotal is a store's sums over one local calendar month.
type MonthTotal struct {
	Month                            string // 'YYYY-MM'
	Entries, PassersBy, Transactions int64
}

// MonthlyTotals sums one store's days per month over [firstDay, lastDay].
func (db *DB) MonthlyTotals(ctx context.Context, storeID int64, firstDay, lastDay string) ([]MonthTotal, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT substr(local_day, 1, 7), sum(entries), sum(passers_by), sum(transactions)
		FROM store_daily WHERE store_id = ? AND local_day >= ? AND local_day <= ? GROUP BY 1 ORDER BY 1`, storeID, firstDay, lastDay)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	var out []MonthTotal
	for rows.Next() {
		var m MonthTotal
		if err := rows.Scan(&m.Month, &m.Entries, &m.PassersBy, &m.Transactions); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, MapError(rows.Err())
}

// DailyTotalsSplit sums store_daily per store over consecutive spans of
// local days in one pass: bounds b0 < b1 < … < bn ('YYYY-MM-DD') give span i
// = [b_i, b_{i+1}). The region overview reads a period and its history this
// way, one range scan instead of one query per period.
//
// grain picks the rollup read: GrainDay (store_daily, any bounds), GrainWeek
// (store_weekly; bounds must be Mondays) or GrainMonth (store_monthly;
// bounds must be 1sts of months).
func (db *DB) DailyTotalsSplit(ctx context.Context, grain Grain, regionID string, bounds []string) ([]map[int64]DailyTotal, error) {
	table, sums := "store_daily", dailySums
	switch grain {
	case GrainWeek:
		table, sums = "store_weekly", weekSums
	case GrainMonth:
		table, sums = "store_monthly", weekSums
	}
	if len(bounds) < 2 {
		return nil, fmt.Errorf("daily totals: need at least two bounds, got %d", len(bounds))
	}
	n := len(bounds) - 1
	cs := "CASE"
	var args []any
	for i := 1; i < n; i++ {
		cs += fmt.Sprintf(" WHEN local_day < ? THEN %d", i-1)
		args = append(args, bounds[i])
	}
	cs += fmt.Sprintf(" ELSE %d END", n-1)
	if n == 1 {
		cs = "0"
	}
	q := `SELECT store_id, ` + cs + ` AS span, ` + sums + ` FROM ` + table + ` WHERE local_day >= ? AND local_day < ?`
	args = append(args, bounds[0], bounds[n])
	if regionID != "" {
		q += ` AND store_id IN (SELECT id FROM stores WHERE region_id = ?)`
		args = append(args, regionID)
	}
	q += ` GROUP BY store_id, span`
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	out := make([]map[int64]DailyTotal, n)
	for i := range out {
		out[i] = map[int64]DailyTotal{}
	}
	for rows.Next() {
		var t DailyTotal
		var span int
		if err := rows.Scan(append([]any{&t.StoreID, &span}, t.scanTargets()...)...); err != nil {
			return nil, err
		}
		if span >= 0 && span < n {
			out[span][t.StoreID] = t
		}
	}
	return out, MapError(rows.Err())
}

// DataDays are the first and last local days on which any store traded or
// counted (” and ” before the first sync brings data).
func (db *DB) DataDays(ctx context.Context) (first, last string, err error) {
	var f, l sql.NullString
	err = db.r.QueryRowContext(ctx, `SELECT
		(SELECT local_day FROM store_daily WHERE traded = 1 ORDER BY local_day LIMIT 1),
		(SELECT local_day FROM store_daily WHERE traded = 1 ORDER BY local_day DESC LIMIT 1)`).Scan(&f, &l)
	return f.String, l.String, MapError(err)
}
