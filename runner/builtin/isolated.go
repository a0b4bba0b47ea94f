package builtin

import (
	"bytes"
	"context"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/porch-dev/porch/internal/cad"
)

// evaluateNodesIsolated runs image through iso on parsed resources: it
// writes rl as the ResourceList the gRPC service would receive and reads
// the function's output back into rl, so that both ways give what Evaluate
// gives.
func evaluateNodesIsolated(ctx context.Context, iso Isolator, image string, rl *cad.ResourceList) ([]byte, error) {
	var in bytes.Buffer
	err := kio.ByteWriter{
		Writer:                &in,
		KeepReaderAnnotations: true,
		WrappingAPIVersion:    "config.kubernetes.io/v1",
		WrappingKind:          kio.ResourceListKind,
		FunctionConfig:        rl.FunctionConfig,
	}.Write(rl.Items)
	if err != nil {
		return nil, fmt.Errorf("function %q: encoding its input: %w", image, err)
	}
	out, log, runErr := iso.Evaluate(ctx, image, in.Bytes())
	if len(bytes.TrimSpace(out)) == 0 {
		if runErr == nil {
			runErr = fmt.Errorf("function %q wrote no output", image)
		}
		return log, runErr
	}
	reader := &kio.ByteReader{Reader: bytes.NewReader(out), OmitReaderAnnotations: true}
	items, err := reader.Read()
	if err != nil {
		return log, fmt.Errorf("function %q wrote an invalid ResourceList: %w", image, err)
	}
	rl.Items = items
	rl.Results = nil
	if reader.Results != nil {
		if err := reader.Results.YNode().Decode(&rl.Results); err != nil {
			return log, fmt.Errorf("function %q wrote invalid results: %w", image, err)
		}
	}
	return log, runErr
}
