/**
 * Pictures and pages people look at: learning curves ({@link org.mgsv.core.report.LineChart}), predicted vs
 * ground-truth moments ({@link org.mgsv.core.report.MomentStrip}), both as PNG drawn with headless java.awt,
 * and a self-contained HTML page ({@link org.mgsv.core.report.HtmlReport}).
 */
package org.mgsv.core.report;
