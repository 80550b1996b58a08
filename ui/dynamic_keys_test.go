package ui

import (
	"testing"

	"storelens/app/insight"
)

// TestDynamicKeysAreTranslated covers the keys built from data, which a
// scan of the source for literal keys cannot see: every metric, flag kind,
// camera-alert kind and weather condition has a label in both languages.
func TestDynamicKeysAreTranslated(t *testing.T) {
	en := loadTranslations(t, "en.json")
	zh := loadTranslations(t, "zh-Hans.json")
	var keys []string
	for _, m := range append(insight.Metrics, insight.StaffExcluded) {
		keys = append(keys, "metric."+string(m))
	}
	for _, k := range []insight.FlagKind{insight.BelowTagAverage, insight.SharpDrop, insight.EarlyClosing, insight.AbnormalEntryRate, insight.SuspectCounts} {
		keys = append(keys, "flag."+string(k))
	}
	// The CHECK constraints of camera_alerts.kind and weather.condition.
	for _, k := range []string{"occlusion", "moved", "defocus", "no_signal"} {
		keys = append(keys, "alert."+k)
	}
	for _, c := range []string{"sunny", "cloudy", "rain", "heavy_rain", "snow", "fog"} {
		keys = append(keys, "weather."+c)
	}
	for _, st := range []string{"open", "acknowledged", "in_progress", "done", "verified", "cancelled"} {
		keys = append(keys, "task."+st)
	}
	for _, k := range keys {
		if en[k] == "" || zh[k] == "" {
			t.Errorf("%s: en %q, zh %q — both languages need it", k, en[k], zh[k])
		}
	}
}
