package registry

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"os"
	"regexp"
	"strings"
	"sync"
)

// NIKs are the most sensitive identifier the registry holds: they are stored encrypted
// (AES-256-GCM) with keys kept outside the database, and found through a keyed HMAC index, so a
// copy of the database alone reveals none. Ciphertexts carry the ID of their key, so keys can be
// rotated: new values are sealed with the current key, old ones still open with theirs.

const sealedPrefix = "enc1:"

// NIKKeySet is the key file's content: every key by ID (base64, 32 bytes), the current one,
// and the index key of the HMAC lookup index.
type NIKKeySet struct {
	Current string            `json:"current"`
	Keys    map[string]string `json:"keys"`
	Index   string            `json:"index"`
}

// NIKCipher seals, opens and indexes NIKs.
type NIKCipher struct {
	current string
	aeads   map[string]cipher.AEAD
	index   []byte
	// macs holds HMACs keyed with index, reset between uses: a bulk load seals millions of
	// NIKs, and keying a new HMAC cost more than using it.
	macs sync.Pool
}

// mac is the index key's HMAC-SHA256 of the concatenated parts.
func (c *NIKCipher) mac(parts ...string) []byte {
	m, ok := c.macs.Get().(hash.Hash)
	if ok {
		m.Reset()
	} else {
		m = hmac.New(sha256.New, c.index)
	}
	for _, p := range parts {
		m.Write([]byte(p))
	}
	sum := m.Sum(nil)
	c.macs.Put(m)
	return sum
}

var keyIDPattern = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)

// NewNIKCipher builds a cipher from a key set; errors name what is wrong, never a key.
func NewNIKCipher(ks NIKKeySet) (*NIKCipher, error) {
	c := &NIKCipher{current: ks.Current, aeads: map[string]cipher.AEAD{}}
	for id, k := range ks.Keys {
		if !keyIDPattern.MatchString(id) {
			return nil, fmt.Errorf("NIK key ID %q: want 1-32 lowercase letters, digits or -", id)
		}
		raw, err := base64.StdEncoding.DecodeString(k)
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("NIK key %q: want 32 bytes, base64", id)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		if c.aeads[id], err = cipher.NewGCM(block); err != nil {
			return nil, err
		}
	}
	if _, ok := c.aeads[ks.Current]; !ok {
		return nil, fmt.Errorf("NIK key set: the current key %q is not in the set", ks.Current)
	}
	idx, err := base64.StdEncoding.DecodeString(ks.Index)
	if err != nil || len(idx) < 32 {
		return nil, errors.New("NIK key set: the index key must be at least 32 bytes, base64")
	}
	c.index = idx
	return c, nil
}

// NewNIKKeySet makes a fresh key set with one key.
func NewNIKKeySet() (NIKKeySet, error) {
	ks := NIKKeySet{Keys: map[string]string{}}
	if err := ks.AddKey(); err != nil {
		return ks, err
	}
	idx := make([]byte, 32)
	if _, err := rand.Read(idx); err != nil {
		return ks, err
	}
	ks.Index = base64.StdEncoding.EncodeToString(idx)
	return ks, nil
}

// AddKey adds a new random key and makes it current (rotation). The index key is kept: it
// cannot change without re-indexing every record.
func (ks *NIKKeySet) AddKey() error {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return err
	}
	id := fmt.Sprintf("k%d", len(ks.Keys)+1)
	for ks.Keys[id] != "" {
		id += "x"
	}
	ks.Keys[id] = base64.StdEncoding.EncodeToString(k)
	ks.Current = id
	return nil
}

// LoadNIKKeys reads a key file.
func LoadNIKKeys(path string) (*NIKCipher, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read NIK key file: %w", err)
	}
	var ks NIKKeySet
	if err := json.Unmarshal(b, &ks); err != nil {
		return nil, fmt.Errorf("NIK key file %s: %w", path, err)
	}
	return NewNIKCipher(ks)
}

// WriteNIKKeys writes a key file readable by its owner only.
func WriteNIKKeys(path string, ks NIKKeySet) error {
	b, err := json.MarshalIndent(ks, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// EphemeralNIKCipher returns a cipher with random keys that exist only in memory: for tests and
// throwaway stores. Data sealed with it cannot be opened by any other process.
func EphemeralNIKCipher() *NIKCipher {
	ks, err := NewNIKKeySet()
	if err != nil {
		panic(err)
	}
	c, err := NewNIKCipher(ks)
	if err != nil {
		panic(err)
	}
	return c
}

// nikAAD binds ciphertexts to their purpose, so a sealed NIK cannot be passed off as another
// sealed value.
var nikAAD = []byte("registry/nik")

// Seal encrypts a NIK with the current key ("" stays ""). The nonce is derived from the NIK
// (a synthetic IV, as in AES-GCM-SIV): equal NIKs seal to equal values, so stored records and
// golden records compare by content; that reveals no more than the lookup index already does,
// and distinct NIKs never share a nonce.
func (c *NIKCipher) Seal(nik string) (string, error) {
	if nik == "" {
		return "", nil
	}
	aead := c.aeads[c.current]
	nonce := c.mac("nonce:", c.current, ":", nik)[:aead.NonceSize()]
	ct := aead.Seal(append([]byte{}, nonce...), nonce, []byte(nik), nikAAD)
	return sealedPrefix + c.current + ":" + base64.RawStdEncoding.EncodeToString(ct), nil
}

// Open decrypts a sealed NIK. A value that was never sealed (written before protection) is
// returned as it is.
func (c *NIKCipher) Open(v string) (string, error) {
	rest, ok := strings.CutPrefix(v, sealedPrefix)
	if !ok {
		return v, nil
	}
	id, b64, ok := strings.Cut(rest, ":")
	aead := c.aeads[id]
	if !ok || aead == nil {
		return "", fmt.Errorf("sealed NIK uses unknown key %q: add it to the key file", id)
	}
	ct, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(ct) < aead.NonceSize() {
		return "", errors.New("sealed NIK is malformed")
	}
	pt, err := aead.Open(nil, ct[:aead.NonceSize()], ct[aead.NonceSize():], nikAAD)
	if err != nil {
		return "", errors.New("sealed NIK does not open: wrong key or tampered value")
	}
	return string(pt), nil
}

// Index is the keyed lookup token of a NIK: equal NIKs give equal tokens, and the token reveals
// nothing without the index key.
func (c *NIKCipher) Index(nik string) string {
	return hex.EncodeToString(c.mac("index:", nik)[:16])
}
