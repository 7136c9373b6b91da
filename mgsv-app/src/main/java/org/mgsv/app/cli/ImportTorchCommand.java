package org.mgsv.app.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mgsv.model.MadeConfig;
import org.mgsv.model.TorchImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mgsv import-torch}: a reference PyTorch state dict → a model directory. */
@Command(
        name = "import-torch",
        mixinStandardHelpOptions = true,
        description = {
            "Import the reference MaDe weights (a PyTorch state dict exported to .npz or .safetensors) into a model directory.",
            "Names map 1:1 to the reference state-dict keys; every name and shape is checked. The position tables and "
            + "criterion.empty_weight may be absent (computed) or present, whole or as their first rows (checked)."
        },
        footer = {
            "",
            "Examples:",
            "  mgsv import-torch --state-dict state_dict.npz --out models/made-ref",
            "  mgsv import-torch --state-dict state_dict.npz --buffers buffers.npz --out models/made-ref",
            "",
            "Export from PyTorch: np.savez('sd.npz', **{k: v.numpy() for k, v in model.state_dict().items()})"
        })
public final class ImportTorchCommand implements Callable<Integer> {
    @Option(names = "--state-dict", required = true, paramLabel = "<file>", description = "state dict as .npz or .safetensors")
    Path stateDict;

    @Option(names = "--buffers", paramLabel = "<file>", description = "optional extra .npz/.safetensors with buffers to check")
    Path buffers;

    @Option(names = "--config", paramLabel = "<cfg.json>", description = "model configuration (default: the reference one)")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "<model-dir>", description = "model directory to write (replaced atomically)")
    Path out;

    @Override
    public Integer call() {
        MadeConfig c = config == null ? MadeConfig.reference() : MadeConfig.read(config);
        TorchImporter.Report r = TorchImporter.importTo(stateDict, buffers, c, out);
        System.out.printf(Locale.ROOT, "imported %d parameters (%,d values) from %s%n", r.parameters(), r.scalars(), stateDict);
        System.out.println("buffers checked: " + (r.buffersChecked().isEmpty() ? "none" : String.join(", ", r.buffersChecked())));
        System.out.println("buffers computed: " + (r.buffersComputed().isEmpty() ? "none" : String.join(", ", r.buffersComputed())));
        System.out.println("sha256 " + r.sha256());
        System.out.println("wrote " + out);
        return 0;
    }
}
