package demofeed

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"storelens/sync/feed"
)

// Store location tags of the source, and the two extra tags.
const (
	TagMall      = "商场店"
	TagTourist   = "景区店"
	TagStreet    = "街边店"
	TagCommunity = "社区店"
	TagFlagship  = "旗舰店"
	TagHighSales = "高业绩"
)

// RegionID is the id of the demo chain's one region.
const RegionID = "central-china"

// regionZone is the demo region's IANA zone: data of the chain, every store
// carries it in its own TimeZone field.
const regionZone = "Asia/Shanghai"

type city struct {
	name    string
	stores  []spot
	climate climate
}

// spot is a store's place: name suffix, address, location tag.
type spot struct {
	name, addr, tag string
}

// climate of a city: mean temperatures in January and July, and the monthly
// chance of a rainy day (January first).
type climate struct {
	jan, jul float64
	rain     [12]float64
}

var centralClimate = climate{jan: 4, jul: 30, rain: [12]float64{.25, .3, .38, .42, .42, .5, .45, .3, .28, .25, .22, .18}}

// The demo chain: store names and addresses of real-sounding places. The
// stories' stores (武汉群光店 …) are among them.
var cities = []city{
	{name: "武汉", climate: centralClimate, stores: []spot{
		{"群光", "洪山区珞喻路6号群光广场3楼", TagMall},
		{"武商广场", "江汉区解放大道690号武商广场B1", TagMall},
		{"汉街", "武昌区楚河汉街东区28号", TagStreet},
		{"江汉路", "江汉区江汉路步行街112号", TagStreet},
		{"户部巷", "武昌区户部巷小吃街18号", TagTourist},
		{"黄鹤楼", "武昌区蛇山西山坡特1号旁商业街", TagTourist},
		{"光谷步行街", "洪山区光谷步行街意大利风情街A12", TagStreet},
		{"凯德西城", "硚口区解放大道18号凯德西城2楼", TagMall},
		{"万达广场", "江汉区建设大道568号万达广场2楼", TagMall},
		{"销品茂", "洪山区徐东大街18号销品茂3楼", TagMall},
		{"后湖", "江岸区后湖大道与百步亭花园路交汇处", TagCommunity},
		{"南湖", "洪山区南湖大道文治街12号", TagCommunity},
		{"汉阳造", "汉阳区龟山北路1号", TagTourist},
		{"武胜路", "硚口区武胜路凯德广场1楼", TagMall},
		{"常青花园", "东西湖区常青花园十二小区商业街", TagCommunity},
		{"楚河", "武昌区中北路楚河汉街西区", TagStreet},
		{"王家湾", "汉阳区龙阳大道特6号摩尔城", TagMall},
		{"街道口", "洪山区珞喻路129号", TagStreet},
		{"沌口", "经开区东风大道888号", TagCommunity},
		{"昙华林", "武昌区昙华林街道62号", TagTourist},
		{"汉口站", "江汉区发展大道汉口火车站地下商业街", TagStreet},
		{"群星城", "武昌区中北路群星城2楼", TagMall},
		{"光谷K11", "洪山区珞喻路光谷K11 2楼", TagMall},
		{"钟家村", "汉阳区汉阳大道钟家村商业街", TagStreet},
		{"百步亭", "江岸区百步亭花园路社区中心", TagCommunity},
		{"汉街旗舰", "武昌区楚河汉街万达广场1楼", TagMall},
	}},
	{name: "长沙", climate: climate{jan: 5, jul: 30, rain: [12]float64{.3, .35, .42, .45, .45, .48, .35, .28, .25, .25, .25, .22}}, stores: []spot{
		{"五一广场", "芙蓉区五一大道368号", TagMall},
		{"黄兴路", "天心区黄兴南路步行街南段88号", TagStreet},
		{"太平街", "天心区太平街42号", TagTourist},
		{"橘子洲", "岳麓区橘子洲头景区入口商业街", TagTourist},
		{"IFS", "芙蓉区解放西路188号国金中心L4", TagMall},
		{"梅溪湖", "岳麓区梅溪湖路步步高广场", TagMall},
		{"坡子街", "天心区坡子街火宫殿旁", TagTourist},
		{"万家丽", "雨花区万家丽中路二段", TagMall},
		{"德思勤", "雨花区湘府中路德思勤城市广场", TagMall},
		{"星沙", "长沙县星沙大道通程广场", TagCommunity},
		{"望城", "望城区郭亮中路", TagCommunity},
		{"岳麓山", "岳麓区麓山南路大学城商业街", TagTourist},
		{"侯家塘", "雨花区韶山北路侯家塘", TagStreet},
		{"月湖", "开福区月湖公园北门商业街", TagCommunity},
		{"悦方", "天心区坡子街悦方ID MALL 3楼", TagMall},
		{"金满地", "芙蓉区黄兴中路地下商业街", TagStreet},
		{"洋湖", "岳麓区洋湖大道", TagCommunity},
		{"开福寺", "开福区开福寺路", TagTourist},
		{"湘江世纪城", "开福区湘江北路", TagCommunity},
		{"袁家岭", "芙蓉区五一大道袁家岭", TagStreet},
		{"砂子塘", "雨花区砂子塘路", TagCommunity},
		{"东塘", "雨花区韶山北路东塘百货", TagMall},
	}},
	{name: "南昌", climate: climate{jan: 6, jul: 30, rain: [12]float64{.3, .35, .45, .5, .48, .5, .3, .25, .22, .22, .24, .22}}, stores: []spot{
		{"中山路", "东湖区中山路238号", TagStreet},
		{"滕王阁", "东湖区仿古街滕王阁景区", TagTourist},
		{"八一广场", "东湖区八一广场百货大楼", TagMall},
		{"红谷滩", "红谷滩区会展路万达广场", TagMall},
		{"胜利路", "东湖区胜利路步行街", TagStreet},
		{"万寿宫", "西湖区万寿宫历史文化街区", TagTourist},
		{"青山湖", "青山湖区北京东路", TagCommunity},
		{"象湖", "西湖区象湖大道", TagCommunity},
		{"天虹", "东湖区中山路天虹商场", TagMall},
		{"秋水广场", "红谷滩区赣江中大道秋水广场", TagTourist},
		{"朝阳新城", "西湖区朝阳中路", TagCommunity},
		{"铜锣湾", "西湖区广场南路铜锣湾广场", TagMall},
		{"绳金塔", "西湖区绳金塔街", TagTourist},
		{"昌北", "新建区昌北国际机场商业区", TagStreet},
		{"瑶湖", "高新区瑶湖大学城", TagCommunity},
		{"华润万象城", "红谷滩区丰和中大道万象城", TagMall},
		{"叠山路", "东湖区叠山路", TagStreet},
		{"洪城", "西湖区洪城大市场", TagStreet},
	}},
	{name: "合肥", climate: climate{jan: 3, jul: 29, rain: [12]float64{.25, .3, .35, .38, .38, .45, .45, .35, .25, .22, .22, .18}}, stores: []spot{
		{"淮河路", "庐阳区淮河路步行街168号", TagStreet},
		{"三河古镇", "肥西县三河古镇景区", TagTourist},
		{"银泰", "庐阳区长江中路银泰中心", TagMall},
		{"万象城", "包河区马鞍山路万象城", TagMall},
		{"天鹅湖", "政务区天鹅湖万达广场", TagMall},
		{"城隍庙", "庐阳区城隍庙步行街", TagTourist},
		{"滨湖", "包河区滨湖新区徽州大道", TagCommunity},
		{"三里庵", "蜀山区长江西路国购广场", TagMall},
		{"李府", "庐阳区李鸿章故居旁", TagTourist},
		{"大学城", "蜀山区大学城商业街", TagCommunity},
		{"瑶海", "瑶海区长江东路", TagCommunity},
		{"七彩", "肥东县七彩商业街", TagStreet},
		{"庐州", "包河区庐州大道", TagCommunity},
		{"宁国路", "包河区宁国路美食街", TagStreet},
		{"包公园", "包河区包公园景区", TagTourist},
		{"之心城", "庐阳区长江中路之心城", TagMall},
		{"南七", "蜀山区南七里站", TagStreet},
		{"新站", "新站区胜利路", TagCommunity},
	}},
	{name: "郑州", climate: climate{jan: 1, jul: 28, rain: [12]float64{.1, .12, .18, .2, .22, .25, .38, .32, .22, .15, .12, .08}}, stores: []spot{
		{"二七", "二七区二七广场德化街1号", TagStreet},
		{"丹尼斯", "金水区人民路丹尼斯百货", TagMall},
		{"正弘城", "金水区花园路正弘城", TagMall},
		{"德化街", "二七区德化步行街", TagStreet},
		{"少林", "登封市少林景区商业街", TagTourist},
		{"黄河", "惠济区黄河风景名胜区", TagTourist},
		{"大卫城", "二七区二七路大卫城", TagMall},
		{"郑东", "郑东新区CBD商业街", TagStreet},
		{"高新", "高新区科学大道", TagCommunity},
		{"经开", "经开区第八大街", TagCommunity},
		{"花园路", "金水区花园路国贸360", TagMall},
		{"管城", "管城区商城遗址公园", TagTourist},
		{"北环", "金水区北环路", TagCommunity},
		{"中原万达", "中原区中原路万达广场", TagMall},
		{"碧沙岗", "中原区建设路碧沙岗公园旁", TagCommunity},
		{"紫荆山", "金水区紫荆山路百货大楼", TagMall},
		{"龙湖", "郑东新区龙湖外环", TagCommunity},
		{"二马路", "二七区二马路", TagStreet},
		{"金水", "金水区金水路", TagStreet},
		{"航海", "二七区航海路", TagCommunity},
	}},
	{name: "宜昌", climate: climate{jan: 5, jul: 28, rain: [12]float64{.2, .25, .35, .4, .45, .48, .45, .35, .3, .28, .22, .18}}, stores: []spot{
		{"CBD", "西陵区东山大道国贸大厦", TagMall},
		{"三峡", "夷陵区三峡大坝游客中心商业街", TagTourist},
		{"解放路", "西陵区解放路步行街", TagStreet},
		{"夷陵", "夷陵区夷兴大道", TagCommunity},
		{"万达", "伍家岗区沿江大道万达广场", TagMall},
		{"葛洲坝", "西陵区葛洲坝社区", TagCommunity},
	}},
	{name: "岳阳", climate: climate{jan: 5, jul: 30, rain: [12]float64{.28, .32, .4, .44, .44, .46, .34, .26, .24, .24, .24, .2}}, stores: []spot{
		{"岳阳楼", "岳阳楼区洞庭南路岳阳楼景区", TagTourist},
		{"步步高", "岳阳楼区东茅岭步步高广场", TagMall},
		{"南湖", "岳阳楼区南湖大道", TagCommunity},
		{"金鹗", "岳阳楼区金鹗中路", TagStreet},
		{"洞庭", "君山区洞庭湖景区", TagTourist},
		{"巴陵", "岳阳楼区巴陵中路", TagStreet},
		{"王家河", "岳阳楼区王家河", TagCommunity},
		{"东方", "岳阳楼区东方路", TagStreet},
		{"万达", "经开区金凤桥万达广场", TagMall},
		{"云梦", "岳阳楼区云梦路", TagCommunity},
	}},
}

// flagships are the region's 旗舰店.
var flagships = map[string]bool{"武汉汉街旗舰店": true, "长沙IFS店": true, "长沙五一广场店": true, "合肥淮河路店": true, "郑州大卫城店": true}

var cityCodes = map[string]string{"武汉": "WH", "长沙": "CS", "南昌": "NC", "合肥": "HF", "郑州": "ZZ", "宜昌": "YC", "岳阳": "YY"}

// store is a store of the demo chain with the hidden parameters its figures
// are drawn from.
type store struct {
	idx  int // position in chain.stores
	feed feed.Store
	city string
	loc  *time.Location
	tag  string // location tag
	// Typical figures of an ordinary weekday.
	passersBy  float64 // passers-by per open day
	entryRate  float64
	conversion float64
	basket     float64 // mean items per receipt
	dwellMin   float64
	weekendLft float64 // weekend traffic factor
	rainFactor float64 // traffic factor on a rainy day
	cameras    []feed.Camera
	staff      []feed.Staff
	hours      []feed.OpeningHours
}

// chain is the whole demo region, built once per seed.
type chain struct {
	seed   uint64
	region feed.Region
	stores []*store
	byCode map[string]*store
	cities []city
}

const (
	weekdaysMonThu = 0b0001111
	weekdaysFriSat = 0b0110000
	weekdaysSun    = 0b1000000
	allWeek        = 0b1111111
)

// buildChain lays out the region for a seed, with opening-hours rules
// covering the years first … last.
func buildChain(seed uint64, first, last day) *chain {
	loc, err := time.LoadLocation(regionZone)
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	c := &chain{seed: seed, byCode: map[string]*store{}, cities: cities,
		region: feed.Region{ID: RegionID, Name: "华中区", TimeZone: regionZone}}
	for _, ct := range cities {
		for i, sp := range ct.stores {
			r := newRNG(seed, 1, uint64(len(c.stores)))
			s := &store{idx: len(c.stores), city: ct.name, loc: loc, tag: sp.tag}
			id := int64(len(c.stores) + 1)
			code := fmt.Sprintf("%s%03d", cityCodes[ct.name], i+1)
			name := ct.name + sp.name + "店"
			tags := []string{sp.tag}
			switch sp.tag {
			case TagMall:
				s.passersBy, s.entryRate, s.conversion, s.dwellMin, s.weekendLft, s.rainFactor = r.between(3600, 6400), r.between(.07, .13), r.between(.18, .3), r.between(13, 18), r.between(1.45, 1.7), 1.08
			case TagTourist:
				s.passersBy, s.entryRate, s.conversion, s.dwellMin, s.weekendLft, s.rainFactor = r.between(6000, 11000), r.between(.03, .06), r.between(.1, .17), r.between(7, 11), r.between(1.6, 2), .62
			case TagStreet:
				s.passersBy, s.entryRate, s.conversion, s.dwellMin, s.weekendLft, s.rainFactor = r.between(3200, 5600), r.between(.045, .085), r.between(.15, .25), r.between(9, 13), r.between(1.3, 1.5), .75
			default: // community
				s.passersBy, s.entryRate, s.conversion, s.dwellMin, s.weekendLft, s.rainFactor = r.between(1500, 2800), r.between(.08, .14), r.between(.24, .34), r.between(8, 11), r.between(1.1, 1.25), .85
			}
			s.basket = r.between(1.3, 1.8)
			area := map[string][2]float64{TagMall: {120, 260}, TagTourist: {60, 140}, TagStreet: {90, 200}, TagCommunity: {50, 110}}[sp.tag]
			staffN := map[string]int{TagMall: 7, TagTourist: 5, TagStreet: 6, TagCommunity: 4}[sp.tag] + r.intn(3)
			if flagships[name] {
				tags = append(tags, TagFlagship)
				s.passersBy *= 1.35
				s.entryRate *= 1.1
				s.dwellMin *= 1.25
				area = [2]float64{350, 520}
				staffN += 5
			}
			s.feed = feed.Store{
				ID: id, Code: code, Name: name, RegionID: RegionID, City: ct.name,
				Address:    ct.name + "市" + sp.addr,
				AreaSqm:    float64(int(r.between(area[0], area[1]))),
				TimeZone:   regionZone,
				OpenedOn:   fmt.Sprintf("%d-%02d-%02d", 2012+r.intn(11), 1+r.intn(12), 1+r.intn(28)),
				StaffCount: staffN,
			}
			s.feed.Tags = tags
			c.stores = append(c.stores, s)
			c.byCode[code] = s
			c.byCode[name] = s
		}
	}
	c.applyStoryTraits()
	// 高业绩: the top eighth of stores by expected sales.
	type rank struct {
		s *store
		v float64
	}
	ranks := make([]rank, len(c.stores))
	for i, s := range c.stores {
		ranks[i] = rank{s, s.passersBy * s.entryRate * s.conversion}
	}
	sort.SliceStable(ranks, func(i, j int) bool { return ranks[i].v > ranks[j].v })
	for _, rk := range ranks[:len(ranks)/8] {
		if rk.s.feed.Code == storyEarlyClose {
			continue
		}
		rk.s.feed.Tags = append(rk.s.feed.Tags, TagHighSales)
	}
	for _, s := range c.stores {
		s.hours = hoursFor(s, first, last)
		s.feed.Hours = s.hours
		s.cameras = camerasFor(s)
		s.staff = staffFor(seed, s)
	}
	return c
}

// hoursFor writes a store's schedule as the source's store page shows it:
// a base rule per year and seasonal ranges (summer evenings longer, winter
// shorter), with weekend rules at a higher priority.
func hoursFor(s *store, first, last day) []feed.OpeningHours {
	var out []feed.OpeningHours
	for y := first.date().Year(); y <= last.date().Year()+1; y++ {
		ys := func(m, d int) string { return fmt.Sprintf("%d-%02d-%02d", y, m, d) }
		switch s.tag {
		case TagMall:
			out = append(out,
				feed.OpeningHours{ValidFrom: ys(1, 1), ValidTo: ys(12, 31), Weekdays: weekdaysMonThu | weekdaysSun, Opens: "10:00", Closes: "22:00"},
				feed.OpeningHours{ValidFrom: ys(1, 1), ValidTo: ys(12, 31), Weekdays: weekdaysFriSat, Opens: "10:00", Closes: "22:30", Priority: 1},
				feed.OpeningHours{ValidFrom: ys(7, 1), ValidTo: ys(8, 31), Weekdays: allWeek, Opens: "10:00", Closes: "22:30", Priority: 2},
			)
		case TagTourist:
			out = append(out,
				feed.OpeningHours{ValidFrom: ys(1, 1), ValidTo: ys(12, 31), Weekdays: allWeek, Opens: "09:00", Closes: "21:30"},
				feed.OpeningHours{ValidFrom: ys(4, 1), ValidTo: ys(10, 31), Weekdays: allWeek, Opens: "08:30", Closes: "22:00", Priority: 1},
			)
		case TagStreet:
			out = append(out,
				feed.OpeningHours{ValidFrom: ys(1, 1), ValidTo: ys(12, 31), Weekdays: allWeek, Opens: "09:30", Closes: "21:30"},
				feed.OpeningHours{ValidFrom: ys(6, 1), ValidTo: ys(9, 30), Weekdays: allWeek, Opens: "09:30", Closes: "22:00", Priority: 1},
				feed.OpeningHours{ValidFrom: ys(12, 1), ValidTo: ys(12, 31), Weekdays: weekdaysMonThu, Opens: "10:00", Closes: "21:00", Priority: 1},
			)
		default:
			out = append(out,
				feed.OpeningHours{ValidFrom: ys(1, 1), ValidTo: ys(12, 31), Weekdays: allWeek, Opens: "09:00", Closes: "21:00"},
				feed.OpeningHours{ValidFrom: ys(1, 1), ValidTo: ys(2, 28), Weekdays: weekdaysMonThu, Opens: "09:30", Closes: "20:30", Priority: 1},
			)
		}
	}
	return out
}

// openMinutes is the scheduled opening and closing local minute of s on d.
func (s *store) openMinutes(d day) (opens, closes int) {
	ds := d.String()
	wd := uint8(1) << d.weekday()
	best := -1
	for _, h := range s.hours {
		if h.Weekdays&wd == 0 || ds < h.ValidFrom || ds > h.ValidTo || h.Priority < best {
			continue
		}
		best = h.Priority
		opens, closes = clockMin(h.Opens), clockMin(h.Closes)
	}
	return opens, closes
}

func clockMin(s string) int {
	var h, m int
	fmt.Sscanf(s, "%d:%d", &h, &m)
	return h*60 + m
}

const frameW, frameH = 768, 576

func camerasFor(s *store) []feed.Camera {
	base := s.feed.ID * 10
	mk := func(k int64, role, name string, lines ...feed.CountingLine) feed.Camera {
		code := fmt.Sprintf("%s-%s%d", s.feed.Code, strings.ToUpper(role[:3]), k)
		return feed.Camera{
			ID: base + k, Code: code, StoreID: s.feed.ID, Name: name, Role: role,
			StreamURL:   fmt.Sprintf("rtsp://nvr.%s.stores.example/%s", strings.ToLower(s.feed.Code), code),
			SnapshotURL: fmt.Sprintf("http://nvr.%s.stores.example/snap/%s.jpg", strings.ToLower(s.feed.Code), code),
			FrameWidth:  frameW, FrameHeight: frameH, Lines: lines,
		}
	}
	cams := []feed.Camera{
		mk(1, feed.RoleEntrance, "门口客流", feed.CountingLine{Kind: "entrance", Points: "120,300,650,300"},
			feed.CountingLine{Kind: "outside", Points: "40,500,730,500"},
			feed.CountingLine{Kind: "staff_zone", Points: "560,60,760,60,760,220,560,220"},
			feed.CountingLine{Kind: "door_zone", Points: "100,200,700,200,700,560,100,560"},
			feed.CountingLine{Kind: "banner_zone", Points: fmt.Sprintf("%d,%d,%d,%d,%d,%d,%d,%d", bannerZone[0], bannerZone[1],
				bannerZone[2], bannerZone[1], bannerZone[2], bannerZone[3], bannerZone[0], bannerZone[3])}),
		mk(2, feed.RoleTill, "收银台", feed.CountingLine{Kind: "till_zone", Points: "200,250,560,250,560,560,200,560"},
			feed.CountingLine{Kind: "till_staff", Points: "200,120,560,120,560,250,200,250"}),
	}
	if hasTag(s.feed.Tags, TagFlagship) {
		cams = append(cams, mk(3, feed.RoleFloor, "店内全景"))
	}
	return cams
}

func hasTag(tags []string, t string) bool {
	for _, x := range tags {
		if x == t {
			return true
		}
	}
	return false
}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
var givenChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲婷雪琳晶颖欣怡佳雨萱子涵浩宇俊文博嘉")

func staffFor(seed uint64, s *store) []feed.Staff {
	r := newRNG(seed, 2, uint64(s.idx))
	out := make([]feed.Staff, s.feed.StaffCount)
	for i := range out {
		name := string(surnames[r.intn(len(surnames))]) + string(givenChars[r.intn(len(givenChars))])
		if r.float() < .6 {
			name += string(givenChars[r.intn(len(givenChars))])
		}
		role := "sales"
		switch {
		case i == 0:
			role = "manager"
		case i <= 2:
			role = "cashier"
		}
		out[i] = feed.Staff{
			ID: s.feed.ID*100 + int64(i+1), Code: fmt.Sprintf("%s-S%02d", s.feed.Code, i+1),
			StoreID: s.feed.ID, Name: name, Role: role,
			MemberCard: fmt.Sprintf("M%010d", r.u64()%1e10),
		}
	}
	return out
}
