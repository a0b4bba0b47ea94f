package bench

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// admissionClient sends AdmissionReviews to the manager's webhook server
// as the apiserver does: over one kept-alive TLS connection, as the
// administrator the benchmarks act as. The webhooks have no side effects
// (sideEffects: None), so a review can be sent without its write; the time
// until the answer is the webhook's latency, which the apiserver's own
// metrics report only in buckets too coarse for a p99 against 20 ms.
type admissionClient struct {
	base string
	http *http.Client
	user authenticationv1.UserInfo
}

func newAdmissionClient(cfg *rest.Config, base string, ca []byte) (*admissionClient, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, errors.New("the webhook's CA does not parse")
	}
	// Who the administrator is, as the apiserver would tell the webhook.
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	self, err := cs.AuthenticationV1().SelfSubjectReviews().Create(context.Background(), &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("asking who the administrator is: %w", err)
	}
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, NextProtos: []string{"http/1.1"}}, MaxIdleConnsPerHost: 4}
	return &admissionClient{base: base, http: &http.Client{Transport: transport, Timeout: 30 * time.Second}, user: self.Status.UserInfo}, nil
}

// update sends the review of an update of old to obj at path, and returns
// how long the webhook took to answer and whether it allowed it.
func (c *admissionClient) update(path string, old, obj *porchv1alpha1.PackageRevision) (time.Duration, bool, error) {
	oldRaw, err := json.Marshal(old)
	if err != nil {
		return 0, false, err
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return 0, false, err
	}
	gvk := porchv1alpha1.GroupVersion.WithKind("PackageRevision")
	gvr := porchv1alpha1.GroupVersion.WithResource("packagerevisions")
	review := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: admissionv1.SchemeGroupVersion.String(), Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       types.UID(fmt.Sprintf("bench-%d", time.Now().UnixNano())),
			Kind:      metav1.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind},
			Resource:  metav1.GroupVersionResource{Group: gvr.Group, Version: gvr.Version, Resource: gvr.Resource},
			Name:      obj.Name,
			Namespace: obj.Namespace,
			Operation: admissionv1.Update,
			UserInfo:  c.user,
			Object:    runtime.RawExtension{Raw: raw},
			OldObject: runtime.RawExtension{Raw: oldRaw},
			Options:   runtime.RawExtension{Raw: []byte(`{"apiVersion":"meta.k8s.io/v1","kind":"UpdateOptions"}`)},
		},
	}
	body, err := json.Marshal(review)
	if err != nil {
		return 0, false, err
	}
	start := time.Now()
	resp, err := c.http.Post(c.base+path, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, false, err
	}
	defer func() { _ = resp.Body.Close() }()
	var answer admissionv1.AdmissionReview
	err = json.NewDecoder(resp.Body).Decode(&answer)
	took := time.Since(start)
	if err != nil {
		return 0, false, fmt.Errorf("decoding the webhook's answer (HTTP %d): %w", resp.StatusCode, err)
	}
	if answer.Response == nil {
		return 0, false, fmt.Errorf("the webhook answered HTTP %d without a response", resp.StatusCode)
	}
	return took, answer.Response.Allowed, nil
}
