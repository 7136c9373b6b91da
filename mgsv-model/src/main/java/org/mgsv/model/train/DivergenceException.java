package org.mgsv.model.train;

import org.mgsv.core.MgsvException;

/**
 * Training stopped because the network's outputs or the loss became non-finite. The run directory's last
 * checkpoint is intact (it is written only after a complete epoch), so a caller may resume from it.
 */
public final class DivergenceException extends MgsvException {
    private final long step;

    public DivergenceException(String message, long step) {
        super(message);
        this.step = step;
    }

    /** The global step (0-based) that diverged, or -1 where it is not known. */
    public long step() {
        return step;
    }
}
