package demofeed

import (
	"time"
)

// Story kinds scripted into the demo chain.
const (
	StoryEarlyClose      = "early_close"        // closes 19:50 instead of 22:00, traffic below tag average
	StoryEntryRateRamp   = "entry_rate_ramp"    // entry rate ~2% climbing month by month to ~8.4%
	StoryCameraBlocked   = "camera_blocked"     // a banner in front of the counting camera: counts collapse, no device alert
	StoryCameraMoved     = "camera_moved"       // counting camera moved: entries drop, passers-by jump, device 'moved' alert
	StoryReceiptNoPerson = "receipt_no_person"  // 有单无人: receipts rung up before anyone entered the store
	StoryStaffCardAtTill = "staff_card_at_till" // a staff member's own member card on customers' receipts
	StoryTillNoReceipt   = "till_no_receipt"    // 有人无单: people at the till, no receipt
	StoryRefundRun       = "refund_run"         // one cashier rings up a run of refunds in an evening
	StoryHeavyDiscount   = "heavy_discount"     // one cashier gives 45 % off without a member card
)

// Story stores (codes). 武汉群光店 is WH001.
const (
	storyEarlyClose = "WH001" // 武汉群光店
	storyRamp       = "CS002" // 长沙黄兴路店
	storyBlocked    = "NC001" // 南昌中山路店
	storyMoved      = "HF003" // 合肥银泰店
	storyTill       = "ZZ001" // 郑州二七店
	storyRefund     = "YC001" // 宜昌 store with the refund run
	storyDiscount   = "CS001" // 长沙 store with the heavy discounts
)

// Story is one scripted finding of the demo chain, for the product's tests
// and for a person demonstrating StoreLens: where it is, when, and what a
// manager should be shown.
type Story struct {
	Kind       string
	StoreCode  string
	StoreName  string
	CameraCode string // the camera concerned, "" when the story is the store's
	StaffCode  string // the staff member concerned (StoryStaffCardAtTill, StoryReceiptNoPerson)
	// From and To are the local days (inclusive, 'YYYY-MM-DD') the story runs;
	// Days lists the affected days when the story is not every day of the range.
	From, To string
	Days     []string
	// Finding is what the product should flag, in English and Chinese.
	Finding, FindingZH string
}

// storyClock places the stories: they hang off the first day of the month of
// --until (the anchor), so the data of a day stays the same for every --until
// in that month and a client's cursors stay valid while --until moves on.
type storyClock struct {
	anchor, until day
}

func newStoryClock(until day) storyClock {
	t := until.date()
	return storyClock{anchor: dayOf(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)), until: until}
}

// monthsBefore is how many calendar months d's month lies before the
// anchor's (0 in the anchor month, negative after it never happens).
func (c storyClock) monthsBefore(d day) int {
	a, t := c.anchor.date(), d.date()
	return (a.Year()-t.Year())*12 + int(a.Month()-t.Month())
}

func (c storyClock) earlyClose(d day) bool {
	wd := d.weekday()
	return d >= c.anchor-56 && d <= c.until && wd >= 1 && wd <= 3 && holiday(d) == ordinary
}

// rampEntryRate is the ramp store's entry rate on d.
func (c storyClock) rampEntryRate(d day) float64 {
	m := c.monthsBefore(d)
	switch {
	case m >= 7:
		return 0.02
	case m <= 0:
		return 0.0845
	}
	// 7 months before → 2.0 %, 1 month before → 8.36 %.
	return 0.02 + (0.0836-0.02)*float64(7-m)/6
}

func (c storyClock) blocked(d day) bool { return d >= c.anchor-75 && d <= c.anchor-62 }

// moveDay is the day the moved camera was knocked, at 11:00 local.
func (c storyClock) moveDay() day { return c.anchor - 40 }

func (c storyClock) tillDay(d day) bool {
	return d >= c.anchor-30 && d <= c.until && int(d-c.anchor)%3 == 0
}

func (c storyClock) staffCardDay(d day) bool {
	return d >= c.anchor-30 && d <= c.until && int(d)%2 == 0
}

// refundDay and discountDay are every fourth day of the last four weeks
// before --until (offset so that they fall on different days).
func (c storyClock) refundDay(d day) bool {
	return d >= c.until-27 && d <= c.until && int(c.until-d)%4 == 1
}

func (c storyClock) discountDay(d day) bool {
	return d >= c.until-27 && d <= c.until && int(c.until-d)%4 == 3
}

// applyStoryTraits sets the stories' stores apart in their lasting traits.
func (c *chain) applyStoryTraits() {
	if s := c.byCode[storyEarlyClose]; s != nil {
		// A busy mall but under its tag average: fewer come in than at its peers.
		s.passersBy, s.entryRate, s.conversion = 4300, 0.062, 0.21
	}
	if s := c.byCode[storyRamp]; s != nil {
		s.passersBy = 4800
	}
}

// Stories lists the scripted findings of the demo chain served with this
// --until (local day; zero means the end of yesterday in the region's zone).
func Stories(until time.Time) []Story {
	u := untilDay(until)
	return buildChain(0, u-366, u).stories(newStoryClock(u))
}

func (c *chain) stories(sc storyClock) []Story {
	name := func(code string) string {
		if s := c.byCode[code]; s != nil {
			return s.feed.Name
		}
		return code
	}
	var early, till, card, refund, discount []string
	for d := sc.anchor - 60; d <= sc.until; d++ {
		if sc.earlyClose(d) {
			early = append(early, d.String())
		}
		if sc.tillDay(d) {
			till = append(till, d.String())
		}
		if sc.staffCardDay(d) {
			card = append(card, d.String())
		}
		if sc.refundDay(d) {
			refund = append(refund, d.String())
		}
		if sc.discountDay(d) {
			discount = append(discount, d.String())
		}
	}
	rampFrom := dayOf(sc.anchor.date().AddDate(0, -7, 0))
	return []Story{
		{Kind: StoryEarlyClose, StoreCode: storyEarlyClose, StoreName: name(storyEarlyClose),
			From: early[0], To: early[len(early)-1], Days: early,
			Finding:   "closes at 19:50 on Tuesdays to Thursdays although scheduled until 22:00; entries below the 商场店 tag average",
			FindingZH: "周二至周四19:50即闭店（排班至22:00）；进店客流低于商场店标签均值"},
		{Kind: StoryEntryRateRamp, StoreCode: storyRamp, StoreName: name(storyRamp), CameraCode: storyRamp + "-ENT1",
			From: rampFrom.String(), To: (sc.anchor - 1).String(),
			Finding:   "entry rate about 2% seven months before the month of --until, rising month by month to 8.36% in the month before it",
			FindingZH: "进店率约2%，逐月上升至8.36%"},
		{Kind: StoryCameraBlocked, StoreCode: storyBlocked, StoreName: name(storyBlocked), CameraCode: storyBlocked + "-ENT1",
			From: (sc.anchor - 75).String(), To: (sc.anchor - 62).String(),
			Finding:   "entries and passers-by collapse to about a tenth for two weeks; the device raised no alert (a banner covers the lens)",
			FindingZH: "两周内进店与过店客流骤降至约一成，设备未报警（横幅遮挡镜头）"},
		{Kind: StoryCameraMoved, StoreCode: storyMoved, StoreName: name(storyMoved), CameraCode: storyMoved + "-ENT1",
			From: sc.moveDay().String(), To: sc.until.String(),
			Finding:   "from 11:00 on the first day entries drop by about half while passers-by almost double; the device raised a 'moved' alert",
			FindingZH: "当日11:00起进店客流减半、过店客流近倍增；设备报“移位”告警"},
		{Kind: StoryReceiptNoPerson, StoreCode: storyTill, StoreName: name(storyTill), CameraCode: storyTill + "-TIL2", StaffCode: storyTill + "-S02",
			From: till[0], To: till[len(till)-1], Days: till,
			Finding:   "two receipts within minutes of opening while the entrance has counted nobody yet (有单无人), cashier S02",
			FindingZH: "开门数分钟内出单两笔而进店客流为零（有单无人），收银员S02"},
		{Kind: StoryTillNoReceipt, StoreCode: storyTill, StoreName: name(storyTill), CameraCode: storyTill + "-TIL2",
			From: till[0], To: till[len(till)-1], Days: till,
			Finding:   "no receipt from 15:00 to 15:20 on these days while the till camera's recording of 15:00 shows people at the till (有人无单)",
			FindingZH: "15:00–15:20无小票，而收银台录像显示有顾客在收银台（有人无单）"},
		{Kind: StoryStaffCardAtTill, StoreCode: storyTill, StoreName: name(storyTill), StaffCode: storyTill + "-S04",
			From: card[0], To: card[len(card)-1], Days: card,
			Finding:   "staff member S04's own member card used on three customer receipts a day, not marked as staff purchases",
			FindingZH: "店员S04的会员卡每天被用于三笔顾客小票，未标记为员工购物"},
		{Kind: StoryRefundRun, StoreCode: storyRefund, StoreName: name(storyRefund), StaffCode: storyRefund + "-S02",
			From: refund[0], To: refund[len(refund)-1], Days: refund,
			Finding:   "cashier S02 rings up five refunds within the second-last open hour, against about one refund a day at the store",
			FindingZH: "收银员S02在闭店前第二个小时内连续办理五笔退货，而该店平日约每天一笔"},
		{Kind: StoryHeavyDiscount, StoreCode: storyDiscount, StoreName: name(storyDiscount), StaffCode: storyDiscount + "-S03",
			From: discount[0], To: discount[len(discount)-1], Days: discount,
			Finding:   "cashier S03 gives 45% off on one receipt an hour from 17:00 to 20:00, without a member card or a promotion",
			FindingZH: "收银员S03在17:00–20:00每小时给一笔小票打五五折，无会员卡也无促销"},
	}
}
