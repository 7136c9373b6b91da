/**
 * {@code extract} and {@code index} as Spark jobs: the driver plans, executors process one file per task with
 * idempotent commits, the driver publishes (and stays the catalog's one writer).
 */
package org.mgsv.spark;
