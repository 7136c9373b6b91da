/**
 * Tensor files without Python: {@code torch.save} zip archives (a restricted unpickler that executes nothing),
 * {@code .npy} and {@code .npz}, float16, and the shape/finiteness checks every reader applies.
 */
package org.mgsv.core.tensor;
