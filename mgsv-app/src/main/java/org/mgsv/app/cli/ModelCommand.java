package org.mgsv.app.cli;

import java.util.concurrent.Callable;
import org.mgsv.model.MatmulPrecision;
import picocli.CommandLine.Mixin;

/**
 * A command that runs the MaDe model: it has {@code --precision}, and its work ({@link #run()}) runs with the chosen
 * matrix-product precision set (and printed) before and reset after, however it ends.
 */
abstract class ModelCommand implements Callable<Integer> {
    @Mixin PrecisionOption precision;

    /** The precision scope of this command; commands that also run the encoders use {@code modelAndEncoders}. */
    MatmulPrecision.Scope precisionScope() {
        return precision.model();
    }

    /** The command's work; its return value is the exit code. */
    abstract Integer run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        try (MatmulPrecision.Scope p = precisionScope()) {
            return run();
        }
    }
}
