package localdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// execer is satisfied by *sql.DB and *sql.Tx, so the typed writers below work
// inside a caller's transaction (a sync page) or on their own.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Region is a manager's area of responsibility.
type Region struct {
	ID       string
	Name     string
	TimeZone string // IANA name, the default for its stores
}

// Store is one shop of the chain.
type Store struct {
	ID         int64
	Code       string
	Name       string
	RegionID   string
	Address    string
	City       string
	AreaSqm    float64
	TimeZone   string // IANA name of the store's local clock
	OpenedOn   string // local date, '' when unknown
	ClosedOn   string // local date, '' while trading
	StaffCount int
	Tags       []string
	Hours      []OpeningHours
}

// OpeningHours is one rule of a store's schedule: on the Weekdays of the
// date range [ValidFrom, ValidTo], the store opens at Opens and closes at
// Closes, local time.
type OpeningHours struct {
	ValidFrom string // 'YYYY-MM-DD'
	ValidTo   string // 'YYYY-MM-DD'
	Weekdays  Weekdays
	Opens     string // 'HH:MM'
	Closes    string // 'HH:MM'
	Priority  int
}

// Weekdays is a set of days: bit 0 is Monday, bit 6 Sunday.
type Weekdays uint8

// AllWeek is every day of the week.
const AllWeek Weekdays = 127

// UpsertRegion inserts or updates a region.
func (db *DB) UpsertRegion(ctx context.Context, r Region) error {
	return upsertRegion(ctx, db.w, r)
}

// upsertRegion is UpsertRegion inside a caller's transaction.
func upsertRegion(ctx context.Context, x execer, r Region) error {
	_, err := x.ExecContext(ctx, `INSERT INTO regions(id, name, time_zone) VALUES (?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET name=excluded.name, time_zone=excluded.time_zone, updated_at=unixepoch()`,
		r.ID, r.Name, r.TimeZone)
	return MapError(err)
}

// UpsertStore inserts or updates a store by ID, replacing its tags and
// opening hours with those given. Run it inside a transaction.
func (db *DB) UpsertStore(ctx context.Context, s Store) error {
	return upsertStore(ctx, db.w, s)
}

// upsertStore is UpsertStore inside a caller's transaction.
func upsertStore(ctx context.Context, x execer, s Store) error {
	if s.TimeZone == "" {
		return fmt.Errorf("store %s: no time zone", s.Code)
	}
	_, err := x.ExecContext(ctx, `INSERT INTO stores(id, code, name, region_id, address, city, area_sqm, time_zone, opened_on, closed_on, staff_count)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?)
		ON CONFLICT(id) DO UPDATE SET code=excluded.code, name=excluded.name, region_id=excluded.region_id,
			address=excluded.address, city=excluded.city, area_sqm=excluded.area_sqm, time_zone=excluded.time_zone,
			opened_on=excluded.opened_on, closed_on=excluded.closed_on, staff_count=excluded.staff_count, updated_at=unixepoch()`,
		s.ID, s.Code, s.Name, s.RegionID, s.Address, s.City, s.AreaSqm, s.TimeZone, s.OpenedOn, s.ClosedOn, s.StaffCount)
	if err != nil {
		return fmt.Errorf("store %s: %w", s.Code, MapError(err))
	}
	if _, err := x.ExecContext(ctx, `DELETE FROM store_tags WHERE store_id = ?`, s.ID); err != nil {
		return MapError(err)
	}
	for _, t := range s.Tags {
		if _, err := x.ExecContext(ctx, `INSERT INTO tags(name) VALUES (?) ON CONFLICT(name) DO NOTHING`, t); err != nil {
			return MapError(err)
		}
		if _, err := x.ExecContext(ctx, `INSERT INTO store_tags(store_id, tag_id) SELECT ?, id FROM tags WHERE name = ?`, s.ID, t); err != nil {
			return MapError(err)
		}
	}
	if _, err := x.ExecContext(ctx, `DELETE FROM opening_hours WHERE store_id = ?`, s.ID); err != nil {
		return MapError(err)
	}
	for _, h := range s.Hours {
		if _, err := x.ExecContext(ctx, `INSERT INTO opening_hours(store_id, valid_from, valid_to, weekdays, opens, closes, priority) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			s.ID, h.ValidFrom, h.ValidTo, int(h.Weekdays), h.Opens, h.Closes, h.Priority); err != nil {
			return fmt.Errorf("store %s opening hours %s..%s: %w", s.Code, h.ValidFrom, h.ValidTo, MapError(err))
		}
	}
	return nil
}

// DeleteStore removes a store and everything that hangs off it.
func (db *DB) DeleteStore(ctx context.Context, id int64) error {
	return deleteStore(ctx, db.w, id)
}

// deleteStore is DeleteStore inside a caller's transaction.
func deleteStore(ctx context.Context, x execer, id int64) error {
	_, err := x.ExecContext(ctx, `DELETE FROM stores WHERE id = ?`, id)
	return MapError(err)
}

// Stores lists the stores of a region (” for all), ordered by code, with
// their tags and opening hours.
func (db *DB) Stores(ctx context.Context, regionID string) ([]Store, error) {
	return stores(ctx, db.r, regionID)
}

// stores is Stores inside a caller's transaction.
func stores(ctx context.Context, x execer, regionID string) ([]Store, error) {
	rows, err := x.QueryContext(ctx, `SELECT id, code, name, region_id, address, city, COALESCE(area_sqm, 0), time_zone,
			COALESCE(opened_on, ''), COALESCE(closed_on, ''), staff_count
		FROM stores WHERE ? = '' OR region_id = ? ORDER BY code`, regionID, regionID)
	if err != nil {
		return nil, MapError(err)
	}
	var out []Store
	idx := map[int64]int{}
	for rows.Next() {
		var s Store
		if err := rows.Scan(&s.ID, &s.Code, &s.Name, &s.RegionID, &s.Address, &s.City, &s.AreaSqm, &s.TimeZone, &s.OpenedOn, &s.ClosedOn, &s.StaffCount); err != nil {
			rows.Close()
			return nil, err
		}
		idx[s.ID] = len(out)
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	trows, err := x.QueryContext(ctx, `SELECT st.store_id, t.name FROM store_tags st JOIN tags t ON t.id = st.tag_id ORDER BY t.name`)
	if err != nil {
		return nil, MapError(err)
	}
	for trows.Next() {
		var id int64
		var name string
		if err := trows.Scan(&id, &name); err != nil {
			trows.Close()
			return nil, err
		}
		if i, ok := idx[id]; ok {
			out[i].Tags = append(out[i].Tags, name)
		}
	}
	trows.Close()
	hrows, err := x.QueryContext(ctx, `SELECT store_id, valid_from, valid_to, weekdays, opens, closes, priority FROM opening_hours ORDER BY store_id, valid_from, priority`)
	if err != nil {
		return nil, MapError(err)
	}
	defer hrows.Close()
	for hrows.Next() {
		var id int64
		var h OpeningHours
		var wd int
		if err := hrows.Scan(&id, &h.ValidFrom, &h.ValidTo, &wd, &h.Opens, &h.Closes, &h.Priority); err != nil {
			return nil, err
		}
		h.Weekdays = Weekdays(wd)
		if i, ok := idx[id]; ok {
			out[i].Hours = append(out[i].Hours, h)
		}
	}
	return out, hrows.Err()
}

// TagNames lists the tags the local stores carry, by name.
func (db *DB) TagNames(ctx context.Context) ([]string, error) {
	return db.strings(ctx, `SELECT DISTINCT t.name FROM tags t JOIN store_tags st ON st.tag_id = t.id ORDER BY t.name`)
}

// RegionIDs lists the regions that hold stores, by id.
func (db *DB) RegionIDs(ctx context.Context) ([]string, error) {
	return db.strings(ctx, `SELECT DISTINCT region_id FROM stores ORDER BY region_id`)
}

func (db *DB) strings(ctx context.Context, q string) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, q)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// StoreCount is how many stores the local store holds.
func (db *DB) StoreCount(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM stores`).Scan(&n)
	return n, MapError(err)
}

// StoreByCode returns one store, or ErrNotFound.
func (db *DB) StoreByCode(ctx context.Context, code string) (Store, error) {
	all, err := stores(ctx, db.r, "")
	if err != nil {
		return Store{}, err
	}
	for _, s := range all {
		if strings.EqualFold(s.Code, code) {
			return s, nil
		}
	}
	return Store{}, fmt.Errorf("store %q: %w", code, ErrNotFound)
}

// Setting reads a value from the settings table; ok is false when unset.
func (db *DB) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = db.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	return value, err == nil, MapError(err)
}

// SetSetting stores a value in the settings table.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return MapError(err)
}

// UpsertRegion stores a region.
func (p *FeedPage) UpsertRegion(r Region) error {
	p.rows++
	return upsertRegion(p.ctx, p.tx, r)
}

// DeleteRegion removes a region that has no stores left.
func (p *FeedPage) DeleteRegion(id string) error {
	_, err := p.exec(`DELETE FROM regions WHERE id = ? AND NOT EXISTS (SELECT 1 FROM stores WHERE region_id = ?)`, id, id)
	return err
}

// UpsertStore stores a store with its tags and opening hours.
func (p *FeedPage) UpsertStore(s Store) error {
	if ok, err := p.hasParent("regions", "id", s.RegionID); err != nil {
		return err
	} else if !ok {
		p.skip(fmt.Sprintf("store %s (region %s is not known)", s.Code, s.RegionID))
		return nil
	}
	p.setParent("stores", s.ID, true)
	p.rows++
	delete(p.zones, s.ID)
	return upsertStore(p.ctx, p.tx, s)
}

// DeleteStore removes a store and everything hanging off it.
func (p *FeedPage) DeleteStore(id int64) error {
	p.parents = nil // its cameras go with it
	return deleteStore(p.ctx, p.tx, id)
}

// StoreWithCode reads one store (case-insensitive code) with its tags and
// opening hours, without reading the whole chain; ErrNotFound when absent.
func (db *DB) StoreWithCode(ctx context.Context, code string) (Store, error) {
	var s Store
	err := db.r.QueryRowContext(ctx, `SELECT id, code, name, region_id, address, city, COALESCE(area_sqm, 0), time_zone,
			COALESCE(opened_on, ''), COALESCE(closed_on, ''), staff_count
		FROM stores WHERE code = ? COLLATE NOCASE ORDER BY code = ? DESC LIMIT 1`, code, code).Scan(&s.ID, &s.Code, &s.Name, &s.RegionID, &s.Address, &s.City, &s.AreaSqm, &s.TimeZone, &s.OpenedOn, &s.ClosedOn, &s.StaffCount)
	if err != nil {
		return Store{}, fmt.Errorf("store %q: %w", code, MapError(err))
	}
	rows, err := db.r.QueryContext(ctx, `SELECT t.name FROM store_tags st JOIN tags t ON t.id = st.tag_id WHERE st.store_id = ? ORDER BY t.name`, s.ID)
	if err != nil {
		return Store{}, MapError(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return Store{}, err
		}
		s.Tags = append(s.Tags, name)
	}
	rows.Close()
	if s.Hours, err = openingHours(ctx, db.r, s.ID); err != nil {
		return Store{}, err
	}
	return s, nil
}

// Place is a city of a region with the number of local stores in it.
type Place struct {
	RegionID, RegionName, City string
	Stores                     int
}

// Places lists the cities of each region that holds stores, by region name
// then city.
func (db *DB) Places(ctx context.Context) ([]Place, error) {
	rows, err := db.r.QueryContext(ctx, `
		SELECT s.region_id, COALESCE(r.name, s.region_id), s.city, count(*)
		FROM stores s LEFT JOIN regions r ON r.id = s.region_id
		GROUP BY s.region_id, s.city
		ORDER BY 2, s.region_id, s.city`)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	var out []Place
	for rows.Next() {
		var p Place
		if err := rows.Scan(&p.RegionID, &p.RegionName, &p.City, &p.Stores); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
