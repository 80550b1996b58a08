package insight

// DefaultHolidays are mainland China's public holidays of 2025–2027 as
// published by the State Council (days off, not the make-up working days).
// Params.Holidays replaces them, e.g. with a calendar synced from HQ.
func DefaultHolidays() map[string]string {
	h := map[string]string{}
	add := func(name, from string, n int) {
		d := mustDay(from)
		for i := 0; i < n; i++ {
			h[d.AddDate(0, 0, i).Format(dayFmt)] = name
		}
	}
	add("元旦", "2025-01-01", 1)
	add("春节", "2025-01-28", 8)
	add("清明节", "2025-04-04", 3)
	add("劳动节", "2025-05-01", 5)
	add("端午节", "2025-05-31", 3)
	add("国庆节", "2025-10-01", 8)
	add("元旦", "2026-01-01", 3)
	add("春节", "2026-02-15", 9)
	add("清明节", "2026-04-04", 3)
	add("劳动节", "2026-05-01", 5)
	add("端午节", "2026-06-19", 3)
	add("中秋节", "2026-09-25", 3)
	add("国庆节", "2026-10-01", 7)
	add("元旦", "2027-01-01", 3)
	return h
}
