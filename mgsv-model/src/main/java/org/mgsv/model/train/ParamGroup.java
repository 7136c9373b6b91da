package org.mgsv.model.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A named optimizer group: parameters (by reference state-dict name) that share a learning rate and a
 * gradient-norm clip. The reference has three: temporal, matching, detection.
 */
public record ParamGroup(String name, Map<String, NDArray> params) {
    public ParamGroup {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }
}
