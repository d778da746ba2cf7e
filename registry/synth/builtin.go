package synth

// The built-in reference: a handful of real regions with their Kemendagri
// codes, rounded population counts (thousands, Dukcapil 2024) and postal
// codes, plus name lists written for this project. It lets `gen` run
// anywhere; LoadReference swaps in the full official tables. Everything
// here is read-only.

// builtinRegency is one regency/city of the built-in set with its
// districts; each district lists "code name postcode kind" villages.
type builtinRegency struct {
	code, name           string // compact code, official name
	maleK, femaleK       int    // population in thousands
	districts            []builtinDistrict
	oldCode, oldCodeName string // the code the regency had before a split, if any
	oldLastSeen          int    // last year the old code was current
}

type builtinDistrict struct {
	code, name string
	villages   []builtinVillage
}

type builtinVillage struct {
	code, name, postcode string
	kelurahan            bool
}

var builtinProvinces = [][2]string{
	{"11", "Aceh"},
	{"12", "Sumatera Utara"},
	{"13", "Sumatera Barat"},
	{"31", "DKI Jakarta"},
	{"32", "Jawa Barat"},
	{"33", "Jawa Tengah"},
	{"34", "Daerah Istimewa Yogyakarta"},
	{"35", "Jawa Timur"},
	{"51", "Bali"},
	{"53", "Nusa Tenggara Timur"},
	{"61", "Kalimantan Barat"},
	{"71", "Sulawesi Utara"},
	{"73", "Sulawesi Selatan"},
	{"96", "Papua Barat Daya"},
}

func kel(code, name, pc string) builtinVillage  { return builtinVillage{code, name, pc, true} }
func desa(code, name, pc string) builtinVillage { return builtinVillage{code, name, pc, false} }

var builtinRegencies = []builtinRegency{
	{code: "1171", name: "Kota Banda Aceh", maleK: 132, femaleK: 133, districts: []builtinDistrict{
		{"117101", "Baiturrahman", []builtinVillage{desa("1171012001", "Kampung Baru", "23242"), desa("1171012002", "Neusu Jaya", "23243")}},
		{"117102", "Kuta Alam", []builtinVillage{desa("1171022001", "Mulia", "23123"), desa("1171022002", "Peunayong", "23122")}},
	}},
	{code: "1271", name: "Kota Medan", maleK: 1264, femaleK: 1283, districts: []builtinDistrict{
		{"127101", "Medan Kota", []builtinVillage{kel("1271011001", "Pasar Baru", "20212"), kel("1271011002", "Pusat Pasar", "20212")}},
		{"127102", "Medan Sunggal", []builtinVillage{kel("1271021001", "Lalang", "20127"), kel("1271021002", "Sei Sikambing B", "20122")}},
	}},
	{code: "1212", name: "Kabupaten Toba", maleK: 109, femaleK: 111, districts: []builtinDistrict{
		{"121201", "Balige", []builtinVillage{kel("1212011034", "Balige I", "22316"), kel("1212011035", "Balige III", "22315")}},
		{"121202", "Laguboti", []builtinVillage{kel("1212021001", "Pasar Laguboti", "22381"), desa("1212022002", "Sibuea", "22381")}},
	}},
	{code: "1371", name: "Kota Padang", maleK: 473, femaleK: 474, districts: []builtinDistrict{
		{"137101", "Padang Selatan", []builtinVillage{kel("1371011001", "Belakang Pondok", "25211"), kel("1371011002", "Alang Laweh", "25211")}},
		{"137102", "Padang Timur", []builtinVillage{kel("1371021001", "Sawahan", "25121"), kel("1371021002", "Jati Baru", "25129")}},
	}},
	{code: "3171", name: "Kota Administrasi Jakarta Pusat", maleK: 531, femaleK: 527, districts: []builtinDistrict{
		{"317101", "Gambir", []builtinVillage{kel("3171011001", "Gambir", "10110"), kel("3171011002", "Cideng", "10150")}},
		{"317103", "Kemayoran", []builtinVillage{kel("3171031001", "Kemayoran", "10620"), kel("3171031002", "Kebon Kosong", "10630")}},
	}},
	{code: "3175", name: "Kota Administrasi Jakarta Timur", maleK: 1620, femaleK: 1610, districts: []builtinDistrict{
		{"317501", "Matraman", []builtinVillage{kel("3175011001", "Pisangan Baru", "13110"), kel("3175011002", "Utan Kayu Utara", "13120")}},
		{"317503", "Jatinegara", []builtinVillage{kel("3175031001", "Kampung Melayu", "13320"), kel("3175031002", "Bidara Cina", "13330")}},
	}},
	{code: "3273", name: "Kota Bandung", maleK: 1299, femaleK: 1293, districts: []builtinDistrict{
		{"327301", "Sukasari", []builtinVillage{kel("3273011001", "Sukarasa", "40152"), kel("3273011002", "Gegerkalong", "40153")}},
		{"327302", "Coblong", []builtinVillage{kel("3273021001", "Cipaganti", "40131"), kel("3273021002", "Lebak Gede", "40132")}},
	}},
	{code: "3201", name: "Kabupaten Bogor", maleK: 2974, femaleK: 2836, districts: []builtinDistrict{
		{"320101", "Cibinong", []builtinVillage{kel("3201011001", "Pondok Rajeg", "16914"), kel("3201011002", "Karadenan", "16913")}},
		{"320102", "Gunungputri", []builtinVillage{desa("3201022001", "Wanaherang", "16965"), desa("3201022002", "Bojongkulur", "16969")}},
	}},
	{code: "3374", name: "Kota Semarang", maleK: 843, femaleK: 860, districts: []builtinDistrict{
		{"337401", "Semarang Tengah", []builtinVillage{kel("3374011001", "Miroto", "50134"), kel("3374011002", "Brumbungan", "50135")}},
		{"337402", "Semarang Utara", []builtinVillage{kel("3374021001", "Bandarharjo", "50175"), kel("3374021002", "Bulu Lor", "50179")}},
	}},
	{code: "3310", name: "Kabupaten Klaten", maleK: 648, femaleK: 655, districts: []builtinDistrict{
		{"331001", "Prambanan", []builtinVillage{desa("3310012001", "Sengon", "57454"), desa("3310012002", "Cucukan", "57454")}},
		{"331003", "Wedi", []builtinVillage{desa("3310032001", "Pesu", "57461"), desa("3310032002", "Dengkeng", "57461")}},
	}},
	{code: "3471", name: "Kota Yogyakarta", maleK: 202, femaleK: 213, districts: []builtinDistrict{
		{"347101", "Tegalrejo", []builtinVillage{kel("3471011001", "Kricak", "55242"), kel("3471011002", "Karangwaru", "55241")}},
		{"347103", "Gondokusuman", []builtinVillage{kel("3471031001", "Demangan", "55221"), kel("3471031002", "Kotabaru", "55224")}},
	}},
	{code: "3578", name: "Kota Surabaya", maleK: 1495, femaleK: 1523, districts: []builtinDistrict{
		{"357801", "Karang Pilang", []builtinVillage{kel("3578011001", "Karang Pilang", "60221"), kel("3578011002", "Kebraon", "60222")}},
		{"357803", "Rungkut", []builtinVillage{kel("3578031001", "Kalirungkut", "60293"), kel("3578031002", "Rungkut Kidul", "60293")}},
	}},
	{code: "3526", name: "Kabupaten Bangkalan", maleK: 513, femaleK: 529, districts: []builtinDistrict{
		{"352601", "Bangkalan", []builtinVillage{kel("3526011001", "Mlajah", "69116"), kel("3526011002", "Kemayoran", "69116")}},
		{"352602", "Socah", []builtinVillage{desa("3526022001", "Socah", "69161"), desa("3526022002", "Keleyan", "69161")}},
	}},
	{code: "5171", name: "Kota Denpasar", maleK: 335, femaleK: 338, districts: []builtinDistrict{
		{"517101", "Denpasar Selatan", []builtinVillage{kel("5171011001", "Serangan", "80229"), kel("5171011002", "Pedungan", "80222")}},
		{"517103", "Denpasar Barat", []builtinVillage{kel("5171031005", "Dauh Puri", "80113"), kel("5171031007", "Pemecutan", "80119")}},
	}},
	{code: "5104", name: "Kabupaten Gianyar", maleK: 253, femaleK: 252, districts: []builtinDistrict{
		{"510401", "Sukawati", []builtinVillage{desa("5104012001", "Batubulan", "80582"), desa("5104012002", "Ketewel", "80582")}},
		{"510403", "Gianyar", []builtinVillage{kel("5104031003", "Samplangan", "80512"), kel("5104031005", "Abianbase", "80515")}},
	}},
	{code: "5307", name: "Kabupaten Sikka", maleK: 169, femaleK: 178, districts: []builtinDistrict{
		{"530701", "Paga", []builtinVillage{desa("5307012001", "Masabewa", "86153"), desa("5307012003", "Wolowiro", "86153")}},
		{"530703", "Lela", []builtinVillage{desa("5307032001", "Lela", "86161"), desa("5307032002", "Watutedang", "86161")}},
	}},
	{code: "6171", name: "Kota Pontianak", maleK: 343, femaleK: 344, districts: []builtinDistrict{
		{"617101", "Pontianak Selatan", []builtinVillage{kel("6171011002", "Benuamelayu Laut", "78123"), kel("6171011003", "Benuamelayu Darat", "78122")}},
		{"617103", "Pontianak Barat", []builtinVillage{kel("6171031001", "Pallima", "78114"), kel("6171031002", "Sungaijawi Dalam", "78115")}},
	}},
	{code: "7171", name: "Kota Manado", maleK: 231, femaleK: 228, districts: []builtinDistrict{
		{"717101", "Bunaken", []builtinVillage{kel("7171011001", "Molas", "95231"), kel("7171011006", "Tongkaina", "95231")}},
		{"717103", "Singkil", []builtinVillage{kel("7171031001", "Singkil Satu", "95234"), kel("7171031002", "Singkil Dua", "95234")}},
	}},
	{code: "7371", name: "Kota Makassar", maleK: 736, femaleK: 746, districts: []builtinDistrict{
		{"737101", "Mariso", []builtinVillage{kel("7371011001", "Bontorannu", "90126"), kel("7371011002", "Mattoangin", "90121")}},
		{"737103", "Makassar", []builtinVillage{kel("7371031001", "Maricaya", "90142"), kel("7371031002", "Bara Baraya", "90143")}},
	}},
	{code: "7308", name: "Kabupaten Bone", maleK: 404, femaleK: 423, districts: []builtinDistrict{
		{"730801", "Bontocani", []builtinVillage{kel("7308011001", "Kahu", "92767"), desa("7308012002", "Watang Cani", "92768")}},
		{"730802", "Kahu", []builtinVillage{kel("7308021001", "Palattae", "92767"), desa("7308022002", "Nusa", "92767")}},
	}},
	// Kota Sorong moved from Papua Barat (92.71) to Papua Barat Daya (96.71):
	// NIKs issued before the change keep the 9271 prefix.
	{code: "9671", name: "Kota Sorong", maleK: 150, femaleK: 136, oldCode: "9271", oldCodeName: "KOTA SORONG", oldLastSeen: 2023, districts: []builtinDistrict{
		{"967101", "Sorong", []builtinVillage{kel("9671011001", "Remu Utara", "98414"), kel("9671011002", "Klademak", "98414")}},
		{"967102", "Sorong Timur", []builtinVillage{kel("9671021001", "Klawalu", "98418"), kel("9671021002", "Klamana", "98418")}},
	}},
}

// builtinHistoricPlaces maps a city (upper case, no "Kota"/"Kabupaten") to
// older or colloquial names seen as places of birth.
var builtinHistoricPlaces = map[string][]string{
	"MAKASSAR":      {"UJUNG PANDANG", "UJUNGPANDANG"},
	"YOGYAKARTA":    {"JOGJAKARTA", "DJOKJAKARTA", "JOGJA"},
	"BANDA ACEH":    {"KUTARAJA", "KOETARADJA"},
	"JAKARTA PUSAT": {"JAKARTA", "DKI JAKARTA"},
	"JAKARTA TIMUR": {"JAKARTA", "DKI JAKARTA"},
	"SURABAYA":      {"SOERABAJA"},
	"BANDUNG":       {"BANDOENG"},
	"SEMARANG":      {"SEMARANG KOTA"},
	"MEDAN":         {"MEDAN KOTA"},
	"DENPASAR":      {"BADUNG"},
	"PONTIANAK":     {"PONTIANAK KOTA"},
}

// Name lists. Tokens were chosen for this project; full names are always
// drawn token by token, so no list holds a real person's name.

var builtinGivenMale = []wtok{
	{"Muhammad", 30}, {"Agus", 28}, {"Ahmad", 24}, {"Budi", 20}, {"Bambang", 13}, {"Indra", 13},
	{"Hendra", 12}, {"Iwan", 12}, {"Andi", 12}, {"Eko", 11}, {"Arif", 11}, {"Agung", 11},
	{"Wahyu", 10}, {"Adi", 10}, {"Rudi", 9}, {"Dedi", 9}, {"Teguh", 8}, {"Bayu", 8},
	{"Irwan", 7}, {"Hadi", 7}, {"Yudi", 7}, {"Heru", 7}, {"Rizki", 7}, {"Fajar", 6},
	{"Dimas", 6}, {"Rahmat", 6}, {"Hasan", 5}, {"Ilham", 5}, {"Doni", 5}, {"Fauzi", 5},
	{"Joko", 5}, {"Gilang", 4}, {"Reza", 4}, {"Aditya", 4}, {"Yoga", 4}, {"Ari", 4},
	{"Hari", 4}, {"Rian", 4}, {"Ade", 4}, {"Dian", 2}, {"Surya", 3}, {"Taufik", 3},
	{"Yusuf", 3}, {"Kurniawan", 3}, {"Slamet", 3}, {"Herman", 3}, {"Anton", 3}, {"Feri", 3},
	{"Ridwan", 3}, {"Firman", 3}, {"Zainal", 2}, {"Samsul", 2}, {"Saiful", 2}, {"Khairul", 2},
}

var builtinGivenFemale = []wtok{
	{"Sri", 30}, {"Dewi", 20}, {"Siti", 20}, {"Nur", 18}, {"Dian", 15}, {"Endang", 12},
	{"Rina", 11}, {"Ratna", 10}, {"Yuni", 10}, {"Wati", 9}, {"Lina", 9}, {"Linda", 8},
	{"Ika", 8}, {"Putri", 8}, {"Sari", 8}, {"Indah", 8}, {"Maya", 7}, {"Fitri", 7},
	{"Novi", 7}, {"Yanti", 7}, {"Ani", 7}, {"Tuti", 6}, {"Rini", 6}, {"Ayu", 6},
	{"Desi", 6}, {"Nurul", 6}, {"Eka", 5}, {"Ria", 5}, {"Wulan", 5}, {"Lia", 5},
	{"Mega", 5}, {"Diah", 5}, {"Evi", 4}, {"Vera", 4}, {"Ade", 4}, {"Yuli", 4},
	{"Anisa", 4}, {"Intan", 4}, {"Lestari", 3}, {"Susanti", 3}, {"Herlina", 3}, {"Suryani", 3},
	{"Rahmawati", 3}, {"Kartika", 3}, {"Nining", 2}, {"Tri", 2}, {"Dwi", 2}, {"Fatimah", 2},
}

// Style-specific first tokens and second tokens, by sex.
var (
	javaneseFirstM  = []string{"Sugeng", "Suparman", "Sutrisno", "Sukirman", "Sumarno", "Supriyadi", "Sarwono", "Sutarno", "Darmanto", "Widodo", "Priyo", "Wawan", "Tri", "Dwi", "Bagus", "Ponco", "Suyono", "Giyanto", "Wahyudi", "Haryono", "Sunaryo", "Paijo", "Tukiman", "Gunawan", "Setyo", "Yanto", "Harjo", "Santoso", "Purwanto", "Sigit"}
	javaneseFirstF  = []string{"Sumiati", "Suyatmi", "Sulastri", "Wahyuni", "Rahayu", "Lestari", "Tutik", "Sumarni", "Retno", "Kartini", "Suwarni", "Murni", "Puji", "Sriyani", "Tumini", "Ngatini", "Sukarti", "Rukmini", "Wartini", "Sulistyowati", "Yuliani", "Winarsih", "Setyowati", "Purwati", "Ambar", "Endah", "Wiwik", "Tri", "Dwi", "Ningsih"}
	javaneseSecondM = []string{"Prasetyo", "Santoso", "Wibowo", "Nugroho", "Setiawan", "Kurniawan", "Susanto", "Hidayat", "Saputro", "Utomo", "Purnomo", "Wijaya", "Cahyono", "Hartono", "Pratama", "Raharjo", "Sudarsono", "Gunadi", "Permana", "Wicaksono", "Hermawan", "Suryanto", "Budiman", "Firmansyah"}
	javaneseSecondF = []string{"Lestari", "Wulandari", "Rahayu", "Handayani", "Susanti", "Puspitasari", "Safitri", "Kurniasih", "Pratiwi", "Rahmawati", "Setyaningsih", "Purwanti", "Anggraini", "Astuti", "Yuliani", "Utami", "Fitriani", "Sulistyowati", "Wahyuningsih", "Kusumawati", "Suryani", "Herlina", "Maharani", "Permatasari"}
	sundaneseFirstM = []string{"Asep", "Ujang", "Dede", "Cecep", "Dadang", "Deden", "Yayan", "Engkos", "Encep", "Dadan", "Jajang", "Aep", "Wawan", "Ruhiyat", "Kusnadi", "Endang", "Ayi", "Oman", "Ujang", "Yana", "Iwan", "Enjang", "Dudung", "Aceng"}
	sundaneseFirstF = []string{"Euis", "Iis", "Neneng", "Yayah", "Nining", "Entin", "Cucu", "Lilis", "Imas", "Eneng", "Ai", "Titin", "Yati", "Nurjanah", "Enok", "Ela", "Rina", "Yeni", "Nenden", "Cicih", "Teti", "Ipah", "Eti", "Iyam"}
	sundaneseSecond = [2][]string{
		{"Suryana", "Sukmana", "Permana", "Hidayat", "Saepudin", "Mulyana", "Kurnia", "Setiadi", "Ruhimat", "Supriatna", "Sopandi", "Rohendi", "Wijaya", "Rahmat", "Gunawan", "Firdaus"},
		{"Nurhasanah", "Komalasari", "Rohaeti", "Kurniasih", "Lestari", "Mulyani", "Rosita", "Sumiati", "Hasanah", "Maryani", "Nurlaela", "Rahmawati", "Yulianti", "Suryani", "Nurjanah", "Sari"},
	}
	arabicM     = []string{"Ahmad", "Muhammad", "Abdul", "Hasan", "Husein", "Ali", "Umar", "Yusuf", "Ibrahim", "Ismail", "Hamzah", "Rahmat", "Rahman", "Arif", "Fauzi", "Hidayat", "Syarif", "Zainal", "Khairul", "Saiful", "Taufik", "Rizki", "Fajar", "Hafiz", "Ilham", "Anwar", "Mahmud", "Luthfi", "Nasir", "Sulaiman", "Iskandar", "Zulkifli", "Faisal", "Ridwan", "Amir", "Abdullah", "Abdurrahman", "Syamsul", "Nurdin", "Hamid"}
	arabicF     = []string{"Siti", "Nur", "Aisyah", "Fatimah", "Khadijah", "Zahra", "Nurul", "Halimah", "Maryam", "Aminah", "Zainab", "Rahmah", "Salmah", "Hafsah", "Laila", "Nadia", "Annisa", "Fitri", "Hasanah", "Nuraini", "Rohani", "Mardiah", "Jamilah", "Syarifah", "Azizah", "Khairunnisa", "Zulaikha", "Habibah"}
	malaySecond = [2][]string{
		{"Putra", "Saputra", "Syahputra", "Pratama", "Hidayat", "Ramadhan", "Kurniawan", "Hakim", "Effendi", "Syahrial", "Firdaus", "Rahman", "Yusuf", "Fauzi", "Anwar", "Syafri", "Marzuki", "Jamal"},
		{"Putri", "Sari", "Wati", "Yanti", "Hayati", "Ningsih", "Rahmadani", "Fitria", "Yusnidar", "Marlina", "Zuraida", "Erlina", "Novita", "Rosmiati", "Yulia", "Nurhayati", "Dewi", "Hasanah"},
	}
	acehneseFirst = [2][]string{
		{"Zulkifli", "Mukhlis", "Munawar", "Azhari", "Fadhil", "Safrizal", "Marzuki", "Irfan", "Mahyuddin", "Ridwan", "Zulfikar", "Muslim", "Syahrul", "Nasruddin", "Husaini", "Bukhari"},
		{"Nurhayati", "Rosmawar", "Nurlaili", "Syarifah", "Mutia", "Intan", "Rauzah", "Yusra", "Rahmi", "Nurmala", "Zuhra", "Ainul", "Fitriani", "Safriana", "Darmawati", "Raudhah"},
	}
	bugisFirst = [2][]string{
		{"Baso", "Ambo", "Sudirman", "Haeruddin", "Nasruddin", "Jufri", "Amiruddin", "Arifin", "Syahrir", "Hamka", "Baharuddin", "Ridwan", "Muhlis", "Syamsuddin", "Kamaruddin", "Irwan", "Mappa", "Sakka"},
		{"Becce", "Hasnah", "Nurhaedah", "Sitti", "Hasniah", "Rahmatiah", "Nurlina", "Hadijah", "Sumarni", "Asriani", "Megawati", "Nurhayati", "Suriani", "Jumriani", "Hasmawati", "Besse", "Indo", "Nurmiati"},
	}
	balinesePersonal = [2][]string{
		{"Sudarsana", "Artawan", "Suarjana", "Wirawan", "Mahendra", "Adi", "Putra", "Darma", "Sukerta", "Widiana", "Yasa", "Astawa", "Mertayasa", "Budiarta", "Sudana", "Ardana", "Suweta", "Sugiarta", "Parwata", "Gunawan", "Dharma", "Suardika"},
		{"Suartini", "Ariani", "Sriasih", "Wahyuni", "Sukarmi", "Darmayanti", "Puspawati", "Widiastuti", "Sumerti", "Murniasih", "Yuliantari", "Astiti", "Suciati", "Sudiani", "Wulandari", "Ratnasari", "Sukerti", "Juliani", "Sriani", "Purnamawati", "Artini", "Rusmini"},
	}
	christianBaptismal = [2][]string{
		{"Yohanes", "Petrus", "Paulus", "Fransiskus", "Agustinus", "Yosef", "Markus", "Stefanus", "Antonius", "Benediktus", "Kristoforus", "Mikael", "Gabriel", "Aloysius", "Thomas", "Andreas", "Matius", "Lukas", "Daniel", "Samuel", "Yakobus", "Hendrikus", "Emanuel", "Nikolaus"},
		{"Maria", "Theresia", "Katarina", "Margaretha", "Elisabeth", "Agnes", "Yohana", "Veronika", "Bernadeta", "Sisilia", "Anastasia", "Monika", "Priska", "Lusia", "Yuliana", "Florentina", "Skolastika", "Magdalena", "Debora", "Rut", "Kristina", "Yosefina"},
	}
	easternGiven = [2][]string{
		{"Rikardus", "Yulius", "Oktavianus", "Adrianus", "Frengky", "Johny", "Ronald", "Deki", "Marthen", "Ferdinand", "Jemmy", "Stevanus", "Roy", "Novri", "Herry", "Yance"},
		{"Meri", "Yuli", "Ina", "Lince", "Mince", "Ester", "Novita", "Vivi", "Grace", "Juwita", "Feronika", "Selvi", "Merlin", "Desi", "Olivia", "Irene"},
	}
	papuanGiven = [2][]string{
		{"Yulius", "Markus", "Yakob", "Nelson", "Elias", "Obet", "Nikson", "Demianus", "Yosias", "Habel", "Melkias", "Otniel", "Yeremias", "Isak"},
		{"Ester", "Yuliana", "Lince", "Mince", "Naomi", "Regina", "Yohana", "Martha", "Ribka", "Sara", "Dorkas", "Agustina", "Yakomina", "Antonia"},
	}
	bataknGiven = [2][]string{
		{"Hotman", "Parulian", "Tigor", "Binsar", "Poltak", "Sahat", "Togar", "Martua", "Jonggi", "Marihot", "Tumpal", "Bonar", "Halomoan", "Saut", "Maruli", "Gomgom"},
		{"Rosmawati", "Tiurma", "Romauli", "Lamria", "Hotmaida", "Rumondang", "Sondang", "Nurcahaya", "Rotua", "Dameria", "Tiominar", "Lasma", "Hotnida", "Rosdiana", "Masniari", "Tetty"},
	}
	chineseGiven = [2][]string{
		{"Hendra", "Budi", "Stefanus", "Susanto", "Robert", "Kevin", "Michael", "Ferry", "Hendrik", "Indra", "Anton", "Andreas", "Willy", "Johan", "Suryadi", "Halim", "Edward", "Vincent", "Rudy", "Tommy"},
		{"Yohana", "Lina", "Wendy", "Jessica", "Lisa", "Meliana", "Vivian", "Yenny", "Linda", "Fransiska", "Lily", "Susan", "Megawati", "Veronica", "Cindy", "Grace", "Agnes", "Natalia", "Fenny", "Sherly"},
	}
	// Batak marga, Minahasa/Ambon/Flores fam and Papuan clan names, with the
	// provinces where they concentrate (empty = anywhere in the style).
	builtinClans = []clanName{
		{"Siregar", clanBatak, nil}, {"Simanjuntak", clanBatak, nil}, {"Sitorus", clanBatak, nil}, {"Situmorang", clanBatak, nil},
		{"Sinaga", clanBatak, nil}, {"Nasution", clanBatak, nil}, {"Lubis", clanBatak, nil}, {"Harahap", clanBatak, nil},
		{"Ginting", clanBatak, nil}, {"Sembiring", clanBatak, nil}, {"Tarigan", clanBatak, nil}, {"Hutapea", clanBatak, nil},
		{"Panjaitan", clanBatak, nil}, {"Pardede", clanBatak, nil}, {"Manurung", clanBatak, nil}, {"Saragih", clanBatak, nil},
		{"Purba", clanBatak, nil}, {"Damanik", clanBatak, nil}, {"Simbolon", clanBatak, nil}, {"Pasaribu", clanBatak, nil},
		{"Rondonuwu", clanEastern, []string{"71"}}, {"Mamahit", clanEastern, []string{"71"}}, {"Supit", clanEastern, []string{"71"}},
		{"Wuisan", clanEastern, []string{"71"}}, {"Tambuwun", clanEastern, []string{"71"}}, {"Sumampouw", clanEastern, []string{"71"}},
		{"Kalalo", clanEastern, []string{"71"}}, {"Lengkong", clanEastern, []string{"71"}},
		{"Latumahina", clanEastern, []string{"81"}}, {"Tuhuteru", clanEastern, []string{"81"}}, {"Wattimena", clanEastern, []string{"81"}},
		{"Siahaya", clanEastern, []string{"81"}}, {"Sahetapy", clanEastern, []string{"81"}}, {"Pelupessy", clanEastern, []string{"81"}},
		{"da Costa", clanEastern, []string{"53"}}, {"Fernandes", clanEastern, []string{"53"}}, {"Parera", clanEastern, []string{"53"}},
		{"da Silva", clanEastern, []string{"53"}}, {"Lewar", clanEastern, []string{"53"}}, {"Keupung", clanEastern, []string{"53"}},
		{"Wenda", clanPapuan, nil}, {"Kogoya", clanPapuan, nil}, {"Wonda", clanPapuan, nil}, {"Rumbiak", clanPapuan, nil},
		{"Mandacan", clanPapuan, nil}, {"Yoman", clanPapuan, nil}, {"Tabuni", clanPapuan, nil}, {"Murib", clanPapuan, nil},
		{"Kambu", clanPapuan, nil}, {"Rumkorem", clanPapuan, nil}, {"Wanimbo", clanPapuan, nil}, {"Karubaba", clanPapuan, nil},
	}
	// Chinese-Indonesian surnames: Hokkien clan names in Dutch-era spelling and
	// Indonesian-sounding names adopted after 1966.
	builtinHokkien        = []string{"Tan", "Liem", "Oei", "Go", "Kwee", "The", "Ong", "Han", "Lie", "Tjoa", "Njoo", "Kho"}
	builtinAdapted        = []string{"Tanoto", "Tanuwijaya", "Sutanto", "Halim", "Salim", "Limanto", "Wijaya", "Winata", "Gunawan", "Gozali", "Kusuma", "Tedja", "Tedjakusuma", "Ongko", "Onggo", "Handoko", "Hartono", "Santoso", "Setiawan", "Susilo"}
	hokkienGivenSyllables = []string{"Kiem", "Hoa", "Liong", "Swie", "Tjoen", "Giok", "Lan", "Hong", "Bing", "Sien", "Hok", "Tjing", "Bwee", "Siok", "Kian", "Gwan", "Tiong", "Hien", "Ling", "Mei"}

	balineseMarkers    = [2]string{"I", "Ni"}
	balineseOrderNames = [4][2][]string{
		{{"Wayan", "Putu", "Gede"}, {"Wayan", "Putu", "Luh"}},
		{{"Made", "Kadek", "Nengah"}, {"Made", "Kadek", "Nengah"}},
		{{"Nyoman", "Komang"}, {"Nyoman", "Komang"}},
		{{"Ketut"}, {"Ketut"}},
	}
	balineseCastes = [2][][]string{
		{{"Ida", "Bagus"}, {"Anak", "Agung", "Gede"}, {"I", "Gusti", "Ngurah"}, {"Dewa", "Gede"}, {"Cokorda"}},
		{{"Ida", "Ayu"}, {"Anak", "Agung", "Ayu"}, {"I", "Gusti", "Ayu"}, {"Desak", "Made"}, {"Cokorda", "Istri"}},
	}
	ordinalNames = []string{"Eka", "Dwi", "Tri", "Catur", "Panca"}
	// ordinalShared are second words shared by siblings named with ordinals.
	ordinalShared = [2][]string{
		{"Prasetyo", "Nugroho", "Santoso", "Cahyono", "Wibowo", "Setiawan", "Kurniawan", "Saputra"},
		{"Lestari", "Wulandari", "Rahayu", "Handayani", "Susanti", "Astuti", "Pratiwi", "Utami"},
	}
	muslimPrefixes = [2][]string{{"Muhammad", "Ahmad", "Abdul"}, {"Siti", "Nur"}}
	acehNoble      = [2]string{"Teuku", "Cut"}
	bugisNoble     = "Andi"
	batakBoru      = "Br."

	builtinUnisex = []string{"ade", "dian", "eka", "nur", "tri", "dwi", "yuli", "rizki", "putu", "made", "nyoman", "ketut", "kadek", "komang", "wayan", "nengah", "ari", "hari", "catur", "puji", "kiki", "mega", "nanda", "andi", "yana", "endang", "cucu", "ai"}

	builtinNicknames = map[string][]string{
		"Hermawan": {"Wawan"}, "Kurniawan": {"Wawan"}, "Setiawan": {"Wawan"}, "Asep": {"Aa"},
		"Rahmat": {"Mamat"}, "Slamet": {"Memet"}, "Suryani": {"Yani"}, "Herlina": {"Lina"},
		"Agus": {"Gus"}, "Bambang": {"Bams"}, "Dedi": {"Dede"}, "Muhammad": {"Mamad"},
		"Ahmad": {"Amad"}, "Abdullah": {"Dul"}, "Yohanes": {"Yan", "Anis"}, "Fransiskus": {"Frans"},
		"Margaretha": {"Greta"}, "Elisabeth": {"Lisa", "Eli"}, "Fatimah": {"Imah"}, "Khadijah": {"Ijah"},
	}
	builtinAbbrevs = map[string][]string{
		"Muhammad": {"M.", "Moch.", "Moh.", "Muh.", "Mhd."}, "Mohammad": {"Moh.", "M."}, "Muhamad": {"M.", "Muh."},
		"Abdul": {"Abd.", "A."}, "Siti": {"St."}, "Abdurrahman": {"Abd. Rahman"}, "Ahmad": {"A.", "Ach."},
	}
	// builtinVariants lists spelling groups; every member is a variant of
	// every other.
	builtinVariants = [][]string{
		{"Muhammad", "Muhamad", "Mohammad", "Mohamad", "Mochammad", "Mochamad"},
		{"Ahmad", "Achmad", "Akhmad", "Ahmat"},
		{"Rizki", "Rizky", "Rizqi", "Riski"},
		{"Arif", "Arief", "Arip"},
		{"Rahmat", "Rachmat", "Rohmat", "Rahmad"},
		{"Rahman", "Rachman", "Rohman"},
		{"Yusuf", "Yusup", "Jusuf"},
		{"Taufik", "Taufiq", "Topik"},
		{"Zainal", "Zaenal", "Jaenal"},
		{"Saiful", "Syaiful"},
		{"Samsul", "Syamsul"},
		{"Khairul", "Chairul", "Choirul", "Khoirul"},
		{"Fajar", "Pajar", "Fadjar"},
		{"Hasan", "Hassan"},
		{"Husein", "Husain", "Husin"},
		{"Fitri", "Pitri"},
		{"Yohanes", "Johanes", "Johannes"},
		{"Stefanus", "Stephanus"},
		{"Slamet", "Selamet"},
		{"Nur", "Noor", "Noer"},
		{"Siti", "Sitti"},
	}
	builtinDegrees = []string{"S.E.", "S.H.", "S.Pd.", "S.Kom.", "S.T.", "S.Sos.", "S.Ag.", "S.Si.", "S.Kep.", "A.Md.", "M.M.", "M.Si.", "M.Pd.", "M.H.", "M.Kes.", "S.Ked.", "S.IP.", "S.Farm."}

	builtinStreets = []string{"Sudirman", "Ahmad Yani", "Diponegoro", "Gatot Subroto", "Imam Bonjol", "Hasanuddin", "Pattimura", "Teuku Umar", "Kartini", "Gajah Mada", "Hayam Wuruk", "Merdeka", "Pemuda", "Pahlawan", "Veteran", "Melati", "Mawar", "Anggrek", "Kenanga", "Cempaka", "Flamboyan", "Dahlia", "Kamboja", "Nangka", "Mangga", "Rambutan", "Durian", "Kelapa", "Beringin", "Cendana", "Rajawali", "Merpati", "Kenari", "Cendrawasih", "Pasar Baru", "Masjid", "Stasiun", "Pendidikan", "Pramuka", "Proklamasi"}
	builtinHamlets = []string{"Krajan", "Karanganyar", "Sukamaju", "Sidomulyo", "Sukajadi", "Mekarsari", "Cibodas", "Kebonsari", "Tegalsari", "Sumberejo", "Wonosari", "Margomulyo", "Sukamanah", "Cijambu", "Kaliwungu", "Ngemplak", "Kedungsari", "Banjarsari", "Jatimulyo", "Purwosari"}

	builtinMobilePrefixes = []string{"0811", "0812", "0813", "0821", "0822", "0823", "0852", "0853", "0814", "0815", "0816", "0855", "0856", "0857", "0858", "0817", "0818", "0819", "0859", "0877", "0878", "0831", "0832", "0838", "0895", "0896", "0897", "0898", "0899", "0881", "0882", "0883", "0887", "0888", "0889"}

	// builtinOCR lists visually confusable strings (true → as read).
	builtinOCR = [][2]string{
		{"m", "rn"}, {"rn", "m"}, {"cl", "d"}, {"d", "cl"}, {"l", "1"}, {"i", "l"}, {"I", "l"}, {"o", "0"},
		{"O", "0"}, {"S", "5"}, {"B", "8"}, {"u", "v"}, {"h", "b"}, {"g", "q"}, {"e", "c"}, {"w", "vv"},
		{"n", "ri"}, {"a", "o"}, {"E", "F"}, {"D", "O"},
	}

	// EYD spelling reform (1972, and oe→u of 1947) as old → new pairs.
	builtinSpellingRules = [][2]string{{"oe", "u"}, {"dj", "j"}, {"tj", "c"}, {"j", "y"}, {"nj", "ny"}, {"sj", "sy"}, {"ch", "kh"}}

	// builtinInformal lists informal spelling alternations (a ↔ b) and where
	// in a token they occur.
	builtinInformal = []spellRule{
		{"i", "y", posFinal}, {"i", "ie", posFinal}, {"d", "t", posFinal}, {"k", "q", posAny},
		{"h", "kh", posAny}, {"f", "p", posAny}, {"a", "o", posMedial}, {"ai", "ae", posMedial},
		{"z", "j", posAny}, {"sy", "s", posAny}, {"v", "f", posAny}, {"ph", "f", posAny},
		{"c", "k", posAny}, {"dh", "d", posAny}, {"th", "t", posAny}, {"u", "o", posMedial},
	}
)

// styleMix gives, per province code, the relative weights of the naming
// styles (assumptions to tune, after docs/indonesia.md §6.1).
var provinceStyleMix = map[string][numStyles]float64{
	//          jav   sun   mal   ace   bat   bug   bal   chi   eas   pap
	"11": {0.05, 0, 0.10, 0.83, 0.02, 0, 0, 0, 0, 0},
	"12": {0.20, 0, 0.15, 0.02, 0.45, 0, 0, 0.08, 0.10, 0},
	"13": {0.05, 0, 0.90, 0, 0.05, 0, 0, 0, 0, 0},
	"14": {0.25, 0, 0.55, 0, 0.10, 0.02, 0, 0.06, 0.02, 0},
	"15": {0.30, 0, 0.60, 0, 0.03, 0.02, 0, 0.03, 0.02, 0},
	"16": {0.30, 0.02, 0.62, 0, 0.01, 0, 0.01, 0.03, 0.01, 0},
	"17": {0.25, 0.05, 0.65, 0, 0.02, 0, 0, 0.02, 0.01, 0},
	"18": {0.62, 0.10, 0.23, 0, 0.01, 0, 0.02, 0.01, 0.01, 0},
	"19": {0.10, 0, 0.65, 0, 0.02, 0.03, 0, 0.18, 0.02, 0},
	"21": {0.25, 0.02, 0.45, 0, 0.10, 0.02, 0, 0.10, 0.06, 0},
	"31": {0.38, 0.18, 0.16, 0, 0.07, 0.03, 0.01, 0.06, 0.10, 0.01},
	"32": {0.14, 0.77, 0.04, 0, 0.01, 0, 0, 0.03, 0.01, 0},
	"33": {0.95, 0.02, 0, 0, 0, 0, 0, 0.02, 0.01, 0},
	"34": {0.94, 0.01, 0.01, 0, 0, 0, 0, 0.02, 0.02, 0},
	"35": {0.93, 0, 0.02, 0, 0, 0, 0.01, 0.03, 0.01, 0},
	"36": {0.30, 0.60, 0.05, 0, 0.01, 0, 0, 0.03, 0.01, 0},
	"51": {0.10, 0, 0.02, 0, 0, 0, 0.85, 0.02, 0.01, 0},
	"52": {0.05, 0, 0.88, 0, 0, 0.02, 0.05, 0, 0, 0},
	"53": {0.02, 0, 0.10, 0, 0, 0.02, 0, 0.01, 0.85, 0},
	"61": {0.15, 0.01, 0.50, 0, 0.02, 0.05, 0, 0.12, 0.15, 0},
	"62": {0.25, 0.02, 0.55, 0, 0.01, 0.02, 0.02, 0.01, 0.12, 0},
	"63": {0.15, 0, 0.80, 0, 0, 0.03, 0, 0.01, 0.01, 0},
	"64": {0.30, 0.02, 0.35, 0, 0.03, 0.20, 0, 0.02, 0.08, 0},
	"65": {0.25, 0, 0.30, 0, 0.02, 0.28, 0, 0.05, 0.10, 0},
	"71": {0.03, 0, 0.10, 0, 0, 0.05, 0.01, 0.02, 0.79, 0},
	"72": {0.08, 0, 0.25, 0, 0, 0.55, 0.05, 0.02, 0.05, 0},
	"73": {0.02, 0, 0.05, 0, 0, 0.86, 0, 0.02, 0.05, 0},
	"74": {0.10, 0, 0.25, 0, 0, 0.60, 0.01, 0.01, 0.03, 0},
	"75": {0.03, 0, 0.80, 0, 0, 0.12, 0, 0, 0.05, 0},
	"76": {0.03, 0, 0.10, 0, 0, 0.72, 0, 0, 0.15, 0},
	"81": {0.03, 0, 0.40, 0, 0, 0.05, 0, 0.02, 0.50, 0},
	"82": {0.03, 0, 0.70, 0, 0, 0.05, 0, 0.01, 0.21, 0},
	"91": {0.15, 0.01, 0.02, 0, 0.02, 0.08, 0, 0.01, 0.15, 0.56},
	"92": {0.20, 0.01, 0.03, 0, 0.02, 0.10, 0, 0.02, 0.22, 0.40},
	"93": {0.25, 0.01, 0.02, 0, 0.01, 0.06, 0, 0.01, 0.14, 0.50},
	"94": {0.08, 0, 0.01, 0, 0.01, 0.04, 0, 0, 0.06, 0.80},
	"95": {0.05, 0, 0.01, 0, 0.01, 0.03, 0, 0, 0.05, 0.85},
	"96": {0.22, 0.01, 0.03, 0, 0.02, 0.12, 0, 0.02, 0.22, 0.36},
}

// defaultStyleMix is used for a province missing from provinceStyleMix.
var defaultStyleMix = [numStyles]float64{0.50, 0.10, 0.25, 0, 0.03, 0.05, 0.01, 0.03, 0.03, 0}

// BuiltinReference returns the small reference compiled into the package.
// Each call returns a fresh value, so callers may not affect each other.
func BuiltinReference() *Reference {
	r := &Reference{name: "builtin"}
	for _, p := range builtinProvinces {
		r.provinces = append(r.provinces, province{code: p[0], name: p[1]})
	}
	for _, br := range builtinRegencies {
		r.regencies = append(r.regencies, regency{
			code:   br.code,
			name:   br.name,
			male:   float64(br.maleK) * 1000,
			female: float64(br.femaleK) * 1000,
		})
		for _, bd := range br.districts {
			r.districts = append(r.districts, district{code: bd.code, name: bd.name})
			for _, bv := range bd.villages {
				r.villages = append(r.villages, village{code: bv.code, name: bv.name, kelurahan: bv.kelurahan, postcode: bv.postcode})
			}
			if br.oldCode != "" {
				r.pendingOld = append(r.pendingOld, pendingOldCode{code: br.oldCode + bd.code[4:], district: bd.code, lastSeen: br.oldLastSeen})
			}
		}
	}
	r.names = builtinNames()
	r.streets = append([]string(nil), builtinStreets...)
	r.hamlets = append([]string(nil), builtinHamlets...)
	r.mobilePrefixes = append([]string(nil), builtinMobilePrefixes...)
	r.ocr = append(r.ocr, builtinOCR...)
	r.qwerty, r.keypad = builtinKeyboard()
	r.historic = builtinHistoricPlaces
	if err := r.finish(); err != nil {
		// The built-in tables are part of the source; a failure here is a bug.
		panic("synth: built-in reference: " + err.Error())
	}
	return r
}

func builtinNames() nameTables {
	n := nameTables{
		clans:      append([]clanName(nil), builtinClans...),
		hokkien:    append([]string(nil), builtinHokkien...),
		adapted:    append([]string(nil), builtinAdapted...),
		degrees:    append([]string(nil), builtinDegrees...),
		nick:       map[string][]string{},
		abbrev:     map[string][]string{},
		variants:   map[string][]string{},
		unisex:     map[string]bool{},
		spelling:   append([][2]string(nil), builtinSpellingRules...),
		informal:   append([]spellRule(nil), builtinInformal...),
		balOrder:   balineseOrderNames,
		balMarkers: balineseMarkers,
		balCastes:  balineseCastes,
	}
	n.given[0] = newPool(builtinGivenMale)
	n.given[1] = newPool(builtinGivenFemale)
	for k, v := range builtinNicknames {
		n.nick[k] = v
	}
	for k, v := range builtinAbbrevs {
		n.abbrev[k] = v
	}
	for _, g := range builtinVariants {
		for _, a := range g {
			for _, b := range g {
				if a != b {
					n.variants[a] = append(n.variants[a], b)
				}
			}
		}
	}
	for _, u := range builtinUnisex {
		n.unisex[u] = true
	}
	return n
}

// builtinKeyboard derives QWERTY neighbours (same row and the rows above
// and below) and numeric-keypad neighbours from the key layouts.
func builtinKeyboard() (qwerty [256]string, keypad [10]string) {
	rows := []string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}
	for ri, row := range rows {
		for ci := range len(row) {
			var nb []byte
			for dr := -1; dr <= 1; dr++ {
				r2 := ri + dr
				if r2 < 0 || r2 >= len(rows) {
					continue
				}
				for dc := -1; dc <= 1; dc++ {
					c2 := ci + dc
					if dr == 0 && dc == 0 || c2 < 0 || c2 >= len(rows[r2]) {
						continue
					}
					nb = append(nb, rows[r2][c2])
				}
			}
			qwerty[row[ci]] = string(nb)
		}
	}
	pad := []string{"789", "456", "123", "0"}
	for ri, row := range pad {
		for ci := range len(row) {
			var nb []byte
			for dr := -1; dr <= 1; dr++ {
				r2 := ri + dr
				if r2 < 0 || r2 >= len(pad) {
					continue
				}
				for dc := -1; dc <= 1; dc++ {
					c2 := ci + dc
					if dr == 0 && dc == 0 || c2 < 0 || c2 >= len(pad[r2]) {
						continue
					}
					nb = append(nb, pad[r2][c2])
				}
			}
			keypad[row[ci]-'0'] = string(nb)
		}
	}
	return qwerty, keypad
}
