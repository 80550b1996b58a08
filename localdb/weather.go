package localdb

import (
	"context"
	"fmt"
)

// Weather is one city's weather on one local day.
type Weather struct {
	City      string
	Day       string // 'YYYY-MM-DD'
	Condition string // sunny, cloudy, rain, heavy_rain, snow, fog
	TempMinC  float64
	TempMaxC  float64
	PrecipMM  float64
}

// UpsertWeather stores a city's weather of a day.
func (p *FeedPage) UpsertWeather(w Weather) error {
	_, err := p.exec(`INSERT INTO weather(city, day, condition, temp_min_c, temp_max_c, precip_mm) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(city, day) DO UPDATE SET condition = excluded.condition, temp_min_c = excluded.temp_min_c,
			temp_max_c = excluded.temp_max_c, precip_mm = excluded.precip_mm`,
		w.City, w.Day, w.Condition, w.TempMinC, w.TempMaxC, w.PrecipMM)
	if err != nil {
		return fmt.Errorf("weather of %s on %s: %w", w.City, w.Day, err)
	}
	p.rows++
	return nil
}

// DeleteWeather removes a city's weather of a day.
func (p *FeedPage) DeleteWeather(city, day string) error {
	_, err := p.exec(`DELETE FROM weather WHERE city = ? AND day = ?`, city, day)
	return err
}

// WeatherDays maps the local dates of city in [firstDay, lastDay] to their
// weather condition.
func (db *DB) WeatherDays(ctx context.Context, city, firstDay, lastDay string) (map[string]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT day, condition FROM weather WHERE city = ? AND day >= ? AND day <= ?`, city, firstDay, lastDay)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var d, c string
		if err := rows.Scan(&d, &c); err != nil {
			return nil, err
		}
		out[d] = c
	}
	return out, MapError(rows.Err())
}
