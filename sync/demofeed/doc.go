// Package demofeed is the built-in demo chain: a deterministic generator of
// one region of about 120 clothing stores and an http.Handler that serves it
// through the HQ feed protocol of package feed, from memory. `storelens
// demo-feed` runs it on a port, `storelens --demo` in-process on loopback,
// and the sync engine's tests against httptest servers.
//
// # Determinism
//
// Every figure comes from a SplitMix64 generator keyed by (seed, kind of
// figure, store, local day), generated when a page asks for it: any page is
// cheap, nothing is precomputed, and the same Seed and Until always serve
// byte-identical collections. The stories hang off the first day of the
// month of Until (the anchor), so moving Until forward inside a month only
// appends days, and cursors stay valid; a new month starts a new data
// generation (old cursors are answered 410).
//
// # The chain
//
// Region 华中区 (Asia/Shanghai) with stores in 武汉, 长沙, 南昌, 合肥, 郑州,
// 宜昌 and 岳阳, tagged 商场店, 景区店, 街边店 or 社区店, plus 旗舰店 for five
// flagships and 高业绩 for the top eighth by expected sales. Opening hours are
// yearly rules with seasonal ranges at higher priority (malls close at 22:30
// on Fridays, Saturdays and in July–August; street stores stay open later in
// summer and close earlier on December weekdays …). Each store has an
// entrance camera (entrance line, storefront line for passers-by, staff
// zone), a till camera and, at flagships, a floor camera; a roster of 4–14
// staff with early, late and manager shifts and two days off a week.
//
// Counts and POS cover the 366 days up to Until: passers-by spread over the
// open hours with lunch and evening peaks (a morning wave at tourist spots,
// a long afternoon at weekends), weekends 1.1–2× busier by tag, public
// holidays and 春节 (quiet on 除夕 and 初一), 年货 weeks, 618, 双十一 and 双十二
// (higher conversion, deeper discounts), rain keeping people off the street
// and into the malls, winter baskets dearer than summer ones. Entry rates run
// from about 3% (tourist streets) to 14% (community stores), conversion from
// 10% to 35%, average transactions ¥350–470. Receipts carry lines from a
// clothing assortment (T恤, 牛仔裤, 羽绒服 …), member cards, refunds (about
// 2%) and staff purchases; the POS hourly summary is the exact sum of the
// receipts of the hour. Device alerts: network drops at night and people
// briefly standing in front of a lens.
//
// # Stories
//
// Stories (and Server.Stories) return them as data; with the anchor A (first
// day of the month of Until):
//
//   - early_close — 武汉群光店 (WH001, 商场店, scheduled until 22:00) closes at
//     19:50 on ordinary Tuesdays to Thursdays from A−56 days on: no entries or
//     receipts after 19:50 while passers-by go on; its entries sit well below
//     the 商场店 average all year; shifts still run to closing time.
//   - entry_rate_ramp — 长沙黄兴路店 (CS002): entry rate 2% seven months before
//     A, rising month by month to 8.36% in the month before A (the clerk on
//     the phone; a recording at 10:41 six months before A).
//   - camera_blocked — 南昌中山路店 (NC001-ENT1): from A−75 to A−62 a banner
//     covers the lens: entries and passers-by fall to about a tenth, and the
//     device raises no alert. Recordings of those days show the banner.
//   - camera_moved — 合肥银泰店 (HF003-ENT1): at 11:00 on A−40 the camera is
//     knocked: entries fall to under half, passers-by almost double, the
//     device raises an open 'moved' alert. Recordings show the shifted view.
//   - receipt_no_person — 郑州二七店 (ZZ001): every third day from A−30, two
//     receipts by cashier ZZ001-S02 within minutes of opening while the
//     entrance has counted nobody yet (有单无人); a till-camera recording.
//   - till_no_receipt — 郑州二七店, the same days: nothing is rung up from
//     15:00 to 15:20 while people stand at the till (有人无单); a till-camera
//     recording at 15:00 on the latest of those days.
//   - staff_card_at_till — 郑州二七店: every other day from A−30, staff member
//     ZZ001-S04's own member card on three customer receipts in the afternoon,
//     not marked as staff purchases.
//   - refund_run — 宜昌 YC001: every fourth day of the last four weeks,
//     cashier YC001-S02 rings up five refunds in the second-last open hour
//     (the store's usual is about one a day).
//   - heavy_discount — 长沙 CS001: every fourth day of the last four weeks
//     (other days than the refund run), cashier CS001-S03 gives 45% off on
//     one receipt an hour from 17:00 to 20:00, with no member card and no
//     promotion (the store's usual is 0–15%).
//
// # Recordings and snapshots
//
// With Config.ClipDir set, New cuts MP4 clips (H.264, no audio) from the
// sample footage vtest.avi with ffmpeg, once (later starts reuse them):
// three ordinary 20-second cuts, one with a banner drawn over the lens, one
// from a shifted, zoomed view, and three for the till camera (whose till
// zone is the lower middle of the picture, customer side, with the staff
// side behind it): three minutes of the footage looped, fifteen minutes of
// the empty scene (the counter at opening on the 有单无人 days) and ten
// minutes of a frame with five people in the till zone (15:00 on the 有人无单
// days). The recordings index lists clips at the stories' moments, the till
// camera of 郑州二七店 at opening and 15:00 on the story days and on every
// fifth other day, the till cameras of 12 sampled store-hours, and 40
// ordinary open hours of the entrance cameras in the last month; their
// download honours Range, If-Range and ETag (http.ServeContent) and is never
// compressed. Without ffmpeg, footage or ClipDir the recordings collection
// is empty and a log line says why. Inspection snapshots (迎宾检查 at 10:00,
// 14:00, 16:00, 18:00 on the entrance camera, 收银台检查 at 12:00 and 19:00 on
// the till camera) cover the last 14 days; their JPEGs are frames of the
// footage, or drawn pictures without it.
//
// # Pushes
//
// Corrective tasks, task status changes and inspection verdicts are kept in
// memory with their first answer per Idempotency-Key. The feed plays the
// store's side of a pushed task: the store manager acknowledges it after
// Config.TaskSteps[0] (5 min) and, for all but each fourth task received, reports it done
// after [1] (2 h) with a reply and a photo, read back through the
// task_status collection. The manager's verified push closes the task; a
// reopened one starts the store's steps again (then always done). A verify
// or reopen of a task HQ does not hold as done is refused (409).
//
// # Faults for tests
//
// Server.Inject arms a Fault on the next N requests under a path prefix:
// an HTTP status (503, 429 with any Retry-After, 500, 400, 501 …), a reply
// lost after the push was stored (DropReply), a body shorter than its
// Content-Length (TruncateBody), malformed JSON (MalformedJSON) or a download
// cut after some bytes (CutAfterBytes). Server.ReplaceRecording changes a
// clip's bytes and ETag mid-download, Server.Rotate expires every cursor
// (410), Server.Delete removes an item so that readers with an older cursor
// receive its tombstone, and Server.Advance serves more days, as the next
// night's data does, for incremental syncs.
package demofeed
