package org.mgsv.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a model directory's weights come from: {@code source} is "import" (a reference state dict: details hold
 * its path and sha256) or "training" (details hold data, seed, git commit, epoch, ...), plus creation time and
 * the mgsv version that wrote it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Provenance(String source, String created, String mgsvVersion, Map<String, Object> details) {

    public static Provenance of(String source, Map<String, Object> details) {
        return new Provenance(source, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), version(),
                new LinkedHashMap<>(details));
    }

    /** The mgsv version from the jar manifest, or "dev" when running from classes. */
    public static String version() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
