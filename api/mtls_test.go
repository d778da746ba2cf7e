package api_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bangsa/registry/api"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// issue makes a certificate for cn signed by parent (self-signed when parent is nil).
func issue(t *testing.T, cn string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, isCA bool) (*x509.Certificate, *ecdsa.PrivateKey, tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: isCA, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent, parentKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestKeysBoundToClientCertificates(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc := registry.NewService(pgstore.New(pool), registry.Options{})
	h, _ := api.New(svc, api.Options{BindKeysToClientCerts: true})

	ca, caKey, _ := issue(t, "registry ministries CA", nil, nil, true)
	_, _, kemenkesCert := issue(t, "kemenkes", ca, caKey, false)
	_, _, djpCert := issue(t, "djp", ca, caKey, false)
	cas := x509.NewCertPool()
	cas.AddCert(ca)

	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{ClientCAs: cas, ClientAuth: tls.VerifyClientCertIfGiven}
	srv.StartTLS()
	defer srv.Close()
	c := &client{t: t, srv: srv, svc: svc, pool: pool}
	key := c.key("kemenkes", registry.ScopeResolve)

	get := func(cert *tls.Certificate) int {
		tr := srv.Client().Transport.(*http.Transport).Clone()
		if cert != nil {
			tr.TLSClientConfig.Certificates = []tls.Certificate{*cert}
		}
		req, _ := http.NewRequest("GET", srv.URL+"/v1/sources/kemenkes/records/none", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("X-Purpose", "t")
		req.Header.Set("X-End-User", "t")
		res, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := get(&kemenkesCert); code != http.StatusNotFound {
		t.Fatalf("kemenkes key with kemenkes' certificate: %d, want to pass authentication (404 for the unknown record)", code)
	}
	if code := get(&djpCert); code != http.StatusForbidden {
		t.Fatalf("kemenkes key with another ministry's certificate: %d, want 403", code)
	}
	if code := get(nil); code != http.StatusForbidden {
		t.Fatalf("kemenkes key without a certificate: %d, want 403", code)
	}
	res, err := srv.Client().Get(srv.URL + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("health check without a certificate: %v %v", res, err)
	}
}
