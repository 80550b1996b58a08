package ui

import (
	"testing"

	"storelens/app"
	"storelens/app/audit"
	"storelens/app/insight"
	"storelens/app/vocab"
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
	for _, k := range vocab.FlagKinds {
		keys = append(keys, "flag."+k)
	}
	for _, k := range vocab.AlertKinds {
		keys = append(keys, "alert."+k)
	}
	// The CHECK constraint of weather.condition.
	for _, c := range []string{"sunny", "cloudy", "rain", "heavy_rain", "snow", "fog"} {
		keys = append(keys, "weather."+c)
	}
	for _, st := range vocab.TaskStatuses {
		keys = append(keys, "task."+st)
	}
	for _, k := range audit.Kinds {
		keys = append(keys, "audit.kind."+k, "audit.short."+k)
	}
	for _, st := range auditStatuses {
		keys = append(keys, "audit.status."+st)
	}
	for _, st := range app.AuditSettings {
		keys = append(keys, "setting."+st.Key)
	}
	for _, k := range keys {
		if en[k] == "" || zh[k] == "" {
			t.Errorf("%s: en %q, zh %q — both languages need it", k, en[k], zh[k])
		}
	}
}
