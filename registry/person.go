package registry

import (
	"crypto/sha256"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry/jsonappend"
)

// Person is a person's attributes as a source sends them, under the canonical field names of the
// person file (design: local_id,nik,full_name,...). Values are kept as received.
type Person struct {
	NIK        string `json:"nik,omitempty"`
	FullName   string `json:"full_name,omitempty"`
	GivenName  string `json:"given_name,omitempty"`
	FamilyName string `json:"family_name,omitempty"`
	Sex        string `json:"sex,omitempty"`
	BirthDate  string `json:"birth_date,omitempty"`
	BirthPlace string `json:"birth_place,omitempty"`
	Address    string `json:"address,omitempty"`
	Village    string `json:"village,omitempty"`
	District   string `json:"district,omitempty"`
	City       string `json:"city,omitempty"`
	Province   string `json:"province,omitempty"`
	Postcode   string `json:"postcode,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
}

// PersonFields lists the canonical person fields in file order (after local_id).
var PersonFields = []string{
	"nik", "full_name", "given_name", "family_name", "sex", "birth_date", "birth_place",
	"address", "village", "district", "city", "province", "postcode", "phone", "email",
}

// MaxFieldLen caps every person field, in bytes: generous for Indonesian names and addresses,
// small enough that a field cannot be used to store a document.
const MaxFieldLen = 512

// Field returns the value of the named canonical field ("" for an unknown name).
func (p *Person) Field(name string) string {
	if f := p.fieldPtr(name); f != nil {
		return *f
	}
	return ""
}

// SetField sets the named canonical field; it reports false for an unknown name.
func (p *Person) SetField(name, value string) bool {
	if f := p.fieldPtr(name); f != nil {
		*f = value
		return true
	}
	return false
}

func (p *Person) fieldPtr(name string) *string {
	switch name {
	case "nik":
		return &p.NIK
	case "full_name":
		return &p.FullName
	case "given_name":
		return &p.GivenName
	case "family_name":
		return &p.FamilyName
	case "sex":
		return &p.Sex
	case "birth_date":
		return &p.BirthDate
	case "birth_place":
		return &p.BirthPlace
	case "address":
		return &p.Address
	case "village":
		return &p.Village
	case "district":
		return &p.District
	case "city":
		return &p.City
	case "province":
		return &p.Province
	case "postcode":
		return &p.Postcode
	case "phone":
		return &p.Phone
	case "email":
		return &p.Email
	}
	return nil
}

// Trimmed returns p with surrounding whitespace removed from every field, so that formatting
// noise does not create a new version of a record.
func (p Person) Trimmed() Person {
	for _, f := range PersonFields {
		p.SetField(f, strings.TrimSpace(p.Field(f)))
	}
	return p
}

// IsEmpty reports whether no field carries a value.
func (p Person) IsEmpty() bool { return p == Person{} }

// ContentHash identifies the content of a record version: re-sending the same content is a no-op.
func (p Person) ContentHash() []byte {
	var buf [512]byte
	h := sha256.Sum256(p.AppendJSON(buf[:0])) // fixed field order: deterministic
	return h[:]
}

// AppendJSON appends json.Marshal(p), byte for byte (TestPersonEncodingIsEncodingJSONs): the form
// a record is stored and hashed in, encoded for every row of a bulk load.
func (p *Person) AppendJSON(b []byte) []byte {
	o := jsonappend.Begin(b)
	o.OmitStr("nik", p.NIK)
	o.OmitStr("full_name", p.FullName)
	o.OmitStr("given_name", p.GivenName)
	o.OmitStr("family_name", p.FamilyName)
	o.OmitStr("sex", p.Sex)
	o.OmitStr("birth_date", p.BirthDate)
	o.OmitStr("birth_place", p.BirthPlace)
	o.OmitStr("address", p.Address)
	o.OmitStr("village", p.Village)
	o.OmitStr("district", p.District)
	o.OmitStr("city", p.City)
	o.OmitStr("province", p.Province)
	o.OmitStr("postcode", p.Postcode)
	o.OmitStr("phone", p.Phone)
	o.OmitStr("email", p.Email)
	b, _ = o.End()
	return b
}

// MatchingRecord converts p to the matching engine's input.
func (p Person) MatchingRecord() matching.Record {
	return matching.Record{
		NIK: p.NIK, FullName: p.FullName, GivenName: p.GivenName, FamilyName: p.FamilyName,
		Sex: p.Sex, BirthDate: p.BirthDate, BirthPlace: p.BirthPlace, Address: p.Address,
		Village: p.Village, District: p.District, City: p.City, Province: p.Province,
		Postcode: p.Postcode, Phone: p.Phone, Email: p.Email,
	}
}

// ValidateLocalID checks a source's local ID: 1-128 letters, digits or . _ : / + - (the
// pattern ^[\p{L}\p{N}._:/+-]{1,128}$, checked by hand: a bulk load checks every row's).
func ValidateLocalID(id string) error {
	n := 0
	for _, r := range id { // invalid UTF-8 reads as U+FFFD, which is neither
		n++
		switch {
		case n > 128:
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("._:/+-", r)):
			continue
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsNumber(r)):
			continue
		}
		return invalidLocalID()
	}
	if n == 0 {
		return invalidLocalID()
	}
	return nil
}

func invalidLocalID() error {
	return Invalid("local_id", "must be 1-128 letters, digits or . _ : / + -")
}

// ValidateSourceCode checks a source code such as "kemenkes".
func ValidateSourceCode(code string) error {
	if !sourcePattern.MatchString(code) {
		return Invalid("source", "must be 2-32 lowercase letters, digits, _ or -, starting with a letter")
	}
	return nil
}

var sourcePattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,31}$`)

// checkText reports the structural problems of a text value: what no record may hold, whether it
// arrives by API or in a bulk file.
func checkText(v *ValidationError, field, s string) {
	switch {
	case !utf8.ValidString(s):
		v.add(field, "is not valid UTF-8")
	case strings.ContainsRune(s, 0):
		v.add(field, "contains a NUL character")
	case len(s) > MaxFieldLen:
		v.add(field, "is longer than %d bytes", MaxFieldLen)
	}
}

// CheckStructure reports problems that make a record unusable as a whole (undecodable text,
// over-long fields; requireIdentity adds a record that says nothing about who the person is).
// Bulk loads reject such rows; the API answers 422.
func (p Person) CheckStructure() error {
	v := &ValidationError{}
	for _, f := range PersonFields {
		checkText(v, f, p.Field(f))
	}
	return v.err()
}

// Strict is the API's stricter check: on top of CheckStructure, field-level problems the matcher
// finds (an impossible birth date, an unknown sex code) are errors rather than flags, since the
// caller is there to correct them.
func (p Person) Strict(issues []matching.Issue) error {
	if err := p.CheckStructure(); err != nil {
		return err
	}
	v := &ValidationError{}
	for _, is := range issues {
		switch is.Field {
		case "birth_date", "sex":
			v.add(is.Field, "%s", is.Message)
		}
	}
	return v.err()
}
