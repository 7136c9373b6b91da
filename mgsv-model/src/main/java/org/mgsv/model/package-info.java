/**
 * MaDe on DJL (docs/spec/MADE.md §2): the configuration, the parameters under the reference's
 * state-dict names, the network's forward pass, checkpoint import from PyTorch and model directories with their
 * provenance.
 */
package org.mgsv.model;
