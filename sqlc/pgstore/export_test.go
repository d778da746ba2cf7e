package pgstore

import "github.com/bangsa/registry/registry"

// EncodeGolden and DecodeGolden expose the stored form of golden records to the migration tests.
func EncodeGolden(nik *registry.NIKCipher, fields map[string]registry.GoldenValue) ([]byte, error) {
	return codec{nik: nik}.sealGolden(fields)
}

func DecodeGolden(nik *registry.NIKCipher, b []byte) (map[string]registry.GoldenValue, error) {
	return codec{nik: nik}.openGolden(b)
}
