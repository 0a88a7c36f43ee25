package awsemu

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"time"
)

// serveClusterAPIs serves the API server stand-in of every cluster of w
// over HTTPS on 127.0.0.1 (awsemu serve --cluster-api) with a fresh
// self-signed certificate, tells srv, and prints "cluster-api NAME URL"
// per cluster. stop closes the listeners.
func serveClusterAPIs(srv *Server, w *World, stdout io.Writer, served chan<- error) (stop func(), err error) {
	cert, caPEM, err := selfSigned()
	if err != nil {
		return nil, err
	}
	var servers []*http.Server
	stop = func() {
		for _, hs := range servers {
			hs.Close()
		}
	}
	for _, c := range w.EKSClusters {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			stop()
			return nil, err
		}
		hs := &http.Server{Handler: srv.ClusterAPI(c.Name), ReadHeaderTimeout: 10 * time.Second,
			TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
		servers = append(servers, hs)
		url := "https://" + ln.Addr().String()
		srv.SetClusterAPI(c.Name, url, caPEM)
		fmt.Fprintf(stdout, "cluster-api %s %s\n", c.Name, url)
		go func() {
			if err := hs.ServeTLS(ln, "", ""); err != http.ErrServerClosed {
				served <- err
			}
		}()
	}
	return stop, nil
}

// selfSigned makes a certificate for 127.0.0.1, ::1 and localhost that is
// its own CA, and its PEM.
func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "awsemu cluster API"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}
