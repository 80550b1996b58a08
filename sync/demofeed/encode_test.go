package demofeed

import (
	"bytes"
	"encoding/json"
	"testing"

	"storelens/sync/feed"
)

// The hand-written encoders must write exactly what encoding/json writes.
func TestFastEncodingMatchesEncodingJSON(t *testing.T) {
	u := untilDay(testUntil)
	c := buildChain(2, u-365, u)
	sc := newStoryClock(u)
	pg := page{Collection: "mixed", NextCursor: "abc_-", HasMore: true, Tombstones: []feed.Tombstone{{ID: "1/2", DeletedAt: 5}}}
	for _, s := range c.stores[:6] {
		for d := u - 2; d <= u; d++ {
			cd := c.counts(s, d, sc)
			rs, hs := c.receipts(s, d, sc, cd, true)
			pg.Items = append(pg.Items, cd.feed, hs[0], rs[0], rs[len(rs)-1], c.shifts(s, d, sc)[0], s.feed)
		}
	}
	pg.Items = append(pg.Items, feed.Receipt{ReceiptNo: `odd "<&>" \ name`, Lines: []feed.ReceiptLine{{Name: "a\u2028b"}}}, feed.CountDay{})
	want, err := json.Marshal(pg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := appendPage(nil, &pg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("encodings differ at byte %d:\n fast: %.120s\n json: %.120s", i, got[max(0, i-40):], want[max(0, i-40):])
	}
}
