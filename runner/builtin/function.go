package builtin

import (
	"bytes"
	"sync"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
)

// Func runs a function on a ResourceList in YAML and returns the
// ResourceList it wrote. A failing function may return output with an error.
type Func func(resourceList []byte) ([]byte, error)

// fromSDK adapts a function written with the catalog's SDK.
func fromSDK(p fn.ResourceListProcessorFunc) Func {
	return func(in []byte) ([]byte, error) {
		return fn.Run(p, in)
	}
}

// fromFramework adapts a function written with kyaml's framework.
func fromFramework(p framework.ResourceListProcessorFunc) Func {
	return func(in []byte) ([]byte, error) {
		var out bytes.Buffer
		err := framework.Execute(p, &kio.ByteReadWriter{
			Reader: bytes.NewReader(in),
			Writer: &out,
			// The orchestrator set the path and index annotations: they go
			// back as they came, none added, none removed.
			OmitReaderAnnotations: true,
			KeepReaderAnnotations: true,
		})
		return out.Bytes(), err
	}
}

// serialized runs f for one caller at a time, for a function that is not
// safe to run concurrently.
func serialized(f Func) Func {
	var mu sync.Mutex
	return func(in []byte) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		return f(in)
	}
}
