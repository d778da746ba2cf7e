package synth

import (
	"errors"
	"fmt"
)

// maxRegions bounds the region index in a serial-counter key: a key packs
// the region index with the DDMMYY block (at most 71*1200 < 85200 values)
// into a uint32, so the counter map stays small (8 bytes a slot).
const maxRegions = (1 << 32) / nikDateSpace

const nikDateSpace = 85200

// nikDateBlock returns the DDMMYY block of a NIK as an integer: day (+40 for
// women), month, two-digit year.
func nikDateBlock(dob date, female bool) (dd, mm, yy int) {
	dd = dob.d
	if female {
		dd += 40
	}
	return dd, dob.m, dob.y % 100
}

// serials hands out 4-digit serials from 0001 per 12-digit prefix. Its size
// is bounded by the number of distinct prefixes, not by the population.
type serials map[uint32]uint16

var errSerialsExhausted = errors.New("all 9999 serials of a prefix are used")

func (s serials) next(region, dd, mm, yy int) (int, error) {
	key := uint32(region*nikDateSpace + (dd-1)*1200 + (mm-1)*100 + yy)
	n := s[key]
	if n >= 9999 {
		return 0, errSerialsExhausted
	}
	n++
	s[key] = n
	return int(n), nil
}

// formatID16 writes a 6-digit region, DD, MM, YY and a 4-digit serial: the
// shape shared by NIK and KK numbers.
func formatID16(region string, dd, mm, yy, serial int) string {
	var b [16]byte
	copy(b[:6], region)
	put2 := func(i, v int) { b[i], b[i+1] = byte('0'+v/10), byte('0'+v%10) }
	put2(6, dd)
	put2(8, mm)
	put2(10, yy)
	put2(12, serial/100)
	put2(14, serial%100)
	return string(b[:])
}

// validProvinces are the province codes of every code version (§1.2).
var validProvinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true, "16": true, "17": true, "18": true, "19": true,
	"21": true, "31": true, "32": true, "33": true, "34": true, "35": true, "36": true,
	"51": true, "52": true, "53": true, "61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "72": true, "73": true, "74": true, "75": true, "76": true, "81": true, "82": true,
	"91": true, "92": true, "93": true, "94": true, "95": true, "96": true,
}

// checkNIK applies the hard checks of docs/indonesia.md §1.2 to a clean
// 16-digit value.
func checkNIK(nik string) error {
	if len(nik) != 16 {
		return fmt.Errorf("NIK has %d characters, want 16", len(nik))
	}
	for i := range len(nik) {
		if nik[i] < '0' || nik[i] > '9' {
			return errors.New("NIK has a non-digit")
		}
	}
	if !validProvinces[nik[:2]] {
		return fmt.Errorf("NIK province %s does not exist", nik[:2])
	}
	dd := int(nik[6]-'0')*10 + int(nik[7]-'0')
	mm := int(nik[8]-'0')*10 + int(nik[9]-'0')
	if !(dd >= 1 && dd <= 31 || dd >= 41 && dd <= 71) {
		return fmt.Errorf("NIK day %02d is outside 01-31 and 41-71", dd)
	}
	if mm < 1 || mm > 12 {
		return fmt.Errorf("NIK month %02d is outside 01-12", mm)
	}
	if nik[12:] == "0000" {
		return errors.New("NIK serial is 0000")
	}
	return nil
}
