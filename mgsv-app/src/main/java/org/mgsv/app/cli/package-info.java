/**
 * The {@code mgsv} commands (picocli): one class per command, thin wiring over the modules below; options that
 * several commands share live in {@code @Mixin}s ({@code ThreadsOption}, {@code EngineOptions},
 * {@code PrecisionOption}, {@code AppOptions}). Commands print figures and errors naming file and field, and exit
 * 0 (done), 1 (bad input), 2 (a usage error, or partly done) or 3 (an unexpected error).
 */
package org.mgsv.app.cli;
