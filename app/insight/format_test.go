package insight_test

import (
	"testing"

	"storelens/app/insight"
)

// One money format everywhere: thousands separators, cents below ¥10,000.
func TestMoneyAndCountsFormatOneWay(t *testing.T) {
	for _, c := range []struct {
		m    insight.Metric
		v    float64
		want string
	}{
		{insight.Sales, 123456789, "¥1,234,568"},
		{insight.Sales, 999999, "¥9,999.99"},
		{insight.Sales, 1000000, "¥10,000"},
		{insight.ATV, 41250, "¥412.50"},
		{insight.Sales, 5, "¥0.05"},
		{insight.Entries, 1234567, "1,234,567"},
		{insight.Transactions, 999, "999"},
		{insight.EntryRate, 0.0836, "8.36%"},
	} {
		if got := insight.FormatValue(c.m, c.v, true); got != c.want {
			t.Errorf("%s %v = %q, want %q", c.m, c.v, got, c.want)
		}
	}
	if got := insight.FormatMoney(-150); got != "-¥1.50" {
		t.Errorf("a refund reads %q", got)
	}
}
