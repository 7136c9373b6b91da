/**
 * {@code mgsv quickstart}: a synthetic benchmark, a short training run and its evaluation in one command, with the
 * report (metrics table, learning curves, moment strips) it writes.
 */
package org.mgsv.app.quickstart;
