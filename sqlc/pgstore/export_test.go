package pgstore

import "github.com/bangsa/registry/registry"

// EncodeGolden and DecodeGolden expose the stored form of golden records to the migration tests.
func EncodeGolden(nik *registry.NIKCipher, fields map[string]registry.GoldenValue) ([]byte, error) {
	return codec{nik: nik}.sealGolden(registry.GoldenRecord{Fields: fields}, nil)
}

func DecodeGolden(nik *registry.NIKCipher, b []byte) (map[string]registry.GoldenValue, error) {
	var g registry.GoldenRecord
	err := codec{nik: nik}.openGolden(b, &g)
	return g.Fields, err
}

// CopyBinary exposes the bulk load's own binary COPY to its test against pgx's.
var CopyBinary = copyBinary
