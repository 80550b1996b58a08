// Package synthchain builds large synthetic chains straight into a local
// store — stores with tags and opening hours, 15-minute device counts, hourly
// POS, staff shifts and weather — then refreshes the rollups the way sync
// does. It exists to measure StoreLens at HQ scale (2000 stores × a year)
// and to test the forecast and the flags on data whose truth is known; it
// writes with prepared multi-row statements in one transaction per store so
// a year of 2000 stores builds in minutes, and Cached keeps the result on
// disk between benchmark runs.
package synthchain

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"storelens/localdb"
	"storelens/localdb/localdbtest"
)

// Options shape a chain. Zero fields take the defaults of Defaults.
type Options struct {
	// Stores is how many stores; Regions how many regions they split into.
	Stores, Regions int
	// Days of history ending the day before End (a local date).
	Days int
	End  time.Time
	// Seed makes the chain reproducible.
	Seed uint64
	// Stories adds a few problem stores (see the Story* codes) so flags
	// have something to find.
	Stories bool
}

// Defaults are the HQ-scale chain of the benchmarks: 2000 stores, a year.
func Defaults() Options {
	return Options{Stores: 2000, Regions: 10, Days: 365, End: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Seed: 7, Stories: true}
}

// Codes of the story stores (present when Options.Stories).
const (
	StoryEarlyClose = "S00001" // closes ~19:50 on weekdays of the last 8 weeks instead of 22:00
	StoryLowRate    = "S00002" // entry rate ~2% all along
	StoryBlocked    = "S00003" // lens blocked during the last week: counts collapse, device alert
	StoryDrop       = "S00004" // traffic halves in the last week
)

// Tags the chain uses, with the share of stores that carry each.
var Tags = []string{"商场店", "街边店", "社区店", "景区店", "旗舰店"}

var cities = []struct{ name, zone string }{
	{"武汉", "Asia/Shanghai"}, {"长沙", "Asia/Shanghai"}, {"南昌", "Asia/Shanghai"}, {"合肥", "Asia/Shanghai"},
	{"郑州", "Asia/Shanghai"}, {"成都", "Asia/Shanghai"}, {"重庆", "Asia/Shanghai"}, {"西安", "Asia/Shanghai"},
	{"乌鲁木齐", "Asia/Urumqi"}, {"广州", "Asia/Shanghai"},
}

// weekdayFactor scales traffic Monday … Sunday.
var weekdayFactor = [7]float64{0.9, 0.88, 0.9, 0.95, 1.05, 1.45, 1.35}

// hourShape is the share of a day's traffic per local hour 10 … 21.
var hourShape = func() [12]float64 {
	w := [12]float64{4, 6, 7, 7, 8, 9, 9, 8, 9, 10, 9, 6}
	s := 0.0
	for _, x := range w {
		s += x
	}
	for i := range w {
		w[i] /= s
	}
	return w
}()

type storeSpec struct {
	id                       int64
	code, city, zone, tag    string
	region                   string
	daily, rate, conv, atv   float64
	trend                    float64 // relative change per year
	staff                    int
	weatherSens, holidayLift float64
}

// Build writes the chain into db, which must be empty of stores. Progress,
// when not nil, is called after each store.
func Build(ctx context.Context, db *localdb.DB, o Options, progress func(done, total int)) error {
	o = withDefaults(o)
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	holidays := map[string]bool{}
	for d := range defaultHolidays {
		holidays[d] = true
	}
	first := o.End.AddDate(0, 0, -o.Days)
	// Weather per city and day.
	weather := map[string][]string{}
	for r := 0; r < o.Regions; r++ {
		if err := db.UpsertRegion(ctx, localdb.Region{ID: fmt.Sprintf("R%02d", r+1), Name: fmt.Sprintf("区域%02d", r+1), TimeZone: "Asia/Shanghai"}); err != nil {
			return err
		}
	}
	raw, err := localdbtest.Open(db)
	if err != nil {
		return err
	}
	defer raw.Close()
	err = localdbtest.InTx(ctx, raw, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO weather(city, day, condition, temp_min_c, temp_max_c, precip_mm) VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range cities {
			ws := make([]string, o.Days)
			for i := range ws {
				d := first.AddDate(0, 0, i)
				cond := "sunny"
				switch x := rng.Float64(); {
				case x < 0.06:
					cond = "heavy_rain"
					if d.Month() <= 2 || d.Month() == 12 {
						cond = "snow"
					}
				case x < 0.25:
					cond = "rain"
				case x < 0.5:
					cond = "cloudy"
				}
				ws[i] = cond
				if _, err := stmt.ExecContext(ctx, c.name, d.Format("2006-01-02"), cond, 5.0, 15.0, 0.0); err != nil {
					return err
				}
			}
			weather[c.name] = ws
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("synthetic chain: weather: %w", err)
	}
	for i := 0; i < o.Stores; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		c := cities[i%len(cities)]
		sp := storeSpec{
			id: int64(i + 1), code: fmt.Sprintf("S%05d", i+1), city: c.name, zone: c.zone,
			tag:    Tags[pickTag(rng)],
			region: fmt.Sprintf("R%02d", i%o.Regions+1),
			daily:  math.Exp(rng.NormFloat64()*0.3) * 320,
			rate:   0.06 + 0.06*rng.Float64(),
			conv:   0.15 + 0.1*rng.Float64(),
			atv:    20000 + 20000*rng.Float64(),
			trend:  rng.NormFloat64() * 0.08,
			staff:  2 + rng.IntN(3),
		}
		sp.weatherSens = 0.75
		if sp.tag == "商场店" || sp.tag == "旗舰店" {
			sp.weatherSens = 0.92
		}
		sp.holidayLift = 1.3 + 0.3*rng.Float64()
		if sp.tag == "景区店" {
			sp.holidayLift = 1.9
		}
		if o.Stories && sp.code == StoryLowRate {
			sp.rate = 0.02
		}
		if err := writeStore(ctx, db, raw, o, sp, first, weather[c.name], holidays, rng); err != nil {
			return fmt.Errorf("synthetic chain: store %s: %w", sp.code, err)
		}
		if progress != nil {
			progress(i+1, o.Stores)
		}
	}
	return nil
}

func pickTag(rng *rand.Rand) int {
	x := rng.Float64()
	switch {
	case x < 0.4:
		return 0
	case x < 0.65:
		return 1
	case x < 0.85:
		return 2
	case x < 0.95:
		return 3
	}
	return 4
}

func withDefaults(o Options) Options {
	d := Defaults()
	if o.Stores == 0 {
		o.Stores = d.Stores
	}
	if o.Regions == 0 {
		o.Regions = min(d.Regions, o.Stores)
	}
	if o.Days == 0 {
		o.Days = d.Days
	}
	if o.End.IsZero() {
		o.End = d.End
	}
	if o.Seed == 0 {
		o.Seed = d.Seed
	}
	return o
}

// poisson draws a Poisson count (normal approximation above 30).
func poisson(rng *rand.Rand, lambda float64) int64 {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		return max(0, int64(math.Round(lambda+math.Sqrt(lambda)*rng.NormFloat64())))
	}
	l, k, p := math.Exp(-lambda), int64(0), 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func writeStore(ctx context.Context, db *localdb.DB, raw *sql.DB, o Options, sp storeSpec, first time.Time, weather []string, holidays map[string]bool, rng *rand.Rand) error {
	loc, err := time.LoadLocation(sp.zone)
	if err != nil {
		return err
	}
	s := localdb.Store{ID: sp.id, Code: sp.code, Name: sp.city + fmt.Sprintf("%d号店", sp.id), RegionID: sp.region, City: sp.city,
		TimeZone: sp.zone, StaffCount: sp.staff * 2, Tags: []string{sp.tag},
		Hours: []localdb.OpeningHours{{ValidFrom: "2000-01-01", ValidTo: "2099-12-31", Weekdays: localdb.AllWeek, Opens: "10:00", Closes: "22:00"}}}
	if err := db.UpsertStore(ctx, s); err != nil {
		return err
	}
	err = localdbtest.InTx(ctx, raw, func(tx *sql.Tx) error {
		cam := sp.id * 10
		if _, err := tx.ExecContext(ctx, `INSERT INTO cameras(id, code, store_id, role) VALUES (?, ?, ?, 'entrance')`, cam, sp.code+"-ENT1", sp.id); err != nil {
			return err
		}
		const perDay = 48
		bucketSQL := `INSERT INTO count_buckets(camera_id, source, bucket_start, store_id, entries, exits, passers_by, staff_excluded, dwell_sum_s, dwell_n, suspect) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?,'device',?,?,?,?,?,?,?,?,?),", perDay), ",")
		bst, err := tx.PrepareContext(ctx, bucketSQL)
		if err != nil {
			return err
		}
		defer bst.Close()
		posSQL := `INSERT INTO pos_hourly(store_id, hour_start, receipts, items, sales_fen) VALUES ` + strings.TrimSuffix(strings.Repeat("(?,?,?,?,?),", 12), ",")
		pst, err := tx.PrepareContext(ctx, posSQL)
		if err != nil {
			return err
		}
		defer pst.Close()
		sst, err := tx.PrepareContext(ctx, `INSERT INTO staff_shifts(store_id, starts, ends) VALUES (?, ?, ?), (?, ?, ?)`)
		if err != nil {
			return err
		}
		defer sst.Close()
		bargs := make([]any, 0, perDay*10)
		pargs := make([]any, 0, 12*5)
		for i := 0; i < o.Days; i++ {
			d := first.AddDate(0, 0, i)
			ds := d.Format("2006-01-02")
			wd := (int(d.Weekday()) + 6) % 7
			lastWeek := i >= o.Days-7
			level := sp.daily * weekdayFactor[wd] * (1 + sp.trend*float64(i)/365) * math.Exp(rng.NormFloat64()*0.10)
			if holidays[ds] {
				level *= sp.holidayLift
			}
			switch weather[i] {
			case "rain":
				level *= sp.weatherSens
			case "heavy_rain", "snow":
				level *= sp.weatherSens * sp.weatherSens
			}
			closeMin := 22 * 60
			suspect := false
			if o.Stories {
				switch sp.code {
				case StoryEarlyClose:
					if i >= o.Days-56 && wd < 5 {
						closeMin = 19*60 + 50
					}
				case StoryDrop:
					if lastWeek {
						level *= 0.5
					}
				case StoryBlocked:
					if lastWeek && wd < 3 {
						suspect = true
					}
				}
			}
			bargs = bargs[:0]
			pargs = pargs[:0]
			for h := 0; h < 12; h++ {
				hourStart := time.Date(d.Year(), d.Month(), d.Day(), 10+h, 0, 0, 0, loc)
				var he int64
				for q := 0; q < 4; q++ {
					bmin := (10+h)*60 + 15*q
					lam := level * hourShape[h] / 4
					if bmin >= closeMin {
						lam = 0
					}
					e := poisson(rng, lam)
					pb := poisson(rng, lam/sp.rate)
					sus := 0
					if suspect && h >= 2 && h < 8 {
						e, pb, sus = e/10, pb/10, 1
					}
					he += e
					bargs = append(bargs, cam, hourStart.Unix()+int64(q)*900, sp.id, e, e, pb, rng.IntN(2), float64(e)*600, e, sus)
				}
				tx := poisson(rng, float64(he)*sp.conv)
				pargs = append(pargs, sp.id, hourStart.Unix(), tx, tx*2, int64(float64(tx)*sp.atv))
			}
			if _, err := bst.ExecContext(ctx, bargs...); err != nil {
				return err
			}
			if _, err := pst.ExecContext(ctx, pargs...); err != nil {
				return err
			}
			a := time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, loc).Unix()
			b := time.Date(d.Year(), d.Month(), d.Day(), 16, 0, 0, 0, loc).Unix()
			c := time.Date(d.Year(), d.Month(), d.Day(), 22, 0, 0, 0, loc).Unix()
			for k := 0; k < sp.staff; k++ {
				if _, err := sst.ExecContext(ctx, sp.id, a, b, sp.id, b, c); err != nil {
					return err
				}
			}
			if suspect {
				if _, err := tx.ExecContext(ctx, `INSERT INTO camera_alerts(camera_id, kind, source, started_at, ended_at) VALUES (?, 'occlusion', 'device', ?, ?)`,
					cam, time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, loc).Unix(), time.Date(d.Year(), d.Month(), d.Day(), 18, 0, 0, 0, loc).Unix()); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	from := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	to := time.Date(o.End.Year(), o.End.Month(), o.End.Day(), 0, 0, 0, 0, loc)
	return db.RefreshRollups(ctx, sp.id, from, to)
}

// Cached opens the chain of o under dir, building it first when dir holds
// no complete build of the same options (a half-built file from an
// interrupted run is thrown away). The caller closes the DB.
func Cached(ctx context.Context, dir string, o Options, progress func(done, total int)) (*localdb.DB, error) {
	o = withDefaults(o)
	key, _ := json.Marshal(o)
	marker := filepath.Join(dir, "complete.json")
	if b, err := os.ReadFile(marker); err == nil && string(b) == string(key) {
		return localdb.Open(ctx, localdb.Options{Dir: dir})
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	db, err := localdb.Open(ctx, localdb.Options{Dir: dir})
	if err != nil {
		return nil, err
	}
	if err := Build(ctx, db, o, progress); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Checkpoint(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Analyze(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := os.WriteFile(marker, key, 0o600); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// defaultHolidays are the public holidays the synthetic traffic follows
// (the same calendar insight.DefaultHolidays knows).
var defaultHolidays = func() map[string]bool {
	h := map[string]bool{}
	add := func(from string, n int) {
		d, _ := time.Parse("2006-01-02", from)
		for i := 0; i < n; i++ {
			h[d.AddDate(0, 0, i).Format("2006-01-02")] = true
		}
	}
	add("2025-01-01", 1)
	add("2025-01-28", 8)
	add("2025-04-04", 3)
	add("2025-05-01", 5)
	add("2025-05-31", 3)
	add("2025-10-01", 8)
	add("2026-01-01", 3)
	add("2026-02-15", 9)
	add("2026-04-04", 3)
	add("2026-05-01", 5)
	add("2026-06-19", 3)
	add("2026-09-25", 3)
	add("2026-10-01", 7)
	return h
}()
