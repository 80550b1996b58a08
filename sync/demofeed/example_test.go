package demofeed_test

import (
	"fmt"
	"time"

	"storelens/sync/demofeed"
)

// The scripted stories of the demo chain served up to 26 November 2026.
func ExampleStories() {
	for _, s := range demofeed.Stories(time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)) {
		fmt.Printf("%-18s %s %s %s..%s\n", s.Kind, s.StoreCode, s.StoreName, s.From, s.To)
	}
	// Output:
	// early_close        WH001 武汉群光店 2026-09-08..2026-11-26
	// entry_rate_ramp    CS002 长沙黄兴路店 2026-04-01..2026-10-31
	// camera_blocked     NC001 南昌中山路店 2026-08-18..2026-08-31
	// camera_moved       HF003 合肥银泰店 2026-09-22..2026-11-26
	// receipt_no_person  ZZ001 郑州二七店 2026-10-02..2026-11-25
	// till_no_receipt    ZZ001 郑州二七店 2026-10-02..2026-11-25
	// staff_card_at_till ZZ001 郑州二七店 2026-10-02..2026-11-25
	// refund_run         YC001 宜昌CBD店 2026-11-01..2026-11-25
	// heavy_discount     CS001 长沙五一广场店 2026-10-30..2026-11-23
}
