package chart

import (
	"fmt"
	"math"
	"strconv"
	"time"

	gochart "github.com/wcharczuk/go-chart/v2"
)

// niceAxis picks a round top value and step for values up to max, aiming at
// about five gridlines.
func niceAxis(max float64, format func(float64) string) axisSpec {
	if !(max > 0) || math.IsInf(max, 0) {
		max = 1
	}
	raw := max / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	top := math.Ceil(max/step-1e-9) * step
	if top < max*1.04 { // leave headroom above the highest point
		top += step
	}
	return axisSpec{max: top, step: step, format: format}
}

// valueTicks are the ticks of a value axis from 0 to its top.
func valueTicks(a axisSpec) []gochart.Tick {
	if a.step <= 0 {
		return []gochart.Tick{{Value: 0, Label: a.format(0)}, {Value: a.max, Label: a.format(a.max)}}
	}
	var ts []gochart.Tick
	n := int(math.Round(a.max / a.step))
	for i := 0; i <= n; i++ {
		v := float64(i) * a.step
		ts = append(ts, gochart.Tick{Value: v, Label: a.format(v)})
	}
	return ts
}

// countFormat labels counts: 1200 → "1,200", 25000 → "25k".
func countFormat(v float64) string {
	switch {
	case v >= 100000:
		return strconv.FormatFloat(v/1000, 'f', 0, 64) + "k"
	case v >= 10000:
		return strconv.FormatFloat(v/1000, 'f', -1, 64) + "k"
	case v == math.Trunc(v):
		return groupThousands(int64(v))
	default:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	var out []byte
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	return string(out)
}

// percentFormat labels fractions as percentages: 0.085 → "8.5%".
func percentFormat(v float64) string {
	p := v * 100
	if math.Abs(p-math.Round(p)) < 1e-9 {
		return fmt.Sprintf("%.0f%%", p)
	}
	return fmt.Sprintf("%.1f%%", p)
}

// timeTicks labels a time axis between min and max (Unix seconds) in loc,
// with at most maxTicks labels, on round local boundaries: hours, days or
// months. The range ends get unlabelled ticks so the axis spans the range.
func timeTicks(min, max float64, loc *time.Location, maxTicks int) []gochart.Tick {
	if maxTicks < 2 {
		maxTicks = 2
	}
	span := time.Duration((max - min) * float64(time.Second))
	from := time.Unix(int64(math.Ceil(min)), 0).In(loc)
	to := time.Unix(int64(math.Floor(max)), 0).In(loc)
	var ts []gochart.Tick
	add := func(t time.Time, label string) {
		v := float64(t.Unix())
		if v >= min && v <= max {
			ts = append(ts, gochart.Tick{Value: v, Label: label})
		}
	}
	hourSteps := []int{1, 2, 3, 4, 6, 12}
	switch {
	case span <= 3*24*time.Hour:
		step := 24
		for _, h := range hourSteps {
			if span/time.Duration(h)/time.Hour < time.Duration(maxTicks) {
				step = h
				break
			}
		}
		t := time.Date(from.Year(), from.Month(), from.Day(), from.Hour(), 0, 0, 0, loc)
		for ; !t.After(to); t = t.Add(time.Hour) {
			if t.Hour()%step != 0 {
				continue
			}
			label := t.Format("15:04")
			if t.Hour() == 0 && span > 20*time.Hour {
				label = t.Format("01-02")
			}
			add(t, label)
		}
	case span <= 120*24*time.Hour:
		days := int(span / (24 * time.Hour))
		step := 1
		for _, d := range []int{1, 2, 7, 14, 28} {
			step = d
			if days/d < maxTicks {
				break
			}
		}
		t := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
		if t.Before(from) {
			t = t.AddDate(0, 0, 1)
		}
		i := 0
		for ; !t.After(to); t = t.AddDate(0, 0, 1) {
			if step == 7 || step == 14 || step == 28 {
				if t.Weekday() != time.Monday || i%(step/7) != 0 {
					if t.Weekday() == time.Monday {
						i++
					}
					continue
				}
				i++
			} else if t.YearDay()%step != 0 && step > 1 {
				continue
			}
			add(t, t.Format("01-02"))
		}
	default:
		months := int(span/(24*time.Hour)) / 30
		step := 1
		for _, m := range []int{1, 2, 3, 6, 12} {
			step = m
			if months/m < maxTicks {
				break
			}
		}
		t := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, loc)
		if t.Before(from) {
			t = t.AddDate(0, 1, 0)
		}
		for ; !t.After(to); t = t.AddDate(0, 1, 0) {
			if (int(t.Month())-1)%step != 0 {
				continue
			}
			label := t.Format("2006-01")
			add(t, label)
		}
	}
	// Unlabelled ticks at both ends make the axis cover the whole range.
	ends := []gochart.Tick{{Value: min}}
	for _, t := range ts {
		if t.Value > min && t.Value < max {
			ends = append(ends, t)
		}
	}
	return append(ends, gochart.Tick{Value: max})
}
