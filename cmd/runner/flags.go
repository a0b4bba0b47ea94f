package main

import (
	"flag"
	"strings"
	"time"

	"github.com/porch-dev/porch/internal/cad"

	"github.com/porch-dev/porch/runner"
	"github.com/porch-dev/porch/runner/builtin/starlarkfn"
	"github.com/porch-dev/porch/runner/exec"
	"github.com/porch-dev/porch/runner/isolation"
	"github.com/porch-dev/porch/runner/pod"
)

type flags struct {
	port               int
	metricsAddr        string
	maxMessageBytes    int
	functionTimeout    time.Duration
	defaultImagePrefix string
	starlark           starlarkFlags
	execConfig         string
	execTimeout        time.Duration
	execMaxOutputBytes int
	// tlsCert and tlsKey serve the gRPC service over TLS; tlsClientCA
	// then asks callers for a certificate it signed.
	tlsCert, tlsKey, tlsClientCA string
	pods                         podFlags
}

// starlarkFlags bound the builtin starlark function, which runs user code:
// each run in a child process of the binary (see runner/isolation).
type starlarkFlags struct {
	maxSteps    uint64
	memoryBytes int64
	processes   int
}

// podFlags configure the pod evaluator, which runs only with a namespace.
type podFlags struct {
	namespace        string
	template         string
	ttl              time.Duration
	scanInterval     time.Duration
	readyTimeout     time.Duration
	maxPerFunction   int
	maxPods          int
	imagePrefixes    string
	wrapperImage     string
	registryInsecure bool
}

func parseFlags(fs *flag.FlagSet, args []string) flags {
	var f flags
	fs.IntVar(&f.port, "port", 9445, "Port of the gRPC service.")
	fs.StringVar(&f.metricsAddr, "metrics-bind-address", ":9446", "Address to serve Prometheus metrics on, in plain HTTP at /metrics; 0 serves none.")
	fs.IntVar(&f.maxMessageBytes, "max-message-bytes", runner.DefaultMaxMessageBytes, "Largest request or response of the gRPC service, in bytes.")
	fs.DurationVar(&f.functionTimeout, "function-timeout", runner.DefaultCallTimeout, "Time one call may take: its function is cancelled then, and the call fails with DeadlineExceeded.")
	fs.StringVar(&f.defaultImagePrefix, "default-image-prefix", cad.DefaultImagePrefix,
		"Put before a requested image named without a registry or path (apply-setters:v0.2), as kpt does.")
	addStarlarkFlags(fs, &f.starlark)
	fs.StringVar(&f.execConfig, "exec-config", "", "YAML file mapping images to executables (functions: {IMAGE: PATH}); none runs no executables.")
	fs.DurationVar(&f.execTimeout, "exec-timeout", exec.DefaultTimeout, "Time an executable function may run before it is killed.")
	fs.IntVar(&f.execMaxOutputBytes, "exec-max-output-bytes", exec.DefaultMaxOutputBytes, "Largest stdout, and stderr, of an executable function, in bytes.")
	fs.StringVar(&f.tlsCert, "tls-cert-file", "", "Certificate of the gRPC service; with --tls-key-file it is served over TLS (read again at each handshake), else in plaintext.")
	fs.StringVar(&f.tlsKey, "tls-key-file", "", "Key of --tls-cert-file.")
	fs.StringVar(&f.tlsClientCA, "tls-client-ca-file", "", "With TLS, only callers with a certificate signed by this authority (the manager's --function-runner-cert-file) may call the service.")
	p := &f.pods
	fs.StringVar(&p.namespace, "pod-namespace", "", "Namespace to run function images in, a Pod and Service per image; none runs no pods, and an image that is neither builtin nor in the exec config is unknown.")
	fs.StringVar(&p.template, "pod-template", "", "YAML file of the Pod that function pods are made from; none uses the built-in template.")
	fs.DurationVar(&p.ttl, "pod-ttl", pod.DefaultTTL, "Time a function pod may stay idle before it is deleted.")
	fs.DurationVar(&p.scanInterval, "pod-scan-interval", pod.DefaultScanInterval, "How often idle function pods are looked for.")
	fs.DurationVar(&p.readyTimeout, "pod-ready-timeout", pod.DefaultReadyTimeout, "Time a function pod may take to become ready before the call fails and the pod is deleted.")
	fs.IntVar(&p.maxPerFunction, "max-pods-per-function", pod.DefaultMaxPodsPerFunction, "Most pods of one function image; each runs one call at a time, and further calls wait.")
	fs.IntVar(&p.maxPods, "max-pods", pod.DefaultMaxPods, "Most function pods in all; a call needing a new pod at the bound takes the place of the pod of another function idle the longest, or waits while every pod is busy. 0 means no bound beyond --max-pods-per-function.")
	fs.StringVar(&p.imagePrefixes, "pod-image-prefixes", strings.Join(pod.DefaultImagePrefixes, ","), "Comma-separated registry or repository paths whose images may run in a pod (e.g. ghcr.io/kptdev/krm-functions-catalog/); "+
		"an image under none fails its call, naming this flag. * allows every image; empty allows none.")
	fs.StringVar(&p.wrapperImage, "wrapper-server-image", "", "Image holding /wrapper-server (the runner's own image), copied into each function pod by an init container; required with --pod-namespace.")
	fs.BoolVar(&p.registryInsecure, "registry-insecure", false, "Read function images' entrypoints from their registries over plain HTTP.")
	_ = fs.Parse(args)
	return f
}

func addStarlarkFlags(fs *flag.FlagSet, s *starlarkFlags) {
	fs.Uint64Var(&s.maxSteps, "starlark-max-steps", starlarkfn.DefaultMaxSteps, "Step budget of one run of the builtin starlark function; a script that spends it fails.")
	fs.Int64Var(&s.memoryBytes, "starlark-memory-limit", isolation.DefaultMemoryBytes, "Memory, in bytes, one run of the builtin starlark function may take; each runs in a child process that dies past it.")
	fs.IntVar(&s.processes, "starlark-processes", isolation.DefaultProcesses, "Most starlark runs at once, each in its own child process; keep it times --starlark-memory-limit well under the runner's memory limit.")
}

// prefixes splits --pod-image-prefixes, dropping blanks.
func (p podFlags) prefixes() []string {
	var out []string
	for _, prefix := range strings.Split(p.imagePrefixes, ",") {
		if prefix = strings.TrimSpace(prefix); prefix != "" {
			out = append(out, prefix)
		}
	}
	return out
}
