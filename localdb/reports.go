package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// ReportRecord is one report made on this machine.
type ReportRecord struct {
	ID     int64
	MadeAt time.Time
	Period string
	// Scope is "" for every store, "tag:NAME" or "stores:CODE,…".
	Scope  string
	Lang   string
	Stores int
	Files  []string
}

// RecordReport notes a report just made and returns its id.
func (db *DB) RecordReport(ctx context.Context, r ReportRecord) (int64, error) {
	files, err := json.Marshal(r.Files)
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO reports(made_at, period, scope, lang, stores, files) VALUES (?, ?, ?, ?, ?, ?)`,
			r.MadeAt.Unix(), r.Period, r.Scope, r.Lang, r.Stores, string(files))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("note the report: %w", err)
	}
	return id, nil
}

// RecentReports lists the reports made here, newest first, at most limit.
func (db *DB) RecentReports(ctx context.Context, limit int) ([]ReportRecord, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, made_at, period, scope, lang, stores, files FROM reports ORDER BY made_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read the recent reports: %w", MapError(err))
	}
	defer rows.Close()
	var out []ReportRecord
	for rows.Next() {
		var r ReportRecord
		var made int64
		var files string
		if err := rows.Scan(&r.ID, &made, &r.Period, &r.Scope, &r.Lang, &r.Stores, &files); err != nil {
			return nil, fmt.Errorf("read the recent reports: %w", err)
		}
		r.MadeAt = time.Unix(made, 0).UTC()
		if err := json.Unmarshal([]byte(files), &r.Files); err != nil {
			return nil, fmt.Errorf("read the recent reports: report %d: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, MapError(rows.Err())
}
