package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/porch-dev/porch/internal/cad"
	"github.com/porch-dev/porch/internal/cad/render"
)

type renderFlags struct {
	timeout            time.Duration
	resultsDir         string
	allowExec          bool
	defaultImagePrefix string
}

func newRenderCommand() *cobra.Command {
	var flags renderFlags
	cmd := &cobra.Command{
		Use:   "render DIR",
		Short: "Render a package in place: run its Kptfile pipeline and its subpackages'",
		Long: "Render runs the Kptfile pipeline of the package in DIR and of its subpackages, " +
			"as kpt fn render does, and writes the result back to DIR. exec: functions run " +
			"from their executables, with --allow-exec only; image: functions of the catalog that the function runner " +
			"has built in (set-namespace, set-labels, apply-setters and more) run in-process, " +
			"with no container engine.",
		Example: "  # Render the package in the folder my-app and its subpackages in place\n" +
			"  porchctl fn render my-app\n\n" +
			"  # Allow exec: functions, and write the functions' results to results/results.yaml\n" +
			"  porchctl fn render my-app --allow-exec --results-dir results",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRender(cmd.Context(), cmd, args[0], flags)
		},
	}
	cmd.Flags().DurationVar(&flags.timeout, "timeout", time.Minute, "how long one function may run")
	cmd.Flags().StringVar(&flags.resultsDir, "results-dir", "", "a folder to write the functions' results to, as results.yaml")
	cmd.Flags().BoolVar(&flags.allowExec, "allow-exec", false, "allow binary executables (exec: functions) to be run during pipeline execution")
	cmd.Flags().StringVar(&flags.defaultImagePrefix, "default-image-prefix", cad.DefaultImagePrefix,
		"put before a function image named without a registry or path (apply-setters:v0.2), as kpt does")
	return cmd
}

func runRender(ctx context.Context, cmd *cobra.Command, dir string, flags renderFlags) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	pkg, err := readPackage(abs)
	if err != nil {
		return err
	}
	if !flags.allowExec {
		if err := refuseExec(pkg); err != nil {
			return err
		}
	}
	opts := render.Options{Progress: cmd.ErrOrStderr(), Name: filepath.Base(abs), Path: filepath.ToSlash(abs), DefaultImagePrefix: flags.defaultImagePrefix}
	out, result, renderErr := render.Render(ctx, pkg, newLocalFunctions(render.ExecRunner{Timeout: flags.timeout}), opts)
	if flags.resultsDir != "" {
		if err := writeResults(flags.resultsDir, result); err != nil {
			return err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "For complete results, see %s\n", filepath.Join(flags.resultsDir, "results.yaml"))
	}
	// A failed render may still return a partial package the Kptfile asked
	// to save; writing an unchanged package is a no-op.
	if err := writePackage(abs, pkg, out); err != nil {
		return err
	}
	if renderErr != nil {
		return fmt.Errorf("render failed: %w", renderErr)
	}
	return nil
}

// writeResults writes results.yaml as kpt does, lists indented.
func writeResults(dir string, result *render.Result) error {
	var out bytes.Buffer
	enc := yaml.NewEncoderWithOptions(&out, &yaml.EncoderOptions{SeqIndent: yaml.WideSequenceStyle})
	if err := enc.Encode(result); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "results.yaml"), out.Bytes(), 0o644)
}
